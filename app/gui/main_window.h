#pragma once
// MainWindow: the tinyscope workbench. The central area shows live signals; docks hold the
// device connection, the model, the per-operator profiler, the tensor comparison, the
// dataset and the log. GUI thread only.
#include <QMainWindow>

class QLabel;
class QDockWidget;

namespace tinyscope {
class LogModel;
}

namespace tinyscope::ui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  LogModel* logModel() const { return m_log; }
  QDockWidget* dock(const QString& objectName) const;

 public Q_SLOTS:
  void showAbout();

 private:
  QDockWidget* addPanel(const QString& title, const QString& objectName, QWidget* content,
                        Qt::DockWidgetArea area);
  void buildMenus();

  LogModel* m_log;
  QLabel* m_connectionLabel;
  QList<QDockWidget*> m_docks;
};

}  // namespace tinyscope::ui
