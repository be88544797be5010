#pragma once
// Edge Impulse export folders: training/ and testing/ holding samples (.json/.cbor data
// acquisition files, .csv, .wav/.flac) plus info.labels, JSON:
//   {"version": 1, "files": [{"path", "name"?, "category": "training"|"testing",
//     "label"?: {"type": "label", "label"} | {"type": "multi-label", "labels": [{"startIndex",
//     "endIndex", "label"}]} | {"type": "unlabeled"}, "metadata"?: {text: text}}]}
// startIndex/endIndex are frame indices with an INCLUSIVE end (EI requires the next range to
// start at endIndex + 1); they convert through segmentFromInclusive(). info.labels may sit at
// the root or in each of training/ and testing/; paths are relative to the file that names
// them. Without info.labels every sample file under the root, training/ and testing/ is read,
// its label taken from the file name (eiLabelFromFileName), its category from its folder.
// Pure functions over the file system, any thread; memory is all samples read.
#include <QByteArray>
#include <QString>
#include <QVariantMap>
#include <QVector>

#include "app/core/dataset/formats/ei_acquisition.h"
#include "app/core/dataset/formats/format_result.h"
#include "app/core/dataset/formats/recording.h"

namespace tinyscope::dataset::formats {

struct InfoLabelsRange {
  qint64 startIndex = 0;
  qint64 endIndex = 0;  // inclusive
  QString label;
};

struct InfoLabelsEntry {
  // kFromFileName: the entry has no "label", so the file name's label stands.
  enum class Type { kFromFileName, kUnlabeled, kLabel, kMultiLabel };
  QString path;
  QString name;
  QString category;  // "training", "testing" or empty
  Type type = Type::kFromFileName;
  QString label;
  QVector<InfoLabelsRange> ranges;
  QVariantMap metadata;
};

FormatResult<QVector<InfoLabelsEntry>> parseInfoLabels(const QByteArray& bytes,
                                                       const QString& fileName);
QByteArray encodeInfoLabels(const QVector<InfoLabelsEntry>& entries);
// Puts an entry's name, category, label or ranges and metadata onto a recording read from
// its file; refuses a range past the recording's end. Returns an error sentence or empty.
QString applyInfoLabels(const InfoLabelsEntry& entry, const QString& fileName, Recording* rec);

struct EiFolderSample {
  Recording recording;
  SignatureStatus signature = SignatureStatus::kUnsigned;
  QString path;  // relative to the folder
};

// Reads every sample of an export folder; the first problem stops the read with one error.
FormatResult<QVector<EiFolderSample>> readEiFolder(const QString& dir, const QString& hmacKey = {});
// Reads one sample file by its extension (.json, .cbor, .csv, .wav, .flac).
FormatResult<EiFolderSample> readEiSampleFile(const QString& path, const QString& hmacKey = {});

// Writes recordings as <category>/<label>.<name>.json plus a root info.labels (signed when
// hmacKey is given). Segments become a multi-label entry; EI needs every frame covered once,
// so overlapping segments are refused and frames no segment covers take the whole-sample
// label (refused when there is none). Returns the paths written, relative to dir.
FormatResult<QStringList> writeEiFolder(const QString& dir, const QVector<Recording>& recordings,
                                        const QString& hmacKey = {});

}  // namespace tinyscope::dataset::formats
