// Result codes of message encoding and decoding, with a one-sentence message for each.
#pragma once

#include <cstdint>

namespace tinyscope::proto {

enum class Status : uint8_t {
    Ok = 0,
    BufferTooSmall,      // encode: the output span cannot hold the message
    Truncated,           // decode: the message ends before a field does
    TrailingBytes,       // decode: bytes left after the last field
    UnknownMessageType,  // header: type code not defined by this protocol version
    UnsupportedVersion,  // header: protocol version outside what this build speaks
    WrongMessageType,    // header type differs from the struct being decoded/encoded
    InvalidEnum,         // an enum field holds a value outside its range
    CountTooLarge,       // an array count exceeds its kMax* bound
    StringTooLong,       // a string or byte string exceeds its kMax* bound
    InvalidString,       // a string contains a NUL byte
    ChunkTooLarge,       // bulk data exceeds kMaxChunk (or kMaxInlineOutputBytes)
    LengthMismatch,      // bulk data length disagrees with the declared shape/type/count
    OutOfRange,          // a number is outside its documented range
};

// One sentence describing `status`, for logs and error dialogs. Never null.
const char* statusMessage(Status status);

}  // namespace tinyscope::proto
