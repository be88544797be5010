#pragma once
// ModelView: the operators and tensors of a model (what `tinyscope-cli inspect` prints).
// GUI thread only.
#include <QWidget>

#include "model_runner/host/model_summary.h"

class QLabel;
class QTableWidget;

namespace tinyscope::ui {

class ModelView : public QWidget {
  Q_OBJECT
 public:
  explicit ModelView(QWidget* parent = nullptr);
  void showModel(const QString& name, const runner::host::ModelSummary& summary);
  void showMessage(const QString& message);
  int operatorCount() const;

 private:
  QLabel* m_header;
  QTableWidget* m_ops;
};

}  // namespace tinyscope::ui
