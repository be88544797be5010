#pragma once
// The labeling model's edits as undoable commands. Each command is one SQL transaction on the
// index (payload files are never touched: split and trim move a sample's frame window over its
// payload). The first redo() performs the edit and records the before/after image of every row
// it changes; undo() and later redo() replay those images, each in one transaction.
//
// Ownership: a command keeps a pointer to its DatasetStore, which must outlive it; use it on the
// store's thread. Memory: the changed rows (a few hundred bytes per row; one row for a label
// edit, so label edits are O(1)). Errors: redo()/undo() return false with one sentence naming the
// sample, label or table; the index is then unchanged. A GUI's QUndoCommand can wrap one 1:1.
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantMap>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope::dataset {

class DatasetStore;

// One changed row. An insert keeps the new row, a delete the old row, an update only the
// changed columns' old and new values.
struct RowChange {
  enum class Kind { kInsert, kUpdate, kDelete };
  Kind kind = Kind::kUpdate;
  QString table;
  qint64 id = 0;
  QVariantMap before;
  QVariantMap after;
};

// Prepared statements by SQL text, so bulk edits prepare each statement once.
class StatementCache {
 public:
  explicit StatementCache(QSqlDatabase db) : m_db(std::move(db)) {}
  QSqlQuery& get(const QString& sql);

 private:
  QSqlDatabase m_db;
  QHash<QString, QSqlQuery> m_queries;
};

// Records row changes while an edit runs inside its transaction.
class RowJournal {
 public:
  explicit RowJournal(DatasetStore* store);
  qint64 insert(const QString& table, const QVariantMap& values, QString* error);
  // `before` may carry the changed columns' current values when the caller read them already.
  bool update(const QString& table, qint64 id, const QVariantMap& values, QString* error,
              const QVariantMap* before = nullptr);
  bool remove(const QString& table, qint64 id, QString* error);
  std::optional<QVariantMap> row(const QString& table, qint64 id, QString* error);
  // The label's id, inserting the label when it is new.
  qint64 labelId(const QString& name, QString* error);
  std::vector<RowChange> take() { return std::move(m_changes); }

 private:
  StatementCache m_cache;
  std::vector<RowChange> m_changes;
};

class EditCommand {
 public:
  using Apply = std::function<bool(RowJournal&, QString* error)>;
  EditCommand(DatasetStore* store, QString text, Apply apply);
  bool redo(QString* error);
  bool undo(QString* error);
  const QString& text() const { return m_text; }
  // Rows the edit changed (empty before the first redo()).
  size_t changedRows() const { return m_changes.size(); }

 private:
  bool replay(bool forward, QString* error);
  bool inTransaction(const std::function<bool()>& body, QString* error);

  DatasetStore* m_store;
  QString m_text;
  Apply m_apply;
  bool m_done = false;
  bool m_applied = false;
  std::vector<RowChange> m_changes;
};

// A linear undo history. push() runs the command's first redo() and keeps it only if it worked.
class CommandStack {
 public:
  bool push(std::unique_ptr<EditCommand> command, QString* error);
  bool undo(QString* error);
  bool redo(QString* error);
  bool canUndo() const { return m_index > 0; }
  bool canRedo() const { return m_index < m_commands.size(); }
  QString undoText() const { return canUndo() ? m_commands[m_index - 1]->text() : QString(); }
  QString redoText() const { return canRedo() ? m_commands[m_index]->text() : QString(); }
  size_t count() const { return m_commands.size(); }

 private:
  std::vector<std::unique_ptr<EditCommand>> m_commands;
  size_t m_index = 0;
};

// The edits. Each returns a command that has not run yet; push it on a CommandStack (or call
// redo()). Sample frames are relative to the sample; segments are [start, end).
namespace edits {
std::unique_ptr<EditCommand> labelSample(DatasetStore* s, qint64 sampleId, const QString& label);
std::unique_ptr<EditCommand> unlabelSample(DatasetStore* s, qint64 sampleId, const QString& label);
std::unique_ptr<EditCommand> addSegment(DatasetStore* s, qint64 sampleId, const QString& label,
                                        qint64 start, qint64 end);
// Several segments in one edit (a label file put onto a sample); start == end is a point label.
std::unique_ptr<EditCommand> addSegments(DatasetStore* s, qint64 sampleId,
                                         const QVector<Segment>& segments);
std::unique_ptr<EditCommand> removeSegment(DatasetStore* s, qint64 segmentId);
std::unique_ptr<EditCommand> renameLabel(DatasetStore* s, const QString& from, const QString& to);
std::unique_ptr<EditCommand> mergeLabels(DatasetStore* s, const QString& from, const QString& into);
std::unique_ptr<EditCommand> deleteLabel(DatasetStore* s, const QString& label);
// On samples matching `filter`: segments labelled `from` get `to`; with `from` empty, the
// samples' whole-sample labels are replaced by `to`.
std::unique_ptr<EditCommand> relabel(DatasetStore* s, const SampleFilter& filter,
                                     const QString& from, const QString& to);
// Frames [at, end) become a new sample named "<name>.2" with the same payload, labels, split and
// metadata; segments crossing `at` are cut in two.
std::unique_ptr<EditCommand> splitSample(DatasetStore* s, qint64 sampleId, qint64 at);
// Keeps frames [begin, end) of the sample; segments are clipped, those left empty removed.
std::unique_ptr<EditCommand> trimSample(DatasetStore* s, qint64 sampleId, qint64 begin, qint64 end);
std::unique_ptr<EditCommand> setSplit(DatasetStore* s, const SampleFilter& filter, Split split);
// Deterministic train/test split of the unassigned samples matching `filter` (all matching
// samples when `reassign`), stratified by label: per label (the sample's first label, or none),
// samples are ordered by SHA-256 of their content id and test samples are taken in that order
// until the label's test share reaches `testRatio` of its samples. Existing assignments do not
// move, so adding samples and splitting again keeps every earlier decision.
std::unique_ptr<EditCommand> assignSplit(DatasetStore* s, const SampleFilter& filter,
                                         double testRatio, bool reassign);
}  // namespace edits

}  // namespace tinyscope::dataset
