#pragma once
// CompareView: device vs desktop, tensor by tensor: exact matches, max |Δ| in quantized
// steps, cosine, SNR; the first diverging operator is named above the table.
// GUI thread only.
#include <QWidget>

#include "model_runner/host/tensor_comparator.h"

class QLabel;
class QTableWidget;

namespace tinyscope::ui {

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);
  void showComparison(const runner::host::DumpComparison& comparison, const QString& title);
  void showMessage(const QString& message);
  QString verdict() const;
  int rowCount() const;

 private:
  QLabel* m_verdict;
  QTableWidget* m_table;
};

}  // namespace tinyscope::ui
