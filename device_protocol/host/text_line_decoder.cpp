#include "device_protocol/host/text_line_decoder.h"

#include <cctype>
#include <cmath>

namespace tinyscope::link {

namespace {

bool isSeparator(char c) {
  return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

bool isDigitIn(char c, int base) {
  if (base == 16) return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  return c >= '0' && c < static_cast<char>('0' + base);
}

}  // namespace

bool parseForwarderNumber(const QByteArray& f, double* value) {
  const int n = f.size();
  if (n == 0) return false;
  // 0x1F, 0o17, 0b101: unsigned integers in base 16, 8, 2.
  if (n > 2 && f[0] == '0') {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(f[1])));
    const int base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (base != 0) {
      double v = 0;
      for (int i = 2; i < n; ++i) {
        if (!isDigitIn(f[i], base)) return false;
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(f[i])));
        v = v * base + (c >= 'a' ? c - 'a' + 10 : c - '0');
      }
      if (!std::isfinite(v)) return false;
      *value = v;
      return true;
    }
  }
  // [+-] digits [. digits] [e [+-] digits], at least one digit before the exponent.
  int i = 0;
  if (f[i] == '+' || f[i] == '-') ++i;
  int digits = 0;
  while (i < n && isDigitIn(f[i], 10)) ++i, ++digits;
  if (i < n && f[i] == '.') {
    ++i;
    while (i < n && isDigitIn(f[i], 10)) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (f[i] == 'e' || f[i] == 'E')) {
    ++i;
    if (i < n && (f[i] == '+' || f[i] == '-')) ++i;
    int expDigits = 0;
    while (i < n && isDigitIn(f[i], 10)) ++i, ++expDigits;
    if (expDigits == 0) return false;
  }
  if (i != n) return false;
  bool ok = false;
  const double v = f.toDouble(&ok);
  if (!ok || !std::isfinite(v)) return false;
  *value = v;
  return true;
}

bool TextLineDecoder::parseLine(const QByteArray& line, QVector<double>* values,
                                QStringList* labels) const {
  int i = 0;
  const int n = line.size();
  while (i < n) {
    while (i < n && isSeparator(line[i])) ++i;
    if (i >= n) break;
    int end = i;
    while (end < n && !isSeparator(line[end])) ++end;
    QByteArray token = line.mid(i, end - i);
    const int colon = token.indexOf(':');
    if (colon >= 0) {
      labels->append(QString::fromUtf8(token.left(colon)));
      token = token.mid(colon + 1);
      if (token.isEmpty()) {  // "label: 12" — the value follows the separator
        int j = end;
        while (j < n && isSeparator(line[j])) ++j;
        int k = j;
        while (k < n && !isSeparator(line[k])) ++k;
        token = line.mid(j, k - j);
        end = k;
      }
    } else if (!labels->isEmpty()) {
      return false;  // mixing labelled and unlabelled values: not a data line
    }
    double v = 0;
    if (!parseForwarderNumber(token, &v)) return false;
    values->append(v);
    i = end;
  }
  return !values->isEmpty();
}

void TextLineDecoder::feed(const QByteArray& chunk, qint64 arrivalNs, QList<TextSample>* samples,
                           QStringList* textLines) {
  int start = 0;
  for (int i = 0; i < chunk.size(); ++i) {
    const char c = chunk[i];
    if (c != '\n' && c != '\r') continue;
    if (m_discarding) {
      m_discarding = false;
      start = i + 1;
      continue;
    }
    m_partial.append(chunk.constData() + start, i - start);
    start = i + 1;
    if (m_partial.isEmpty()) continue;  // blank line or the \n of \r\n
    QVector<double> values;
    QStringList labels;
    if (parseLine(m_partial, &values, &labels)) {
      QStringList names = labels;
      if (names.isEmpty())
        for (int k = 0; k < values.size(); ++k) names.append(QStringLiteral("ch%1").arg(k));
      if (names != m_channels) {
        if (!m_channels.isEmpty()) ++m_counters.channelChanges;
        m_channels = names;
      }
      samples->append(TextSample{values, arrivalNs});
      ++m_counters.samples;
      m_rate.add(arrivalNs);
    } else {
      ++m_counters.textLines;
      textLines->append(QString::fromUtf8(m_partial).trimmed());
    }
    m_partial.clear();
  }
  if (m_discarding) return;
  m_partial.append(chunk.constData() + start, chunk.size() - start);
  if (m_partial.size() > m_maxLine) {
    ++m_counters.overlongLines;
    m_partial.clear();
    m_discarding = true;
  }
}

RateEstimate TextLineDecoder::rate() const {
  if (m_overrideHz > 0) return RateEstimate{m_overrideHz, 0};
  return m_rate.estimate();
}

}  // namespace tinyscope::link
