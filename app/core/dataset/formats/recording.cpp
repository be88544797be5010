#include "app/core/dataset/formats/recording.h"

#include <cmath>

namespace tinyscope::dataset::formats {

quint64 Recording::timestampUsOf(qint64 frame, qint64 lostUsBeforeFrame) const {
  const auto elapsed =
      static_cast<qint64>(std::llround(static_cast<double>(frame) * intervalMs * 1000.0));
  return firstTimestampUs + static_cast<quint64>(elapsed + lostUsBeforeFrame);
}

qint64 Recording::lostUsBefore(qint64 frame) const {
  qint64 lost = 0;
  for (const Gap& gap : gaps) {
    if (gap.sample <= frame) lost += gap.lostUs;
  }
  return lost;
}

QString Recording::validate() const {
  if (axes.isEmpty()) return QStringLiteral("the recording has no axes");
  if (values.size() % axes.size() != 0)
    return QStringLiteral("%1 values do not split into frames of %2 axes")
        .arg(values.size())
        .arg(axes.size());
  if (!(intervalMs > 0) || !std::isfinite(intervalMs))
    return QStringLiteral("interval_ms %1 is not a positive number").arg(intervalMs);
  const qint64 frames = frameCount();
  for (int i = 0; i < segments.size(); ++i) {
    const QString problem = checkSegment(segments[i], frames);
    if (!problem.isEmpty()) return QStringLiteral("segment %1: %2").arg(i).arg(problem);
  }
  for (int i = 0; i < gaps.size(); ++i) {
    if (gaps[i].sample <= 0 || gaps[i].sample >= frames || gaps[i].lostUs < 0)
      return QStringLiteral("gap %1 at frame %2 is outside the %3 frames")
          .arg(i)
          .arg(gaps[i].sample)
          .arg(frames);
  }
  return {};
}

Segment segmentFromInclusive(qint64 firstIndex, qint64 lastIndex, const QString& label) {
  return Segment{firstIndex, lastIndex + 1, label};
}

void segmentToInclusive(const Segment& segment, qint64* firstIndex, qint64* lastIndex) {
  *firstIndex = segment.start;
  // A point covers the one frame it sits on: EI has no empty ranges.
  *lastIndex = segment.isPoint() ? segment.start : segment.end - 1;
}

qint64 secondsToFrame(double seconds, double rateHz) {
  return static_cast<qint64>(std::llround(seconds * rateHz));
}

double frameToSeconds(qint64 frame, double rateHz) {
  return rateHz > 0 ? static_cast<double>(frame) / rateHz : 0;
}

QString checkSegment(const Segment& segment, qint64 frameCount) {
  if (segment.start < 0 || segment.end < segment.start)
    return QStringLiteral("range [%1, %2) of \"%3\" is reversed or negative")
        .arg(segment.start)
        .arg(segment.end)
        .arg(segment.label);
  if (segment.end > frameCount || (segment.isPoint() && segment.start > frameCount))
    return QStringLiteral("range [%1, %2) of \"%3\" runs past the end of the %4 frames")
        .arg(segment.start)
        .arg(segment.end)
        .arg(segment.label)
        .arg(frameCount);
  return {};
}

const char* sampleFormatName(SampleFormat format) {
  switch (format) {
    case SampleFormat::kInt8:
      return "int8";
    case SampleFormat::kInt16:
      return "int16";
    case SampleFormat::kInt24:
      return "int24";
    case SampleFormat::kInt32:
      return "int32";
    case SampleFormat::kFloat32:
      return "float32";
    case SampleFormat::kFloat64:
      return "float64";
    case SampleFormat::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace tinyscope::dataset::formats
