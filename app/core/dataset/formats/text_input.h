#pragma once
// Input files from other programs: read whole (refusing more than kMaxInputBytes) and, for text
// formats: decode by BOM (UTF-8, UTF-16 LE/BE), else UTF-8, else
// Latin-1 (old Windows exports); split into lines on \n, \r\n or \r. Pure functions.
#include <QByteArray>
#include <QString>
#include <QStringList>

#include "app/core/dataset/formats/format_result.h"

namespace tinyscope::dataset::formats {

// The whole file, or one error naming it (missing, unreadable, too large).
FormatResult<QByteArray> readInputFile(const QString& path);

QString decodeText(const QByteArray& bytes);
QStringList splitLines(const QString& text);
// Parses a decimal number, accepting a comma as the decimal mark when there is no dot
// (labels written under old locales: "2,150000"). False for anything else, NaN or infinity.
bool parseDecimal(QString text, double* value);

}  // namespace tinyscope::dataset::formats
