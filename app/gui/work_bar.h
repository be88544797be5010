#pragma once
// WorkBar: the long work running in the window (a flash, a replay check, an import), one row
// each in the status bar: what it is, its progress and a Cancel button. Hidden when idle.
// Views announce work with three signals — workStarted(title), workProgress(value, maximum)
// (maximum 0: unknown), workEnded() — and stop it with a cancelWork() slot; follow() wires them.
//
// Thread: GUI thread. Owns its rows; does not own the views it follows.
#include <QHash>
#include <QPointer>
#include <QWidget>
#include <functional>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;

namespace tinyscope::ui {

class WorkBar : public QWidget {
  Q_OBJECT
 public:
  explicit WorkBar(QWidget* parent = nullptr);

  // Shows a row for `job` (replacing one it had); `cancel` runs when its Cancel is clicked.
  void begin(QObject* job, const QString& title, std::function<void()> cancel);
  void progress(QObject* job, qint64 value, qint64 maximum);
  void end(QObject* job);
  int runningCount() const { return m_rows.size(); }
  // The Cancel button of `job`'s row, nullptr when it has none (tests).
  QPushButton* cancelButton(QObject* job) const;
  QProgressBar* progressBar(QObject* job) const;

  template <class View>
  void follow(View* view) {
    connect(view, &View::workStarted, this, [this, view](const QString& title) {
      begin(view, title, [view] { view->cancelWork(); });
    });
    connect(view, &View::workProgress, this,
            [this, view](qint64 value, qint64 maximum) { progress(view, value, maximum); });
    connect(view, &View::workEnded, this, [this, view] { end(view); });
  }

 private:
  struct Row {
    QWidget* widget = nullptr;
    QLabel* title = nullptr;
    QProgressBar* bar = nullptr;
    QPushButton* cancel = nullptr;
  };
  QHBoxLayout* m_layout;
  QHash<QObject*, Row> m_rows;
};

}  // namespace tinyscope::ui
