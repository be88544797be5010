#pragma once
// Label files in continuous time, imported onto a recording (its rate and frame count given)
// and exported from one. Times convert to frames through secondsToFrame()/frameToSeconds()
// (recording.h): [t0, t1) seconds <-> frames [round(t0 * rate), round(t1 * rate)).
//
// Audacity label track (.txt): one label per line, "start<TAB>end<TAB>text", seconds; start ==
// end is a point label; labels may overlap; a comma decimal mark from old locales is accepted;
// the "\<TAB>low<TAB>high" frequency line after a spectral label is skipped; the Audacity 1.2
// form "start<TAB>text" is a point label.
// Praat TextGrid: long ("ooTextFile") and short forms, UTF-8 or UTF-16 with BOM. Read as Praat
// does: only numbers, "strings" ("" is a quote) and <flags> count; labels such as "xmin =",
// "[1]" and "!" comments are skipped. IntervalTier intervals with blank text are gaps, not
// labels; TextTier points become point segments. All tiers' labels are returned together.
// Pure functions, any thread. A label past the end of the recording is refused by line.
#include <QByteArray>
#include <QString>
#include <QVector>

#include "app/core/dataset/formats/format_result.h"
#include "app/core/dataset/formats/recording.h"

namespace tinyscope::dataset::formats {

FormatResult<QVector<Segment>> parseAudacityLabels(const QByteArray& bytes, const QString& fileName,
                                                   double rateHz, qint64 frameCount);
FormatResult<QVector<Segment>> readAudacityLabelFile(const QString& path, double rateHz,
                                                     qint64 frameCount);
QByteArray encodeAudacityLabels(const QVector<Segment>& segments, double rateHz);

FormatResult<QVector<Segment>> parseTextGrid(const QByteArray& bytes, const QString& fileName,
                                             double rateHz, qint64 frameCount);
FormatResult<QVector<Segment>> readTextGridFile(const QString& path, double rateHz,
                                                qint64 frameCount);
// Long text form, UTF-8. Overlapping segments go to as many IntervalTiers as needed (blank
// intervals fill between labels); point segments go to one TextTier "points".
QByteArray encodeTextGrid(const QVector<Segment>& segments, double rateHz, qint64 frameCount);

// Writes bytes to path atomically; returns an error sentence or empty.
QString writeLabelFile(const QString& path, const QByteArray& bytes);

}  // namespace tinyscope::dataset::formats
