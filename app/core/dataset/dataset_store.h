#pragma once
// A tinyscope dataset: a folder with dataset.sqlite (the index, SQLite in WAL mode) and the
// payloads as WAV/FLAC + JSON sidecar under samples/ (layout and schema: docs/DATASET.md).
//
// Ownership: the store owns one SQLite connection; use it from the thread that opened it. Two
// processes may open one folder (SQLite locks it), but only one should write payloads at a time.
// Memory: the index lives on disk; listings cost ~300 bytes per returned sample.
// Errors: every failing call returns false / 0 / empty and one sentence naming the file, table or
// field at fault; a failed call leaves the folder and the index as they were (one transaction).
// Crash safety: addSample returns only after the payload, the sidecar, the folder entry and the
// index row are on disk (fsync); a crash at any moment leaves every returned sample intact.
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>
#include <QVector>
#include <memory>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope::dataset {

inline constexpr int kSchemaVersion = 2;
inline constexpr int kApplicationId = 0x54534453;  // "TSDS" in PRAGMA application_id
inline constexpr char kIndexFile[] = "dataset.sqlite";
inline constexpr char kSamplesDir[] = "samples";
inline constexpr char kQuarantineDir[] = "quarantine";
inline constexpr char kTrashDir[] = "trash";

// What verify() finds. kMissing: indexed file absent; kCorrupt: SHA-256 differs from the index
// or the payload is unreadable; kOrphaned: a payload with a readable sidecar that the index does
// not know (repair re-indexes it); kExtra: anything else in samples/ (temporary files of an
// interrupted write, sidecars without payload; repair moves them to quarantine/).
struct Finding {
  enum class Kind { kMissing, kCorrupt, kOrphaned, kExtra };
  Kind kind;
  QString file;  // relative to the dataset folder
  QString detail;
};
QString findingKindName(Finding::Kind k);

struct VerifyReport {
  int checkedFiles = 0;
  qint64 checkedBytes = 0;
  QVector<Finding> findings;
  bool clean() const { return findings.isEmpty(); }
};

struct RepairReport {
  QStringList reindexed;    // payloads taken back into the index
  QStringList quarantined;  // files moved to quarantine/
  QStringList unindexed;    // index entries of missing/corrupt files, saved to quarantine/
};

struct DatasetSummary {
  int schemaVersion = 0;
  qint64 samples = 0;
  qint64 files = 0;
  qint64 frames = 0;
  qint64 payloadBytes = 0;
  double seconds = 0;
  qint64 sessions = 0;
  qint64 devices = 0;
  QVector<QPair<QString, qint64>> labels;  // label -> samples carrying it
  qint64 unlabeled = 0;
  qint64 train = 0, test = 0, unassigned = 0;
};

class DatasetStore {
 public:
  ~DatasetStore();
  DatasetStore(const DatasetStore&) = delete;
  DatasetStore& operator=(const DatasetStore&) = delete;

  // Makes `dir` (which may exist, but not hold a dataset.sqlite) a new, empty dataset. The
  // index appears complete or not at all (built as dataset.sqlite.creating, then renamed).
  static std::unique_ptr<DatasetStore> create(const QString& dir, QString* error);
  // Opens a dataset, migrating an older schema forward. Refuses, changing nothing, a folder
  // without dataset.sqlite, a file that is not SQLite, an SQLite file of another application,
  // and a newer schema.
  static std::unique_ptr<DatasetStore> open(const QString& dir, QString* error);
  static std::unique_ptr<DatasetStore> openOrCreate(const QString& dir, QString* error);

  const QString& dir() const { return m_dir; }
  int schemaVersion() const;
  // The connection, for the edit commands (edit_commands.h); one transaction per edit.
  QSqlDatabase database() const;

