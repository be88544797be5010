#include "app/core/device/device_text.h"

namespace tinyscope {

namespace {

void appendEscaped(QString* out, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    *out += QStringLiteral("\\x%1").arg(static_cast<unsigned>(p[i]), 2, 16, QLatin1Char('0'));
}

// Length of the UTF-8 sequence at p (1..4) and its code point, or 0 when invalid.
size_t decodeUtf8(const unsigned char* p, size_t left, char32_t* cp) {
  const unsigned char b = p[0];
  size_t n = 0;
  char32_t v = 0;
  if (b < 0x80) {
    *cp = b;
    return 1;
  } else if ((b & 0xE0) == 0xC0) {
    n = 2;
    v = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    v = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    v = b & 0x07;
  } else {
    return 0;
  }
  if (n > left) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  static const char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;  // overlong, surrogate
  *cp = v;
  return n;
}

bool printable(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;  // C0, DEL, C1
  const QChar::Category c = QChar::category(static_cast<uint>(cp));
  return c != QChar::Other_Format && c != QChar::Separator_Line &&
         c != QChar::Separator_Paragraph && c != QChar::Other_NotAssigned &&
         c != QChar::Other_PrivateUse;
}

}  // namespace

QString sanitizeDeviceText(const char* bytes, size_t size) {
  QString out;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes);
  size_t i = 0;
  while (i < size) {
    char32_t cp = 0;
    const size_t n = decodeUtf8(p + i, size - i, &cp);
    if (n == 0) {
      appendEscaped(&out, p + i, 1);
      ++i;
      continue;
    }
    if (cp == U'\\') {
      out += QStringLiteral("\\\\");
    } else if (printable(cp)) {
      out += QString::fromUcs4(&cp, 1);
    } else {
      appendEscaped(&out, p + i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace tinyscope
