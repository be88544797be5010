#pragma once
// Import and export: the one conversion between the file formats' Recording
// (app/core/dataset/formats) and the store's SampleSpec/SampleRecord + segments, and the
// readers/writers of files and folders around it (docs/DATASET.md, "Import and export").
//
// Ownership: functions borrow the store for the call; use them on the store's thread. Memory:
// an import holds every file read (as doubles) and its payload bytes until the one transaction
// commits; an export holds one sample at a time (all of them for an EI folder).
// Errors: false with one sentence naming the file and the field at fault; a refused import
// changes nothing in the dataset.
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/dataset_types.h"
#include "app/core/dataset/formats/ei_acquisition.h"
#include "app/core/dataset/formats/recording.h"

namespace tinyscope::dataset {

enum class ExchangeFormat {
  kAuto,      // import only: by extension, then by content; a folder with info.labels or
              // training/ testing/ is an Edge Impulse export folder
  kEiJson,    // Edge Impulse data acquisition JSON
  kEiCbor,    // the same in CBOR
  kEiFolder,  // Edge Impulse export folder (training/, testing/, info.labels)
  kCsv,       // tinyscope CSV (timestamp_us, name[units] columns); import reads both flavours
  kEiCsv,     // Edge Impulse CSV (timestamp in ms, one reading per row)
  kWav,       // WAV (FLAC on import): rate, channels and bit depth kept
  kAudacity,  // export: WAV + Audacity label track (.txt) beside it
  kTextGrid,  // export: WAV + Praat TextGrid beside it
};
QString exchangeFormatName(ExchangeFormat format);  // "auto", "ei-json", ...
bool parseExchangeFormat(const QString& name, ExchangeFormat* out);

// Metadata keys the conversion writes (and reads back on export).
inline constexpr char kSignatureKey[] = "signature";  // "verified", "not verified", "unsigned"
inline constexpr char kDeviceTypeKey[] = "device_type";
inline constexpr char kSourceFormatKey[] = "source_format";  // "int8", "int24", ... (WAV depth)
inline constexpr char kSourceFileKey[] = "source_file";

// One sample read from a file, before it is converted.
struct ImportItem {
  QString file;  // the path read (named in errors)
  formats::Recording recording;
  bool fromEi = false;  // an Edge Impulse acquisition file: its signature status is recorded
  formats::SignatureStatus signature = formats::SignatureStatus::kUnsigned;
};

struct ImportOptions {
  ExchangeFormat format = ExchangeFormat::kAuto;
  QString label;  // when set, replaces every imported sample's whole-sample label
  bool hasSplit = false;
  Split split = Split::kUnassigned;  // when hasSplit, replaces the files' training/testing
  QString hmacKey;                   // when set, a signed EI file must verify with it
  // An import holds every value in memory until its one transaction commits: more input than
  // this (the files' sizes, summed before anything is read) is refused; import in parts.
  qint64 maxInputBytes = qint64(2) << 30;
  // When set, called on the import's thread with the input bytes read so far and their total
  // (after each file; an EI export folder counts as one step), and once more with done == total
  // before the commit. Returning false cancels: the import stops with "import cancelled" and the
  // dataset is unchanged.
  std::function<bool(qint64 done, qint64 total)> progress;
};

struct ImportReport {
  QVector<qint64> sampleIds;
  QStringList files;  // in the order of sampleIds
  qint64 frames = 0;
};

// Reads files and folders. A folder that is not an EI export folder contributes every sample
// file directly in it (.json .cbor .csv .wav .flac, sorted by name); a WAV/FLAC/CSV with an
// Audacity label track "<base>.txt" or a "<base>.TextGrid" beside it takes its segments.
bool readImportFiles(const QStringList& paths, const ImportOptions& options,
                     QVector<ImportItem>* items, QString* error);

// The conversion, file -> store: name, axes/units, rate, the smallest store type holding the
// values exactly (int16, int32, else float32; WAV keeps its depth via source_format), whole
// label, segments, split from the category, device from EI's device_name (else device_type),
// gaps, metadata (+ signature status for EI files).
bool toNewSample(const ImportItem& item, const ImportOptions& options, DatasetStore::NewSample* out,
                 QString* error);
// The conversion, store -> file. The first whole-sample label becomes the label; further whole
// labels become segments over the whole sample.
bool toRecording(const DatasetStore& store, const SampleRecord& record, formats::Recording* out,
                 QString* error);

// Reads, converts and adds every item as ONE batch (DatasetStore::addSamples): anything
// unreadable, inconsistent or duplicated refuses the whole import and the dataset is unchanged.
bool importFiles(DatasetStore* store, const QStringList& paths, const ImportOptions& options,
                 ImportReport* report, QString* error);
bool importRecordings(DatasetStore* store, const QVector<ImportItem>& items,
                      const ImportOptions& options, ImportReport* report, QString* error);

struct ExportOptions {
  ExchangeFormat format = ExchangeFormat::kEiJson;
  QString hmacKey;  // EI JSON/CBOR/folder: sign with it; otherwise HS256 with 64 zeros
  // When set, called with the samples converted/written so far and their total; returning false
  // cancels: the export stops with "export cancelled" and adds nothing to the output folder.
  std::function<bool(qint64 done, qint64 total)> progress;
};
struct ExportReport {
  int samples = 0;
  QStringList files;  // relative to the output folder
};
// Writes the samples matching `filter` into `outDir` (created when missing; files of the same
// name are replaced). Per-sample files are "<label>.<name>.<ext>" (Edge Impulse's naming; "-2",
// "-3" appended to repeated names). Files are staged in a temporary folder inside outDir and
// moved in only when every sample was written, so a refused export adds nothing to outDir.
bool exportSamples(const DatasetStore& store, const SampleFilter& filter, const QString& outDir,
                   const ExportOptions& options, ExportReport* report, QString* error);

// A label file's segments for a sample of `frames` frames at `rateHz` (format kAudacity or
// kTextGrid; kAuto picks by extension: .TextGrid, else Audacity).
bool readLabelFile(const QString& path, ExchangeFormat format, double rateHz, qint64 frames,
                   QVector<Segment>* segments, QString* error);

}  // namespace tinyscope::dataset
