#pragma once
// A scan of raw JSON text that runs before Qt parses it: strings are skipped with their
// escapes, objects and arrays are tracked by depth. Used to find the producer's signature
// bytes and to refuse duplicated keys (ambiguous, and Qt 5.15's parser leaks the first value
// of a duplicated key when it is an object or a list). Pure functions, any thread.
#include <QByteArray>
#include <QString>

namespace tinyscope::dataset::formats {

// Index of the quote that closes the string opened at `open`, or -1 when the text ends first.
int jsonStringEnd(const QByteArray& json, int open);

// Empty when no object repeats a key and nesting stays within kMaxJsonDepth, else one phrase
// naming the key and byte ("duplicate key \"alg\" at byte 120").
constexpr int kMaxJsonDepth = 512;
QString checkJsonKeys(const QByteArray& json);

}  // namespace tinyscope::dataset::formats
