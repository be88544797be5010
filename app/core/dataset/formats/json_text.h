#pragma once
// JsonText: appends JSON text in the order the caller writes it (Edge Impulse files keep
// protected, signature, payload in that order; QJsonDocument would sort the keys). Numbers in
// the shortest form that reads back to the same double; integral values without a fraction.
#include <QByteArray>
#include <QLocale>
#include <QString>
#include <cmath>

namespace tinyscope::dataset::formats {

class JsonText {
 public:
  JsonText& raw(const char* text) {
    m_bytes.append(text);
    return *this;
  }
  JsonText& number(double v) {
    if (std::floor(v) == v && std::fabs(v) < 9.0e15)
      m_bytes.append(QByteArray::number(static_cast<qint64>(v)));
    else
      m_bytes.append(QByteArray::number(v, 'g', QLocale::FloatingPointShortest));
    return *this;
  }
  JsonText& string(const QString& text) {
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped.append(QLatin1Char('"'));
    for (const QChar c : text) {
      const ushort u = c.unicode();
      if (u == '"' || u == '\\') {
        escaped.append(QLatin1Char('\\')).append(c);
      } else if (u < 0x20) {
        escaped.append(QStringLiteral("\\u%1").arg(u, 4, 16, QLatin1Char('0')));
      } else {
        escaped.append(c);
      }
    }
    escaped.append(QLatin1Char('"'));
    m_bytes.append(escaped.toUtf8());
    return *this;
  }
  const QByteArray& bytes() const { return m_bytes; }

 private:
  QByteArray m_bytes;
};

}  // namespace tinyscope::dataset::formats
