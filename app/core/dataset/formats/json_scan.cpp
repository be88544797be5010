#include "app/core/dataset/formats/json_scan.h"

#include <QSet>
#include <QVector>

namespace tinyscope::dataset::formats {
namespace {

// JSON string content (between the quotes) with its escapes resolved.
QString unescape(const QByteArray& raw) {
  const QString text = QString::fromUtf8(raw);
  QString out;
  out.reserve(text.size());
  for (int i = 0; i < text.size(); ++i) {
    if (text[i] != QLatin1Char('\\') || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    const QChar e = text[++i];
    if (e == QLatin1Char('u') && i + 4 < text.size()) {
      bool ok = false;
      const ushort code = text.mid(i + 1, 4).toUShort(&ok, 16);
      if (ok) {
        out += QChar(code);
        i += 4;
        continue;
      }
    }
    switch (e.unicode()) {
      case 'n':
        out += QLatin1Char('\n');
        break;
      case 't':
        out += QLatin1Char('\t');
        break;
      case 'r':
        out += QLatin1Char('\r');
        break;
      case 'b':
        out += QLatin1Char('\b');
        break;
      case 'f':
        out += QLatin1Char('\f');
        break;
      default:
        out += e;
        break;
    }
  }
  return out;
}

}  // namespace

int jsonStringEnd(const QByteArray& json, int open) {
  for (int i = open + 1; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return i;
    }
  }
  return -1;
}

QString checkJsonKeys(const QByteArray& json) {
  struct Level {
    bool object = false;
    bool expectKey = false;
    QSet<QString> keys;
  };
  QVector<Level> stack;
  for (int i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      const int end = jsonStringEnd(json, i);
      if (end < 0) return {};  // unterminated: the parser says so
      if (!stack.isEmpty() && stack.last().object && stack.last().expectKey) {
        const QString key = unescape(json.mid(i + 1, end - i - 1));
        if (stack.last().keys.contains(key))
          return QStringLiteral("duplicate key \"%1\" at byte %2").arg(key).arg(i);
        stack.last().keys.insert(key);
        stack.last().expectKey = false;
      }
      i = end;
    } else if (c == '{' || c == '[') {
      if (stack.size() >= kMaxJsonDepth)
        return QStringLiteral("nested deeper than %1 levels at byte %2").arg(kMaxJsonDepth).arg(i);
      stack.push_back({c == '{', c == '{', {}});
    } else if (c == '}' || c == ']') {
      if (!stack.isEmpty()) stack.pop_back();
    } else if (c == ',' && !stack.isEmpty() && stack.last().object) {
      stack.last().expectKey = true;
    }
  }
  return {};
}

}  // namespace tinyscope::dataset::formats
