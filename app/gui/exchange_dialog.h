#pragma once
// ExchangeDialog: what to import into the dataset or export from it — the files or folder, the
// format (every format of dataset_exchange.h), and for an import the label and split that replace
// the files' own, for an export which samples. It only gathers choices; DatasetView runs them
// through the core's importFiles / exportSamples on a worker.
//
// Ownership: a plain modal QDialog. Thread: GUI thread.
#include <QDialog>

#include "app/core/dataset/dataset_exchange.h"

class QComboBox;
class QLineEdit;

namespace tinyscope::ui {

class ExchangeDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Mode { kImport, kExport };
  // Which samples an export writes.
  enum class Scope { kSelected, kListed, kAll };

  // `labels`: the dataset's labels (offered for an import's label); `selected`: samples selected
  // in the list (an export of the selection is offered when > 0).
  ExchangeDialog(Mode mode, const QStringList& labels, int selected, QWidget* parent = nullptr);

  Mode mode() const { return m_mode; }
  // Import: the files and folders; export: the output folder (one entry).
  QStringList paths() const;
  dataset::ImportOptions importOptions() const;
  dataset::ExportOptions exportOptions() const;
  Scope scope() const;

  QLineEdit* pathEdit() const { return m_path; }
  QComboBox* formatBox() const { return m_format; }
  QComboBox* labelBox() const { return m_label; }
  QComboBox* splitBox() const { return m_split; }
  QComboBox* scopeBox() const { return m_scope; }

 private:
  void browse(bool folder);

  Mode m_mode;
  QLineEdit* m_path;
  QComboBox* m_format;
  QComboBox* m_label = nullptr;
  QComboBox* m_split = nullptr;
  QComboBox* m_scope = nullptr;
  QLineEdit* m_hmac;
};

}  // namespace tinyscope::ui
