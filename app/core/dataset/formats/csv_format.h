#pragma once
// CSV with a header row, two flavours read by one reader and written by one writer:
// - Edge Impulse: first column "timestamp" in milliseconds (relative, from 0), one reading per
//   row, the other columns the axes ("timestamp,accX,accY,accZ").
// - tinyscope: first column "timestamp_us", the device's own timestamp in microseconds, then
//   one column per axis named "name[units]" ("timestamp_us,accX[m/s2],accY[m/s2]").
// The timestamp column never becomes an axis; a second clock column is skipped. Headers such
// as "Time (s)" and "accX (m/s^2)" (phone apps) are understood as well. Irregular timestamps are
// kept as they are: a step longer than 1.5 nominal intervals becomes a Gap, never a resample. A
// "label" column becomes segments (runs of equal labels). Pure functions and a writer over a
// caller-owned QIODevice; any thread; the reader holds the decoded text and the values.
#include <QIODevice>
#include <QString>

#include "app/core/dataset/formats/format_result.h"
#include "app/core/dataset/formats/recording.h"

namespace tinyscope::dataset::formats {

enum class CsvFlavour { kEdgeImpulse, kTinyscope };

// The one spelling of an axis in a header cell: "name[units]", or "name" without units.
QString csvAxisHeader(const Axis& axis);
Axis parseCsvAxisHeader(const QString& cell);

struct CsvReadOptions {
  // When > 0: the rate the caller expects; timestamps that disagree by more than 2 % are
  // refused. Also the rate of a file without a timestamp column (otherwise refused).
  double expectedRateHz = 0;
};

FormatResult<Recording> parseCsv(const QByteArray& bytes, const QString& fileName,
                                 const CsvReadOptions& options = {});
FormatResult<Recording> readCsvFile(const QString& path, const CsvReadOptions& options = {});

// Incremental writer: header once, then rows, as a recorder streams. Does not own `out`.
class CsvWriter {
 public:
  CsvWriter(QIODevice* out, CsvFlavour flavour, QVector<Axis> axes);
  bool writeHeader();
  // timestampUs is the device timestamp of the row; the EI flavour writes it in ms relative to
  // the first row written. count must equal the number of axes.
  bool writeRow(quint64 timestampUs, const double* values, int count);
  const QString& error() const { return m_error; }

 private:
  QIODevice* m_out;
  CsvFlavour m_flavour;
  QVector<Axis> m_axes;
  bool m_haveFirst = false;
  quint64 m_firstUs = 0;
  QString m_error;
};

// Whole-recording helpers over CsvWriter (timestamps from Recording::timestampUsOf).
FormatResult<QByteArray> encodeCsv(const Recording& recording, CsvFlavour flavour);
QString writeCsvFile(const QString& path, const Recording& recording, CsvFlavour flavour);

}  // namespace tinyscope::dataset::formats
