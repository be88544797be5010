#pragma once
// FormatResult: what every reader returns — a value, or one error sentence that names the
// file and the field or line at fault ("idle.1.json: payload.values[3]: ..."). Plain value.
#include <QString>

namespace tinyscope::dataset::formats {

template <typename T>
struct FormatResult {
  T value{};
  QString error;  // empty on success
  bool ok() const { return error.isEmpty(); }
};

// "<file>: <where>: <what>" (where may be empty). The one spelling of every format error.
inline QString formatError(const QString& file, const QString& where, const QString& what) {
  return where.isEmpty() ? QStringLiteral("%1: %2").arg(file, what)
                         : QStringLiteral("%1: %2: %3").arg(file, where, what);
}

// Readers refuse inputs beyond this (a bound on memory, not a property of any format).
constexpr qint64 kMaxInputBytes = qint64(1) << 30;

}  // namespace tinyscope::dataset::formats
