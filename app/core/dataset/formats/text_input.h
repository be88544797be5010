#pragma once
// Text files from other programs: decode by BOM (UTF-8, UTF-16 LE/BE), else UTF-8, else
// Latin-1 (old Windows exports); split into lines on \n, \r\n or \r. Pure functions.
#include <QByteArray>
#include <QString>
#include <QStringList>

namespace tinyscope::dataset {

QString decodeText(const QByteArray& bytes);
QStringList splitLines(const QString& text);
// Parses a decimal number, accepting a comma as the decimal mark when there is no dot
// (labels written under old locales: "2,150000"). False for anything else, NaN or infinity.
bool parseDecimal(QString text, double* value);

}  // namespace tinyscope::dataset
