#pragma once
// ReplayView: the Replay dock. Opens a session log (.tsl), re-runs each recorded inference on
// the desktop with the model the session names and lists them (ReplayListModel); for the
// selected one, the device-vs-desktop tensor table (TensorComparisonModel, the first divergent
// operator highlighted) and its per-operator device latency against the session's median
// (QtCharts); a summary of the whole session: checked / passed / failed / skipped and the top
// class of the device against the desktop's (an agreement matrix by class label); for a log kept
// in a dataset with labelled samples, the model's accuracy per label (QtCharts) and confusion.
//
// N / P (or the list's arrow keys) step through the inferences.
//
// Thread: GUI thread; the replay runs on a worker (QtConcurrent::run) with progress and
// Cancel, and a replay overtaken by another open() is dropped. Errors (not a session log, a
// damaged header, its model missing from the store) go to the status line and the log, never
// a dialog; a damaged tail is a warning and what came before it is shown.
// Ownership: borrows the LogModel (must outlive the view).
#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <memory>

#include "app/core/session/session_replay.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace QtCharts {
class QChartView;
}

namespace tinyscope {
class LogModel;
class TensorComparisonModel;
namespace session {
class ReplayListModel;
}
}  // namespace tinyscope

namespace tinyscope::ui {

class ReplayView : public QWidget {
  Q_OBJECT
 public:
  explicit ReplayView(LogModel* log = nullptr, QWidget* parent = nullptr);
  ~ReplayView() override;

  // Replays `path` on a worker; finished() follows (unless another open() overtakes it).
  void open(const QString& path);
  bool running() const;
  session::ReplayListModel* inferences() const { return m_list; }
  TensorComparisonModel* tensors() const { return m_tensors; }
  QTableView* inferenceTable() const { return m_listView; }
  QTableView* tensorTable() const { return m_tensorView; }
  QTableWidget* agreementTable() const { return m_agreement; }
  // Rows: the dataset's labels; columns: the model's classes (empty without labelled samples).
  QTableWidget* confusionTable() const { return m_confusion; }
  QtCharts::QChartView* accuracyChart() const { return m_accuracy; }
  QtCharts::QChartView* latencyChart() const { return m_latency; }
  QProgressBar* progressBar() const { return m_progress; }
  QPushButton* cancelButton() const { return m_cancel; }
  QString statusText() const;
  QString summaryText() const;
  QString verdictText() const;
  int currentRow() const;
  void selectRow(int row);

 public Q_SLOTS:
  void next();
  void previous();
  void cancelWork();

 Q_SIGNALS:
  void finished();
  void workStarted(const QString& title);
  void workProgress(qint64 value, qint64 maximum);
  void workEnded();

 private:
  void onFinished();
  void showInference(int row);
  void showSummary();
  void showStatus(const QString& text, int level);

  LogModel* m_log;
  session::ReplayListModel* m_list;
  TensorComparisonModel* m_tensors;
  QPushButton* m_open;
  QLabel* m_path;
  QProgressBar* m_progress;
  QPushButton* m_cancel;
  QLabel* m_status;
  QTableView* m_listView;
  QPushButton* m_prev;
  QPushButton* m_next;
  QTabWidget* m_tabs;
  QLabel* m_verdict;
  QTableView* m_tensorView;
  QtCharts::QChartView* m_latency;
  QLabel* m_summary;
  QTableWidget* m_agreement;
  QTableWidget* m_confusion;
  QtCharts::QChartView* m_accuracy;
  QFutureWatcher<session::SessionReplay> m_watcher;
  std::shared_ptr<std::atomic<bool>> m_cancelFlag;
  quint64 m_job = 0;
  QVector<double> m_opMedianUs;  // per op, over the session's checked inferences
};

}  // namespace tinyscope::ui
