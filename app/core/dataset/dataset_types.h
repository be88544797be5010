#pragma once
// Value types of a tinyscope dataset (see docs/DATASET.md): what a caller hands to
// DatasetStore::addSample and what listing returns. Plain values, copyable, any thread.
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QtGlobal>

namespace tinyscope::dataset {

// Sample type of a payload: interleaved native-endian values of this type in memory,
// PCM_16 / PCM_32 / FLOAT in the WAV (FLAC holds int16 only, the best it stores losslessly here).
enum class SampleType { kInt16, kInt32, kFloat32 };
enum class PayloadFormat { kWav, kFlac };
enum class Split { kUnassigned = 0, kTrain = 1, kTest = 2 };

constexpr int kMaxChannels = 8;

int bytesPerValue(SampleType t);
QString sampleTypeName(SampleType t);  // "int16", "int32", "float32"
bool parseSampleType(const QString& name, SampleType* out);
QString splitName(Split s);  // "unassigned", "train", "test"
bool parseSplit(const QString& name, Split* out);

// Samples lost by the link: `lostFrames` frames are missing before payload frame `atFrame`
// (the data is never bridged), noticed at device time `deviceUs`.
struct Gap {
  qint64 atFrame = 0;
  qint64 lostFrames = 0;
  qint64 deviceUs = -1;
};

// What the model said on the device at payload frame `atFrame`.
struct ModelOutput {
  qint64 atFrame = 0;
  qint64 deviceUs = -1;
  QString model;
  QVector<float> scores;
};

// A label on a sample: the whole sample, or frames [start, end) of it.
struct Segment {
  qint64 id = 0;
  qint64 sampleId = 0;
  QString label;
  bool whole = false;
  qint64 start = 0;
  qint64 end = 0;
};

// Everything about one recording except its frames; also what the JSON sidecar holds.
struct SampleSpec {
  QString name;       // shown to people; the file name is derived from it
  QString sensor;     // e.g. "imu", "microphone"
  QStringList axes;   // one per channel
  QStringList units;  // one per channel ("" when unitless)
  double rateHz = 0;  // frames per second, > 0
  SampleType type = SampleType::kInt16;
  PayloadFormat format = PayloadFormat::kWav;
  qint64 firstDeviceUs = -1;  // device time of frame 0; -1 unknown
  QVector<Gap> gaps;
  QString deviceName;  // "" when not from a device
  QString deviceUri;
  QString sessionUuid;  // groups recordings of one session; "" none
  QString sessionNote;
  qint64 sessionStartedMs = 0;
  QStringList labels;  // whole-sample labels
  // Labelled frames [start, end) (id, sampleId and whole ignored); start == end is a point label
  // (Audacity point labels, TextGrid points). Indexed with the sample and kept in its sidecar.
  QVector<Segment> segments;
  Split split = Split::kUnassigned;
  QMap<QString, QString> metadata;
  QVector<ModelOutput> outputs;
  qint64 createdMs = 0;  // wall clock (ms since epoch); 0 = now
};

// One row of a listing.
struct SampleRecord {
  qint64 id = 0;
  QString contentId;  // payload SHA-256, plus "@begin+frames" for a part of a payload
  QString name;
  QString file;       // payload path relative to the dataset folder
  qint64 begin = 0;   // first payload frame of the sample
  qint64 frames = 0;  // frames in the sample
  int channels = 0;
  double rateHz = 0;
  SampleType type = SampleType::kInt16;
  QString sensor;
  QStringList axes;
  QStringList units;
  qint64 firstDeviceUs = -1;
  qint64 createdMs = 0;
  Split split = Split::kUnassigned;
  qint64 sessionId = 0;  // 0 none
  QString device;        // device name, "" none
  QStringList labels;    // distinct labels of the sample (whole and segments), sorted
};

// Every field narrows the listing; empty/unset fields do not.
struct SampleFilter {
  QStringList labels;  // samples carrying any of them
  bool unlabeled = false;
  bool hasSplit = false;
  Split split = Split::kUnassigned;
  qint64 sessionId = 0;
  QString device;
  qint64 createdFromMs = 0;  // wall clock, inclusive
  qint64 createdToMs = 0;    // exclusive; 0 unbounded
  QString nameContains;
  QVector<qint64> ids;  // only these samples (a selection in a view); empty: no narrowing
};

// A page of a listing, in sample id order: at most `limit` samples (0: all), skipping the first
// `offset` matches, or, when `afterId` > 0, starting after sample `afterId` (keyset paging: a
// table that fetches the next page as it scrolls passes the last id it holds; the cost of a page
// then does not grow with its depth).
struct SamplePage {
  qint64 offset = 0;
  int limit = 0;
  qint64 afterId = 0;
};

// How countBy() groups the matching samples.
enum class GroupBy { kLabel, kSplit, kDevice, kSession };

// One group of countBy(): its key (label name, split name, device name, session id; "" for
// unlabeled samples / no device / no session), the samples in it and their total duration.
struct GroupCount {
  QString key;
  qint64 samples = 0;
  double seconds = 0;
};

}  // namespace tinyscope::dataset
