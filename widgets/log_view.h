#pragma once
// LogView: a table over a LogModel that follows new entries unless the user scrolled up.
// GUI thread only. Does not own the model.
#include <QTableView>

namespace tinyscope {
class LogModel;
}

namespace tinyscope::ui {

class LogView : public QTableView {
  Q_OBJECT
 public:
  explicit LogView(LogModel* model, QWidget* parent = nullptr);
};

}  // namespace tinyscope::ui
