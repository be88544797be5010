#pragma once
// Text a device sent (board name, firmware version, sensor names and units, slot model
// names, log and error text) made safe to show: one function for the terminal and the GUI.
//
// Valid UTF-8 printable characters are kept; control characters (C0, DEL, C1 — which
// carry terminal escape sequences), bytes that are not UTF-8, and Unicode format/
// separator characters that reorder or hide text are shown as \xNN (one per byte), and a
// backslash as \\. The result is plain text: labels show it with Qt::PlainText or after
// QString::toHtmlEscaped(). Any thread; allocates the returned string only.
#include <QString>
#include <cstddef>

namespace tinyscope {

QString sanitizeDeviceText(const char* bytes, size_t size);

// Any protocol string (proto::BoundedString<N>).
template <class BoundedText>
QString sanitizeDeviceText(const BoundedText& text) {
  return sanitizeDeviceText(text.c_str(), text.size());
}

}  // namespace tinyscope