  // Stores `frames` (interleaved, native-endian spec.type, spec.axes.size() channels) as a new
  // payload + sidecar and indexes it with spec's labels, gaps, outputs and metadata in one
  // transaction. Refuses a payload already in the dataset (same SHA-256). Returns the sample id.
  qint64 addSample(const SampleSpec& spec, const QByteArray& frames, QString* error);
  // Adds several samples as one: every payload is written and checked first (a payload already
  // stored, or two equal payloads in the batch, refuses the batch), then all are indexed with
  // their labels, segments, split and metadata in ONE transaction. On any failure the files of
  // the batch are removed and the index is unchanged; a crash before the commit leaves the batch's
  // payloads as orphans (verify reports them, repair takes them in). Returns the ids in order;
  // on failure *failedIndex (when given) is the sample at fault, -1 when none is.
  struct NewSample {
    SampleSpec spec;
    QByteArray frames;  // as for addSample
  };
  QVector<qint64> addSamples(const QVector<NewSample>& samples, QString* error,
                             int* failedIndex = nullptr);

  // Listing and counting run in SQL over the index (docs/DATASET.md, "Listing 100,000 samples"):
  // a page of 100 rows costs well under a millisecond at any depth reached by afterId, and the
  // counts never build a row. A table that shows a dataset fetches pages as it scrolls and asks
  // countSamples() for its row count; nothing needs the whole list at once.
  // The samples matching `filter` in id order, one page of them.
  QVector<SampleRecord> listSamples(const SampleFilter& filter, const SamplePage& page,
                                    QString* error) const;
  // Every matching sample (export and bulk edits, which touch each sample anyway).
  QVector<SampleRecord> list(const SampleFilter& filter, QString* error) const {
    return listSamples(filter, SamplePage{}, error);
  }
  // How many samples match; -1 on error.
  qint64 countSamples(const SampleFilter& filter, QString* error) const;
  // The matching samples grouped by label (a sample in every group of its labels, whole or
  // segment; key "" for the unlabeled), split, device or session, with their total seconds,
  // ordered by key. Empty with *error set on error. Per label it holds ~25 bytes per matching
  // sample while it counts (ids and seconds, merged with the segments in one pass).
  QVector<GroupCount> countBy(GroupBy group, const SampleFilter& filter, QString* error) const;
  bool sample(qint64 id, SampleRecord* out, QString* error) const;
  QVector<Segment> segments(qint64 sampleId, QString* error) const;
  QVector<Gap> gaps(qint64 sampleId, QString* error) const;  // frames relative to the sample
  QVector<ModelOutput> outputs(qint64 sampleId, QString* error) const;
  QMap<QString, QString> metadata(qint64 sampleId, QString* error) const;
  QStringList labelNames(QString* error) const;
  bool summary(DatasetSummary* out, QString* error) const;
  // The sample's frames, interleaved in its own type.
  bool readFrames(qint64 sampleId, QByteArray* out, QString* error) const;

  // Takes samples out of the index (one transaction), then moves payloads no sample uses any
  // more to trash/. A crash in between leaves orphans that repair() takes back: nothing is lost.
  bool removeSamples(const QVector<qint64>& ids, QString* error);

  // Checks every indexed file's SHA-256 and looks for files the index does not know.
  bool verify(VerifyReport* report, QString* error) const;
  // Re-indexes orphans, moves extra and corrupt files to quarantine/ and takes missing/corrupt
  // files out of the index (their index rows saved as JSON next to them). Deletes no file.
  bool repair(RepairReport* report, QString* error);

 private:
  explicit DatasetStore(QString dir);
  // Opens the index (`indexFile`, default dir()/dataset.sqlite), checks it and migrates it.
  bool openConnection(bool create, QString* error, const QString& indexFile = {});
  bool migrate(int from, QString* error);
  // Inserts a payload's rows in the caller's transaction; 0 on error.
  qint64 insertPayloadRows(const SampleSpec& spec, qint64 frames, const QString& payloadRel,
                           const QString& sha, qint64 bytes, const QString& sidecarRel,
                           const QString& sidecarSha, QString* error);
  qint64 indexPayload(const SampleSpec& spec, qint64 frames, const QString& payloadRel,
                      const QString& sha, qint64 bytes, const QString& sidecarRel,
                      const QString& sidecarSha, QString* error);
  QString path(const QString& rel) const;
  QString moveAside(const QString& rel, const char* folder, QString* error);

  QString m_dir;
  QString m_connection;
};

// Filter -> SQL WHERE clause over `samples s` with positional values; shared by list, count and
// the edit commands that act on a filter.
QString filterWhere(const SampleFilter& f, QVariantList* values);

}  // namespace tinyscope::dataset
