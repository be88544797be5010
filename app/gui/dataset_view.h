#pragma once
// DatasetView: the Dataset dock. The sample list (SampleListModel, filtered by label, split and
// session, with counts per label and split) above the timeline of the selected sample
// (SampleTimeline), where segments are created, resized, relabeled and removed. Every edit is
// one of the core's undoable commands (edit_commands.h) wrapped 1:1 in a QUndoCommand on the
// view's QUndoStack (a resize or relabel is a remove + add macro, one undo step).
//
// Ownership: owns the DatasetStore it opens (setDir) and the undo stack; dropping the store
// (another folder) clears the stack. Thread: GUI thread. The index queries run here (small
// SQLite reads); a sample's frames are read and converted on a worker (QtConcurrent) with its
// own store connection, and a stale load is dropped. Errors go to errorOccurred(), never a
// dialog.
//
// Bulk edits act on the samples selected in the list (relabel, split) or on the listed ones
// (train/test split), through the core's edits (one undo step each). Import and export run the
// core's importFiles / exportSamples on a worker with its own store connection, one job at a
// time, announced with workStarted / workProgress / workEnded (a WorkBar follows them) and
// stopped by cancelWork(): a cancelled import leaves the dataset unchanged, a cancelled export
// adds nothing to the output folder.
#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>

#include "app/core/dataset/dataset_exchange.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QLabel;
class QTableView;
class QUndoStack;

namespace tinyscope {
class SampleListModel;
namespace dataset {
class DatasetStore;
class EditCommand;
}  // namespace dataset
}  // namespace tinyscope

namespace tinyscope::ui {

class SampleTimeline;

class DatasetView : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetView(QWidget* parent = nullptr);
  ~DatasetView() override;

  // Opens the dataset in `dir`; a folder without one shows how to make it (Record creates it).
  void setDir(const QString& dir);
  QString dir() const { return m_dir; }
  // Reads the listing, counts and the selected sample's segments again (new samples).
  void refresh();

  QUndoStack* undoStack() const { return m_undo; }
  SampleListModel* model() const { return m_model; }
  QTableView* table() const { return m_table; }
  SampleTimeline* timeline() const { return m_timeline; }
  QComboBox* labelFilter() const { return m_labelFilter; }
  QComboBox* splitFilter() const { return m_splitFilter; }
  QComboBox* newLabelBox() const { return m_newLabel; }
  QString countsText() const;
  dataset::DatasetStore* store() const { return m_store.get(); }
  // Selects the sample's row and loads its timeline; false when it is not listed.
  bool selectSample(qint64 sampleId);
  // Ids of the samples selected in the list, in list order.
  QVector<qint64> selectedIds() const;

  // The edits behind the actions (each one undo step; false with errorOccurred when refused).
  // The selected samples' whole-sample labels become `label`.
  bool relabelSelected(const QString& label);
  bool setSelectedSplit(dataset::Split split);
  // The core's deterministic stratified train/test split of the listed samples (only the
  // unassigned ones unless `reassign`).
  bool assignTestSplit(double testRatio, bool reassign);
  // Renames `from` to `to`, or merges it into `to` when that label exists.
  bool renameLabel(const QString& from, const QString& to);

  // Starts an import / export on a worker; false when one runs already or nothing is open.
  // An import into a folder without a dataset creates it.
  bool startImport(const QStringList& paths, const dataset::ImportOptions& options);
  bool startExport(const QString& outDir, const dataset::SampleFilter& filter,
                   const dataset::ExportOptions& options);
  bool busy() const { return m_work != nullptr; }

  QAction* relabelAction() const { return m_relabelAction; }
  QAction* renameLabelAction() const { return m_renameAction; }
  QAction* autoSplitAction() const { return m_autoSplitAction; }
  QAction* importAction() const { return m_importAction; }
  QAction* exportAction() const { return m_exportAction; }

 public Q_SLOTS:
  // Stops the running import/export at its next file or sample.
  void cancelWork();

 Q_SIGNALS:
  void errorOccurred(const QString& message);
  // What an import or export did (for the log).
  void messageLogged(const QString& message);
  // The selected sample's frames are on the timeline.
  void sampleLoaded(qint64 sampleId);
  // Long work. workProgress is emitted on the worker's thread (a receiver in another thread
  // gets it queued); the others on the GUI thread. workFinished comes after workEnded, once the
  // list shows the result.
  void workStarted(const QString& title);
  void workProgress(qint64 value, qint64 maximum);
  void workEnded();
  void workFinished(bool ok);

 private:
  struct WorkResult {
    bool ok = false;
    QString message;
  };
  void buildActions();
  using Progress = std::function<bool(qint64 done, qint64 total)>;
  // Runs `job` on a worker with its own connection to the dataset; `progress` (called there)
  // announces progress and says whether to go on. A job that fails after cancelWork() is logged
  // with `cancelledMessage`, not as an error.
  void runWork(const QString& title, const QString& cancelledMessage,
               std::function<WorkResult(dataset::DatasetStore*, const Progress&)> job);
  void pushEdit(const QString& text, std::unique_ptr<dataset::EditCommand> command);
  void relabelDialog();
  void renameDialog();
  void autoSplitDialog();
  void importDialog();
  void exportDialog();
  void updateActions();

  void applyFilter();
  void updateCounts();
  void loadSample(qint64 sampleId);
  void reloadSegments();
  void edited();
  // Selects, after the next segment reload, the segment with this label and frames.
  void selectAfterReload(const QString& label, qint64 start, qint64 end);

  QString m_dir;
  std::unique_ptr<dataset::DatasetStore> m_store;
  SampleListModel* m_model;
  QUndoStack* m_undo;
  QComboBox* m_labelFilter;
  QComboBox* m_splitFilter;
  QCheckBox* m_sameSession;
  QComboBox* m_newLabel;  // label of new segments (editable: a new label is typed here)
  QLabel* m_counts;
  QTableView* m_table;
  SampleTimeline* m_timeline;
  qint64 m_sessionId = 0;  // of the selected sample, for the session filter
  quint64 m_loadJob = 0;
  QString m_selectLabel;  // see selectAfterReload
  qint64 m_selectStart = -1, m_selectEnd = -1;
  QAction* m_relabelAction = nullptr;
  QAction* m_renameAction = nullptr;
  QAction* m_autoSplitAction = nullptr;
  QAction* m_importAction = nullptr;
  QAction* m_exportAction = nullptr;
  QList<QAction*> m_splitActions;
  QFutureWatcher<WorkResult>* m_work = nullptr;
  std::shared_ptr<std::atomic<bool>> m_cancel;
};

}  // namespace tinyscope::ui
