// Result codes of message encoding and decoding, with a one-sentence message for each.
#pragma once

#include <cstdint>

namespace tinyscope::proto {

enum class Status : uint8_t {
  kOk = 0,
  kBufferTooSmall,      // encode: the output span cannot hold the message
  kTruncated,           // decode: the message ends before a field does
  kTrailingBytes,       // decode: bytes left after the last field
  kUnknownMessageType,  // header: type code not defined by this protocol version
  kUnsupportedVersion,  // header: protocol version outside what this build speaks
  kWrongMessageType,    // header type differs from the struct being decoded/encoded
  kInvalidEnum,         // an enum field holds a value outside its range
  kCountTooLarge,       // an array count exceeds its kMax* bound
  kStringTooLong,       // a string or byte string exceeds its kMax* bound
  kInvalidString,       // a string contains a NUL byte
  kChunkTooLarge,       // bulk data exceeds kMaxChunk (or kMaxInlineOutputBytes)
  kLengthMismatch,      // bulk data length disagrees with the declared shape/type/count
  kOutOfRange,          // a number is outside its documented range
};

// One sentence describing `status`, for logs and error dialogs. Never null.
const char* statusMessage(Status status);

}  // namespace tinyscope::proto
