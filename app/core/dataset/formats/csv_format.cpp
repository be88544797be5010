#include "app/core/dataset/formats/csv_format.h"

#include <QBuffer>
#include <QFile>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <algorithm>
#include <cmath>

#include "app/core/dataset/formats/ei_acquisition.h"
#include "app/core/dataset/formats/text_input.h"

namespace tinyscope::dataset::formats {
namespace {

QString number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 9.0e15) return QString::number(static_cast<qint64>(v));
  return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

// Splits one CSV line; fields may be quoted with "" as an escaped quote.
QStringList splitCsv(const QString& line, QChar delimiter) {
  QStringList fields;
  QString field;
  bool quoted = false;
  for (int i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quoted) {
      if (c == QLatin1Char('"')) {
        if (i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
          field += c;
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == QLatin1Char('"')) {
      quoted = true;
    } else if (c == delimiter) {
      fields << field.trimmed();
      field.clear();
    } else {
      field += c;
    }
  }
  fields << field.trimmed();
  return fields;
}

// Microseconds per unit of a recognised timestamp column, 0 when the name is not one:
// EI's "timestamp" (ms), tinyscope's "timestamp_us", and units spelled out as phone apps write
// them ("Time (s)", "timestamp[ms]", "seconds_elapsed").
double timeColumnScale(const QString& name) {
  const QString n = name.trimmed().toLower();
  if (n == QLatin1String("timestamp") || n == QLatin1String("timestamp_ms") ||
      n == QLatin1String("time_ms"))
    return 1000.0;
  if (n == QLatin1String("timestamp_us") || n == QLatin1String("time_us")) return 1.0;
  if (n == QLatin1String("timestamp_s") || n == QLatin1String("time_s") ||
      n == QLatin1String("seconds_elapsed") || n == QLatin1String("seconds"))
    return 1.0e6;
  static const QRegularExpression withUnit(
      QStringLiteral("^(time|timestamp)\\s*[\\[(]\\s*(s|ms|us|\\x{00b5}s|ns)\\s*[\\])]$"));
  const QRegularExpressionMatch m = withUnit.match(n);
  if (!m.hasMatch()) return 0;
  const QString unit = m.captured(2);
  return unit == QLatin1String("s")    ? 1.0e6
         : unit == QLatin1String("ms") ? 1000.0
         : unit == QLatin1String("ns") ? 1.0e-3
                                       : 1.0;
}

}  // namespace

QString csvAxisHeader(const Axis& axis) {
  return axis.units.isEmpty() ? axis.name : QStringLiteral("%1[%2]").arg(axis.name, axis.units);
}

Axis parseCsvAxisHeader(const QString& cell) {
  // Written as "name[units]"; read also as "name (units)", the way phone apps spell units.
  const QString text = cell.trimmed();
  for (const auto& [open, close] : {std::pair{'[', ']'}, std::pair{'(', ')'}}) {
    const int at = text.lastIndexOf(QLatin1Char(open));
    if (at > 0 && text.endsWith(QLatin1Char(close)))
      return {text.left(at).trimmed(), text.mid(at + 1, text.size() - at - 2).trimmed()};
  }
  return {text, {}};
}

FormatResult<Recording> parseCsv(const QByteArray& bytes, const QString& fileName,
                                 const CsvReadOptions& options) {
  FormatResult<Recording> result;
  auto fail = [&](const QString& where, const QString& what) {
    result.error = formatError(fileName, where, what);
    return result;
  };
  const QStringList lines = splitLines(decodeText(bytes));
  int headerLine = 0;
  while (headerLine < lines.size() &&
         (lines[headerLine].trimmed().isEmpty() || lines[headerLine].startsWith(QLatin1Char('#'))))
    ++headerLine;
  if (headerLine >= lines.size()) return fail({}, QStringLiteral("no header row"));
  const QString& header = lines[headerLine];
  const QChar delimiter = header.contains(QLatin1Char(','))    ? QLatin1Char(',')
                          : header.contains(QLatin1Char(';'))  ? QLatin1Char(';')
                          : header.contains(QLatin1Char('\t')) ? QLatin1Char('\t')
                                                               : QLatin1Char(',');
  const QStringList names = splitCsv(header, delimiter);
  int timeColumn = -1;
  int labelColumn = -1;
  double timeScale = 0;
  Recording& rec = result.value;
  QVector<int> axisColumns;
  for (int c = 0; c < names.size(); ++c) {
    const QString where = QStringLiteral("line %1, column %2").arg(headerLine + 1).arg(c + 1);
    if (names[c].isEmpty()) return fail(where, QStringLiteral("empty column name"));
    bool numeric = false;
    names[c].toDouble(&numeric);
    if (numeric) return fail(where, QStringLiteral("the first row is data, not a header"));
    const double scale = timeColumnScale(names[c]);
    if (scale > 0) {
      if (timeColumn >= 0) continue;  // a second clock column: the first one times the rows
      timeColumn = c;
      timeScale = scale;
    } else if (names[c].compare(QLatin1String("label"), Qt::CaseInsensitive) == 0) {
      labelColumn = c;
    } else {
      rec.axes.push_back(parseCsvAxisHeader(names[c]));
      axisColumns.push_back(c);
    }
  }
  if (rec.axes.isEmpty())
    return fail(QStringLiteral("line %1").arg(headerLine + 1), QStringLiteral("no value columns"));
  if (timeColumn < 0 && !(options.expectedRateHz > 0))
    return fail(QStringLiteral("line %1").arg(headerLine + 1),
                QStringLiteral("no timestamp column (timestamp in ms or timestamp_us) and no rate "
                               "given"));

  QVector<double> stampsUs;
  QStringList rowLabels;
  const bool commaDecimals = delimiter != QLatin1Char(',');
  for (int l = headerLine + 1; l < lines.size(); ++l) {
    if (lines[l].trimmed().isEmpty() || lines[l].startsWith(QLatin1Char('#'))) continue;
    const QStringList cells = splitCsv(lines[l], delimiter);
    const QString where = QStringLiteral("line %1").arg(l + 1);
    if (cells.size() != names.size())
      return fail(
          where,
          QStringLiteral("%1 fields where the header has %2").arg(cells.size()).arg(names.size()));
    auto numberAt = [&](int c, double* v) {
      bool ok = false;
      *v = commaDecimals ? 0 : cells[c].toDouble(&ok);
      if (commaDecimals) ok = parseDecimal(cells[c], v);
      return ok && std::isfinite(*v);
    };
    double v = 0;
    if (timeColumn >= 0) {
      if (!numberAt(timeColumn, &v))
        return fail(where,
                    QStringLiteral("timestamp \"%1\" is not a number").arg(cells[timeColumn]));
      const double us = v * timeScale;
      if (us < 0) return fail(where, QStringLiteral("negative timestamp"));
      if (!stampsUs.isEmpty() && us <= stampsUs.last())
        return fail(where, QStringLiteral("timestamp %1 does not increase").arg(cells[timeColumn]));
      stampsUs.push_back(us);
    }
    for (int c : axisColumns) {
      if (!numberAt(c, &v))
        return fail(QStringLiteral("%1, column %2 (%3)").arg(where).arg(c + 1).arg(names[c]),
                    QStringLiteral("\"%1\" is not a number").arg(cells[c]));
      rec.values.push_back(v);
    }
    if (labelColumn >= 0) rowLabels << cells[labelColumn];
  }
  const qint64 frames = rec.frameCount();
  if (frames == 0) return fail({}, QStringLiteral("no data rows"));

  if (timeColumn >= 0) {
    if (frames < 2 && !(options.expectedRateHz > 0))
      return fail({}, QStringLiteral("one row gives no sample rate"));
    QVector<double> deltas;
    for (int i = 1; i < stampsUs.size(); ++i) deltas << stampsUs[i] - stampsUs[i - 1];
    double intervalUs = options.expectedRateHz > 0 ? 1.0e6 / options.expectedRateHz : 0;
    if (!deltas.isEmpty()) {
      QVector<double> sorted = deltas;
      std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
      const double median = sorted[sorted.size() / 2];
      double sum = 0;
      int regular = 0;
      for (double d : deltas) {
        if (d <= 1.5 * median) {
          sum += d;
          ++regular;
        }
      }
      intervalUs = sum / regular;
      if (options.expectedRateHz > 0) {
        const double expectedUs = 1.0e6 / options.expectedRateHz;
        if (std::fabs(intervalUs - expectedUs) > 0.02 * expectedUs)
          return fail(names[timeColumn],
                      QStringLiteral("timestamps give %1 Hz, not the %2 Hz expected")
                          .arg(1.0e6 / intervalUs)
                          .arg(options.expectedRateHz));
      }
      for (int i = 0; i < deltas.size(); ++i) {
        if (deltas[i] > 1.5 * median)
          rec.gaps.push_back({i + 1, static_cast<quint64>(std::llround(stampsUs[i + 1])),
                              static_cast<qint64>(std::llround(deltas[i] - intervalUs))});
      }
    }
    rec.intervalMs = intervalUs / 1000.0;
    rec.firstTimestampUs = static_cast<quint64>(std::llround(stampsUs.first()));
  } else {
    rec.intervalMs = 1000.0 / options.expectedRateHz;
  }

  // Runs of equal labels become segments; one label over every row is the sample's label.
  if (labelColumn >= 0) {
    int start = 0;
    for (int f = 1; f <= rowLabels.size(); ++f) {
      if (f == rowLabels.size() || rowLabels[f] != rowLabels[start]) {
        if (!rowLabels[start].isEmpty()) rec.segments.push_back({start, f, rowLabels[start]});
        start = f;
      }
    }
    if (rec.segments.size() == 1 && rec.segments[0].start == 0 && rec.segments[0].end == frames) {
      rec.label = rec.segments[0].label;
      rec.segments.clear();
    }
  } else {
    rec.label = eiLabelFromFileName(fileName);
  }
  rec.name = eiNameFromFileName(fileName);
  rec.metadata.insert(QStringLiteral("csv.timestamp_column"),
                      timeColumn >= 0 ? names[timeColumn] : QString());
  return result;
}

FormatResult<Recording> readCsvFile(const QString& path, const CsvReadOptions& options) {
  const FormatResult<QByteArray> bytes = readInputFile(path);
  if (!bytes.ok()) return {{}, bytes.error};
  return parseCsv(bytes.value, path, options);
}

CsvWriter::CsvWriter(QIODevice* out, CsvFlavour flavour, QVector<Axis> axes)
    : m_out(out), m_flavour(flavour), m_axes(std::move(axes)) {}

bool CsvWriter::writeHeader() {
  QStringList cells;
  cells << (m_flavour == CsvFlavour::kEdgeImpulse ? QStringLiteral("timestamp")
                                                  : QStringLiteral("timestamp_us"));
  for (const Axis& axis : m_axes) {
    const QString cell = m_flavour == CsvFlavour::kEdgeImpulse ? axis.name : csvAxisHeader(axis);
    if (cell.contains(QLatin1Char(',')) || cell.contains(QLatin1Char('"')) ||
        cell.contains(QLatin1Char('\n'))) {
      m_error = QStringLiteral("axis name \"%1\" cannot be a CSV header cell").arg(cell);
      return false;
    }
    cells << cell;
  }
  const QByteArray line = cells.join(QLatin1Char(',')).toUtf8() + '\n';
  if (m_out->write(line) != line.size()) {
    m_error = m_out->errorString();
    return false;
  }
  return true;
}

bool CsvWriter::writeRow(quint64 timestampUs, const double* values, int count) {
  if (count != m_axes.size()) {
    m_error = QStringLiteral("a row of %1 values for %2 axes").arg(count).arg(m_axes.size());
    return false;
  }
  if (!m_haveFirst) {
    m_haveFirst = true;
    m_firstUs = timestampUs;
  }
  QString line = m_flavour == CsvFlavour::kEdgeImpulse
                     ? number(static_cast<double>(timestampUs - m_firstUs) / 1000.0)
                     : QString::number(timestampUs);
  for (int a = 0; a < count; ++a) line += QLatin1Char(',') + number(values[a]);
  line += QLatin1Char('\n');
  const QByteArray bytes = line.toLatin1();
  if (m_out->write(bytes) != bytes.size()) {
    m_error = m_out->errorString();
    return false;
  }
  return true;
}

FormatResult<QByteArray> encodeCsv(const Recording& rec, CsvFlavour flavour) {
  FormatResult<QByteArray> result;
  const QString problem = rec.validate();
  if (!problem.isEmpty()) {
    result.error = formatError(rec.name, {}, problem);
    return result;
  }
  QBuffer buffer(&result.value);
  buffer.open(QIODevice::WriteOnly);
  CsvWriter writer(&buffer, flavour, rec.axes);
  bool ok = writer.writeHeader();
  const int axes = static_cast<int>(rec.axes.size());
  // The gaps are walked once, in order, not summed again for every frame.
  QVector<Gap> gaps = rec.gaps;
  std::sort(gaps.begin(), gaps.end(),
            [](const Gap& a, const Gap& b) { return a.sample < b.sample; });
  qint64 lostUs = 0;
  int nextGap = 0;
  for (qint64 f = 0; ok && f < rec.frameCount(); ++f) {
    while (nextGap < gaps.size() && gaps[nextGap].sample <= f) lostUs += gaps[nextGap++].lostUs;
    ok = writer.writeRow(rec.timestampUsOf(f, lostUs), rec.values.constData() + f * axes, axes);
  }
  if (!ok) result.error = formatError(rec.name, {}, writer.error());
  return result;
}

QString writeCsvFile(const QString& path, const Recording& rec, CsvFlavour flavour) {
  const FormatResult<QByteArray> bytes = encodeCsv(rec, flavour);
  if (!bytes.ok()) return formatError(path, {}, bytes.error);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes.value) != bytes.value.size() ||
      !file.commit())
    return formatError(path, {}, file.errorString());
  return {};
}

}  // namespace tinyscope::dataset::formats
