#pragma once
// Recording: one sample of field data as a plain value type, the common currency of every
// file format in this folder (readers fill one, writers consume one; the dataset store keeps
// them). Copyable, no sharing with files; any thread; memory is the values plus small lists.
//
// Conventions (one definition, used by every reader and writer):
// - values are interleaved frame by frame: values[frame * axes.size() + axis]. Integer audio
//   keeps its integer scale (int16 -32768..32767, as Edge Impulse's "wav" sensor does); float
//   audio stays in [-1, 1]; other sensors are in the units their Axis names.
// - intervalMs is the nominal time between two frames in milliseconds (0.0625 at 16 kHz).
// - A Segment is [start, end) in frames: start inclusive, end EXCLUSIVE. start == end is a point
//   label (Audacity point labels, TextGrid points). Edge Impulse's inclusive indices and the
//   continuous time of Audacity/TextGrid convert through the functions below, nowhere else.
// - label is the whole-sample label; segments may overlap each other and the whole label.
// - A Gap says frames were lost before frame `sample`: that frame was stamped timestampUs and
//   lostUs more time passed than one interval. Frames are never invented to bridge a gap.
#include <QMetaType>
#include <QString>
#include <QVariantMap>
#include <QVector>

namespace tinyscope::dataset::formats {

// The store has its own Segment and Gap (dataset_types.h, index rows) and one program links
// both: these are formats::Segment and formats::Gap, a distinct namespace, so each
// QVector<Segment> instantiation keeps its own layout.

struct Axis {
  QString name;
  QString units;
};

struct Segment {
  qint64 start = 0;  // first frame, inclusive
  qint64 end = 0;    // one past the last frame (exclusive); == start for a point
  QString label;
  bool isPoint() const { return start == end; }
};

struct Gap {
  qint64 sample = 0;        // index of the first frame after the gap
  quint64 timestampUs = 0;  // device timestamp of that frame
  qint64 lostUs = 0;        // time missing beyond one nominal interval
};

// How a sample's values were stored where they came from (kept so WAV bit depth survives).
enum class SampleFormat { kUnknown, kInt8, kInt16, kInt24, kInt32, kFloat32, kFloat64 };

struct Recording {
  QString name;      // sample name (file name without extension and label prefix)
  QString label;     // whole-sample label, may be empty (unlabeled)
  QString category;  // "training", "testing" or empty when the source did not say
  QString deviceName;
  QString deviceType;
  double intervalMs = 0;
  QVector<formats::Axis> axes;
  QVector<double> values;
  QVector<formats::Segment> segments;
  quint64 firstTimestampUs = 0;  // device timestamp of frame 0 (0 when the source has none)
  QVector<formats::Gap> gaps;
  SampleFormat sampleFormat = SampleFormat::kUnknown;
  QVariantMap metadata;

  qint64 frameCount() const { return axes.isEmpty() ? 0 : values.size() / axes.size(); }
  double rateHz() const { return intervalMs > 0 ? 1000.0 / intervalMs : 0; }
  double value(qint64 frame, int axis) const {
    return values[static_cast<int>(frame * axes.size() + axis)];
  }
  // Device timestamp of a frame: frame 0's stamp plus whole intervals plus the gaps before it.
  quint64 timestampUsOf(qint64 frame) const { return timestampUsOf(frame, lostUsBefore(frame)); }
  // The same with the gap time before the frame already summed (writers walking frames in order).
  quint64 timestampUsOf(qint64 frame, qint64 lostUsBeforeFrame) const;
  qint64 lostUsBefore(qint64 frame) const;
  // Empty when consistent, else one sentence naming the field at fault (no axes, values not a
  // multiple of the axis count, a non-positive interval, a segment out of range or reversed...).
  QString validate() const;
};

// ---- Segment conversions (the only place ends change convention) ----
// Edge Impulse labels [firstIndex, lastIndex] with an INCLUSIVE end; tinyscope [start, end).
formats::Segment segmentFromInclusive(qint64 firstIndex, qint64 lastIndex, const QString& label);
void segmentToInclusive(const formats::Segment& segment, qint64* firstIndex, qint64* lastIndex);
// Continuous time: frame k covers [k / rate, (k + 1) / rate). Times round to the nearest frame
// boundary, so [3.4 s, 6.1 s) at 100 Hz is frames [340, 610) and back again exactly.
qint64 secondsToFrame(double seconds, double rateHz);
double frameToSeconds(qint64 frame, double rateHz);
// Empty when 0 <= start <= end <= frameCount, else one sentence naming the segment.
QString checkSegment(const formats::Segment& segment, qint64 frameCount);

const char* sampleFormatName(SampleFormat format);

}  // namespace tinyscope::dataset::formats

Q_DECLARE_METATYPE(tinyscope::dataset::formats::Recording)
