#pragma once
// The files of a dataset: payloads (WAV/FLAC through libsndfile) and their JSON sidecars,
// written crash-safely (temporary name in the same folder, fsync of file and folder, rename).
// Free functions, any thread; memory is the payload plus libsndfile's buffers. Every error is
// one sentence naming the file and, for sidecars, the field.
#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope::dataset {

// Prefix of files being written; anything named so is an interrupted write.
inline constexpr char kTempPrefix[] = ".tmp-";

// Makes `path` durable: fsync of the file, or of a folder's entries when `path` is a folder.
bool syncPath(const QString& path, QString* error);

// Writes `bytes` to `finalPath` so that after a crash the path holds either nothing or all of it.
bool writeFileAtomically(const QString& finalPath, const QByteArray& bytes, QString* error);

// Writes interleaved `frames` (spec.axes.size() channels of spec.type) as WAV or FLAC to
// `path` and fsyncs it. Does not rename; the caller commits it. A chunk of a recording (metadata
// "recording" and "chunk") carries them in the file's comment, so equal frames stay distinct files.
bool writePayload(const QString& path, const SampleSpec& spec, const QByteArray& frames,
                  QString* error);

// What libsndfile reads from a payload, checked against nothing yet.
struct PayloadInfo {
  qint64 frames = 0;
  int channels = 0;
  double rateHz = 0;
  SampleType type = SampleType::kInt16;
  PayloadFormat format = PayloadFormat::kWav;
};
bool readPayloadInfo(const QString& path, PayloadInfo* info, QString* error);
// Reads frames [begin, begin+count) as interleaved values of the payload's own type.
bool readPayloadFrames(const QString& path, qint64 begin, qint64 count, QByteArray* out,
                       QString* error);

// SHA-256 of a file's bytes, lowercase hex.
bool sha256OfFile(const QString& path, QString* hex, QString* error);

// The sidecar: the recording's facts (sensor, axes, units, rate, device times, gaps, outputs,
// labels, segments and split given when it was added) so a person, or `repair`, can read a payload
// without the index.
QJsonObject sidecarToJson(const SampleSpec& spec, qint64 frames, const QString& payloadFile,
                          const QString& payloadSha256);
// Parses and checks a sidecar; `file` names it in errors. Fills spec, frames and the payload's
// recorded name and SHA-256.
bool sidecarFromJson(const QByteArray& bytes, const QString& file, SampleSpec* spec, qint64* frames,
                     QString* payloadFile, QString* payloadSha256, QString* error);

// Checks a spec before anything is written: channels 1..8, names, rate, gaps inside the frames.
bool checkSpec(const SampleSpec& spec, qint64 frames, QString* error);

}  // namespace tinyscope::dataset
