#include "app/core/dataset/formats/label_files.h"

#include <QFile>
#include <QLocale>
#include <QSaveFile>
#include <algorithm>
#include <cmath>

#include "app/core/dataset/formats/text_input.h"

namespace tinyscope::dataset::formats {
namespace {

// Converts [t0, t1] seconds to a segment and checks it against the recording. An end that
// overshoots the last frame by at most one frame or 1 ms (label files written at millisecond
// precision) is clamped to the end; anything further is refused.
QString toSegment(double t0, double t1, const QString& label, double rateHz, qint64 frameCount,
                  Segment* out) {
  if (t0 < 0 || t1 < t0)
    return QStringLiteral("times %1 .. %2 s are negative or reversed").arg(t0).arg(t1);
  *out = Segment{secondsToFrame(t0, rateHz), secondsToFrame(t1, rateHz), label};
  const qint64 slack = std::max<qint64>(1, secondsToFrame(0.001, rateHz));
  if (out->end > frameCount + slack || out->start > frameCount)
    return QStringLiteral("\"%1\" ends at %2 s, past the end of the recording (%3 s)")
        .arg(label)
        .arg(t1)
        .arg(frameToSeconds(frameCount, rateHz));
  out->end = std::min(out->end, frameCount);
  return {};
}

QString seconds(qint64 frame, double rateHz) {
  return QString::number(frameToSeconds(frame, rateHz), 'f', rateHz <= 100000 ? 6 : 9);
}

// ---- TextGrid tokens ----
struct Token {
  enum Kind { kNumber, kString, kFlag } kind = kNumber;
  double number = 0;
  QString text;
  int line = 0;
};

bool tokenize(const QString& s, QVector<Token>* tokens, QString* error) {
  int line = 1;
  const int n = s.size();
  auto isSpace = [](QChar c) { return c.isSpace(); };
  for (int i = 0; i < n;) {
    const QChar c = s[i];
    if (c == QLatin1Char('\n')) {
      ++line;
      ++i;
    } else if (isSpace(c)) {
      ++i;
    } else if (c == QLatin1Char('!')) {
      while (i < n && s[i] != QLatin1Char('\n')) ++i;
    } else if (c == QLatin1Char('"')) {
      Token t{Token::kString, 0, {}, line};
      ++i;
      for (;;) {
        if (i >= n) {
          *error = QStringLiteral("line %1: a string is not closed").arg(t.line);
          return false;
        }
        if (s[i] == QLatin1Char('"')) {
          if (i + 1 < n && s[i + 1] == QLatin1Char('"')) {
            t.text += QLatin1Char('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (s[i] == QLatin1Char('\n')) ++line;
        t.text += s[i++];
      }
      tokens->push_back(t);
    } else if (c == QLatin1Char('<')) {
      const int close = s.indexOf(QLatin1Char('>'), i);
      if (close < 0) {
        *error = QStringLiteral("line %1: a <flag> is not closed").arg(line);
        return false;
      }
      tokens->push_back({Token::kFlag, 0, s.mid(i + 1, close - i - 1), line});
      i = close + 1;
    } else if (c == QLatin1Char('[')) {
      while (i < n && s[i] != QLatin1Char(']') && s[i] != QLatin1Char('\n')) ++i;
      ++i;
    } else if (c.isDigit() ||
               ((c == QLatin1Char('-') || c == QLatin1Char('+') || c == QLatin1Char('.')) &&
                i + 1 < n && (s[i + 1].isDigit() || s[i + 1] == QLatin1Char('.')))) {
      int end = i + 1;
      while (end < n && (s[end].isDigit() || s[end] == QLatin1Char('.') ||
                         s[end] == QLatin1Char('e') || s[end] == QLatin1Char('E') ||
                         ((s[end] == QLatin1Char('-') || s[end] == QLatin1Char('+')) &&
                          (s[end - 1] == QLatin1Char('e') || s[end - 1] == QLatin1Char('E')))))
        ++end;
      bool ok = false;
      const double v = s.mid(i, end - i).toDouble(&ok);
      if (!ok || !std::isfinite(v)) {
        *error = QStringLiteral("line %1: \"%2\" is not a number").arg(line).arg(s.mid(i, end - i));
        return false;
      }
      tokens->push_back({Token::kNumber, v, {}, line});
      while (end < n && !s[end].isSpace()) ++end;  // a unit such as "0s" is a comment
      i = end;
    } else {
      // A label word such as "xmin", "=", "tiers?" or "size:": a comment to Praat.
      ++i;
      while (i < n && !s[i].isSpace() && s[i] != QLatin1Char('"') && s[i] != QLatin1Char('=') &&
             s[i] != QLatin1Char('<') && s[i] != QLatin1Char('!') && s[i] != QLatin1Char('['))
        ++i;
    }
  }
  return true;
}

class TokenStream {
 public:
  TokenStream(const QVector<Token>& tokens, QString* error) : m_tokens(tokens), m_error(error) {}
  bool number(const QString& what, double* v) {
    if (!expect(Token::kNumber, what)) return false;
    *v = m_tokens[m_pos++].number;
    return true;
  }
  bool string(const QString& what, QString* v) {
    if (!expect(Token::kString, what)) return false;
    *v = m_tokens[m_pos++].text;
    return true;
  }
  bool flag(const QString& what, QString* v) {
    if (!expect(Token::kFlag, what)) return false;
    *v = m_tokens[m_pos++].text;
    return true;
  }
  bool count(const QString& what, int tokensPerItem, int* v) {
    double d = 0;
    if (!number(what, &d)) return false;
    const qint64 left = m_tokens.size() - m_pos;
    if (d < 0 || d != std::floor(d) || d * tokensPerItem > static_cast<double>(left)) {
      *m_error = QStringLiteral("line %1: %2 %3 is more than the file holds (truncated?)")
                     .arg(m_tokens[m_pos - 1].line)
                     .arg(what)
                     .arg(d);
      return false;
    }
    *v = static_cast<int>(d);
    return true;
  }
  int line() const { return m_pos < m_tokens.size() ? m_tokens[m_pos].line : -1; }

 private:
  bool expect(Token::Kind kind, const QString& what) {
    static const char* kNames[] = {"a number", "a \"string\"", "a <flag>"};
    if (m_pos >= m_tokens.size()) {
      *m_error = QStringLiteral("the file ends before %1 (truncated)").arg(what);
      return false;
    }
    if (m_tokens[m_pos].kind != kind) {
      *m_error = QStringLiteral("line %1: %2 must be %3")
                     .arg(m_tokens[m_pos].line)
                     .arg(what, QLatin1String(kNames[kind]));
      return false;
    }
    return true;
  }
  const QVector<Token>& m_tokens;
  QString* m_error;
  int m_pos = 0;
};

QString quoted(QString text) {
  text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return QLatin1Char('"') + text + QLatin1Char('"');
}

}  // namespace

FormatResult<QVector<Segment>> parseAudacityLabels(const QByteArray& bytes, const QString& fileName,
                                                   double rateHz, qint64 frameCount) {
  FormatResult<QVector<Segment>> result;
  if (!(rateHz > 0)) {
    result.error = formatError(fileName, {}, QStringLiteral("labels need the recording's rate"));
    return result;
  }
  const QStringList lines = splitLines(decodeText(bytes));
  for (int l = 0; l < lines.size(); ++l) {
    const QString line = lines[l];
    const QString where = QStringLiteral("line %1").arg(l + 1);
    if (line.trimmed().isEmpty()) continue;
    if (line.startsWith(QLatin1Char('\\'))) continue;  // spectral label's frequency range
    QStringList fields = line.contains(QLatin1Char('\t'))
                             ? line.split(QLatin1Char('\t'))
                             : line.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    double start = 0;
    double end = 0;
    if (!parseDecimal(fields[0], &start)) {
      result.error = formatError(
          fileName, where, QStringLiteral("start time \"%1\" is not a number").arg(fields[0]));
      return result;
    }
    QString text;
    if (fields.size() >= 2 && parseDecimal(fields[1], &end)) {
      text = fields.mid(2).join(line.contains(QLatin1Char('\t')) ? QLatin1Char('\t')
                                                                 : QLatin1Char(' '));
    } else {
      end = start;  // Audacity 1.2: "start<TAB>text", a point label
      text = fields.mid(1).join(QLatin1Char('\t'));
    }
    Segment segment;
    const QString problem = toSegment(start, end, text.trimmed(), rateHz, frameCount, &segment);
    if (!problem.isEmpty()) {
      result.error = formatError(fileName, where, problem);
      return result;
    }
    result.value.push_back(segment);
  }
  return result;
}

FormatResult<QVector<Segment>> readAudacityLabelFile(const QString& path, double rateHz,
                                                     qint64 frameCount) {
  const FormatResult<QByteArray> bytes = readInputFile(path);
  if (!bytes.ok()) return {{}, bytes.error};
  return parseAudacityLabels(bytes.value, path, rateHz, frameCount);
}

QByteArray encodeAudacityLabels(const QVector<Segment>& segments, double rateHz) {
  QString out;
  for (const Segment& s : segments) {
    QString text = s.label;
    text.replace(QLatin1Char('\t'), QLatin1Char(' '))
        .replace(QLatin1Char('\n'), QLatin1Char(' '))
        .replace(QLatin1Char('\r'), QLatin1Char(' '));
    out += seconds(s.start, rateHz) + QLatin1Char('\t') + seconds(s.end, rateHz) +
           QLatin1Char('\t') + text + QLatin1Char('\n');
  }
  return out.toUtf8();
}

FormatResult<QVector<Segment>> parseTextGrid(const QByteArray& bytes, const QString& fileName,
                                             double rateHz, qint64 frameCount) {
  FormatResult<QVector<Segment>> result;
  if (!(rateHz > 0)) {
    result.error = formatError(fileName, {}, QStringLiteral("labels need the recording's rate"));
    return result;
  }
  if (bytes.startsWith("ooBinaryFile")) {
    result.error = formatError(fileName, {}, QStringLiteral("binary TextGrids are not supported"));
    return result;
  }
  QVector<Token> tokens;
  QString error;
  auto fail = [&]() {
    result.error = formatError(fileName, {}, error);
    return result;
  };
  if (!tokenize(decodeText(bytes), &tokens, &error)) return fail();
  TokenStream in(tokens, &error);
  QString fileType;
  QString objectClass;
  if (!in.string(QStringLiteral("the File type"), &fileType)) return fail();
  if (!fileType.startsWith(QLatin1String("ooTextFile"))) {
    error = QStringLiteral("File type \"%1\" is not ooTextFile").arg(fileType);
    return fail();
  }
  if (!in.string(QStringLiteral("the Object class"), &objectClass)) return fail();
  if (!objectClass.startsWith(QLatin1String("TextGrid"))) {
    error = QStringLiteral("Object class \"%1\" is not TextGrid").arg(objectClass);
    return fail();
  }
  double xmin = 0;
  double xmax = 0;
  QString exists;
  int tiers = 0;
  if (!in.number(QStringLiteral("xmin"), &xmin) || !in.number(QStringLiteral("xmax"), &xmax) ||
      !in.flag(QStringLiteral("tiers?"), &exists))
    return fail();
  if (exists == QLatin1String("absent")) return result;
  if (!in.count(QStringLiteral("the tier count"), 5, &tiers)) return fail();
  for (int t = 0; t < tiers; ++t) {
    const QString tier = QStringLiteral("tier %1").arg(t + 1);
    QString kind;
    QString name;
    double tmin = 0;
    double tmax = 0;
    int items = 0;
    if (!in.string(tier + QStringLiteral(" class"), &kind) ||
        !in.string(tier + QStringLiteral(" name"), &name) ||
        !in.number(tier + QStringLiteral(" xmin"), &tmin) ||
        !in.number(tier + QStringLiteral(" xmax"), &tmax))
      return fail();
    const bool intervals = kind == QLatin1String("IntervalTier");
    if (!intervals && kind != QLatin1String("TextTier")) {
      error =
          QStringLiteral("%1 class \"%2\" is neither IntervalTier nor TextTier").arg(tier, kind);
      return fail();
    }
    if (!in.count(tier + QStringLiteral(" size"), intervals ? 3 : 2, &items)) return fail();
    for (int k = 0; k < items; ++k) {
      const QString item =
          QStringLiteral("%1 %2 %3").arg(tier, intervals ? "interval" : "point").arg(k + 1);
      const int line = in.line();
      double a = 0;
      double b = 0;
      QString text;
      if (!in.number(item + (intervals ? QStringLiteral(" xmin") : QStringLiteral(" time")), &a))
        return fail();
      if (intervals && !in.number(item + QStringLiteral(" xmax"), &b)) return fail();
      if (!in.string(item + QStringLiteral(" text"), &text)) return fail();
      if (text.trimmed().isEmpty()) continue;  // a blank interval is a gap between labels
      Segment segment;
      const QString problem =
          toSegment(a, intervals ? b : a, text.trimmed(), rateHz, frameCount, &segment);
      if (!problem.isEmpty()) {
        error = QStringLiteral("line %1: %2: %3").arg(line).arg(item, problem);
        return fail();
      }
      result.value.push_back(segment);
    }
  }
  return result;
}

FormatResult<QVector<Segment>> readTextGridFile(const QString& path, double rateHz,
                                                qint64 frameCount) {
  const FormatResult<QByteArray> bytes = readInputFile(path);
  if (!bytes.ok()) return {{}, bytes.error};
  return parseTextGrid(bytes.value, path, rateHz, frameCount);
}

QByteArray encodeTextGrid(const QVector<Segment>& segments, double rateHz, qint64 frameCount) {
  QVector<Segment> spans;
  QVector<Segment> points;
  for (const Segment& s : segments) (s.isPoint() ? points : spans).push_back(s);
  std::stable_sort(spans.begin(), spans.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  QVector<QVector<Segment>> layers;  // each layer's spans do not overlap
  for (const Segment& s : spans) {
    auto layer = std::find_if(layers.begin(), layers.end(),
                              [&](const QVector<Segment>& l) { return l.last().end <= s.start; });
    if (layer == layers.end())
      layers.push_back({s});
    else
      layer->push_back(s);
  }
  if (layers.isEmpty() && points.isEmpty()) layers.push_back({});
  const QString xmax = QString::number(frameToSeconds(frameCount, rateHz), 'g', 17);
  auto time = [&](qint64 frame) {
    return QString::number(frameToSeconds(frame, rateHz), 'g', QLocale::FloatingPointShortest);
  };
  QString out = QStringLiteral("File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n");
  out += QStringLiteral("xmin = 0\nxmax = %1\ntiers? <exists>\nsize = %2\nitem []:\n")
             .arg(xmax)
             .arg(layers.size() + (points.isEmpty() ? 0 : 1));
  int item = 0;
  for (int l = 0; l < layers.size(); ++l) {
    QVector<Segment> intervals;  // labels plus blank fillers from 0 to the end
    qint64 at = 0;
    for (const Segment& s : layers[l]) {
      if (s.start > at) intervals.push_back({at, s.start, {}});
      intervals.push_back(s);
      at = s.end;
    }
    if (at < frameCount || intervals.isEmpty()) intervals.push_back({at, frameCount, {}});
    out += QStringLiteral("    item [%1]:\n        class = \"IntervalTier\"\n").arg(++item);
    out +=
        QStringLiteral("        name = %1\n        xmin = 0\n        xmax = %2\n")
            .arg(quoted(l == 0 ? QStringLiteral("labels") : QStringLiteral("labels %1").arg(l + 1)),
                 xmax);
    out += QStringLiteral("        intervals: size = %1\n").arg(intervals.size());
    for (int k = 0; k < intervals.size(); ++k) {
      out += QStringLiteral(
                 "        intervals [%1]:\n            xmin = %2\n            xmax = %3\n"
                 "            text = %4\n")
                 .arg(k + 1)
                 .arg(time(intervals[k].start), time(intervals[k].end), quoted(intervals[k].label));
    }
  }
  if (!points.isEmpty()) {
    out += QStringLiteral(
               "    item [%1]:\n        class = \"TextTier\"\n        name = \"points\"\n"
               "        xmin = 0\n        xmax = %2\n        points: size = %3\n")
               .arg(++item)
               .arg(xmax)
               .arg(points.size());
    for (int k = 0; k < points.size(); ++k)
      out +=
          QStringLiteral("        points [%1]:\n            number = %2\n            mark = %3\n")
              .arg(k + 1)
              .arg(time(points[k].start), quoted(points[k].label));
  }
  return out.toUtf8();
}

QString writeLabelFile(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
    return formatError(path, {}, file.errorString());
  return {};
}

}  // namespace tinyscope::dataset::formats
