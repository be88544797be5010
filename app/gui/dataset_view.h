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
#include <QWidget>
#include <memory>

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
}
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

 Q_SIGNALS:
  void errorOccurred(const QString& message);
  // The selected sample's frames are on the timeline.
  void sampleLoaded(qint64 sampleId);

 private:
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
};

}  // namespace tinyscope::ui
