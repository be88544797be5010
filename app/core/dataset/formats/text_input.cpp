#include "app/core/dataset/formats/text_input.h"

#include <QFile>
#include <QTextCodec>
#include <cmath>

namespace tinyscope::dataset::formats {

FormatResult<QByteArray> readInputFile(const QString& path) {
  FormatResult<QByteArray> result;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    result.error = formatError(path, {}, file.errorString());
  } else if (file.size() > kMaxInputBytes) {
    result.error =
        formatError(path, {}, QStringLiteral("larger than %1 bytes").arg(kMaxInputBytes));
  } else {
    result.value = file.readAll();
  }
  return result;
}

QString decodeText(const QByteArray& bytes) {
  if (bytes.startsWith("\xEF\xBB\xBF")) return QString::fromUtf8(bytes.mid(3));
  if (bytes.size() >= 2) {
    const auto b0 = static_cast<unsigned char>(bytes[0]);
    const auto b1 = static_cast<unsigned char>(bytes[1]);
    if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
      QTextCodec* codec = QTextCodec::codecForName(b0 == 0xFF ? "UTF-16LE" : "UTF-16BE");
      return codec->toUnicode(bytes.mid(2));
    }
  }
  QTextCodec* utf8 = QTextCodec::codecForName("UTF-8");
  QTextCodec::ConverterState state;
  const QString text = utf8->toUnicode(bytes.constData(), bytes.size(), &state);
  if (state.invalidChars == 0) return text;
  return QString::fromLatin1(bytes);
}

QStringList splitLines(const QString& text) {
  QString unified = text;
  unified.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
  unified.replace(QLatin1Char('\r'), QLatin1Char('\n'));
  QStringList lines = unified.split(QLatin1Char('\n'));
  if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
  return lines;
}

bool parseDecimal(QString text, double* value) {
  text = text.trimmed();
  if (!text.contains(QLatin1Char('.')) && text.count(QLatin1Char(',')) == 1)
    text.replace(QLatin1Char(','), QLatin1Char('.'));
  bool ok = false;
  const double parsed = text.toDouble(&ok);  // C locale: '.' only, no thousands separators
  if (!ok || !std::isfinite(parsed)) return false;
  *value = parsed;
  return true;
}

}  // namespace tinyscope::dataset::formats
