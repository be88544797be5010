// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999), encoder half.
//
// The encoded bytes never contain 0x00, so 0x00 can delimit frames. Every block starts
// with a code byte c (1..255): c-1 data bytes follow, and a zero is implied after the block
// unless c == 0xFF or the block is the last one. n input bytes become at most
// n + 1 + n/254 bytes (cobsMaxEncodedSize). Output matches the reference examples (e.g.
// Wikipedia's): input ending right after a full 254-byte run gets no extra empty block.
//
// The caller owns the output span. The encoder writes strictly behind its reading position
// when used in place (see FrameEncoder::inPlaceOffset). Not thread-safe; cheap to create.
#pragma once

#include "device_protocol/span.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

constexpr size_t cobsMaxEncodedSize(size_t rawSize) {
  return rawSize + 1 + rawSize / 254;
}

class CobsEncoder {
 public:
  explicit CobsEncoder(ByteSpan out);

  void put(uint8_t byte);
  void put(ConstByteSpan bytes);
  // Closes the last block. Returns the encoded size, or 0 when the output was too small
  // (in that case the output holds garbage).
  size_t finish();

 private:
  void closeBlock(uint8_t code);

  ByteSpan m_out;
  size_t m_codeAt = 0;            // where the current block's code byte goes
  size_t m_pos = 1;               // next data byte position
  uint8_t m_code = 1;             // code byte of the current block so far
  bool m_afterFullBlock = false;  // the previous block was a 0xFF one
  bool m_overflow = false;
};

// Encodes `raw` into `out`; returns the encoded size or 0 when `out` is too small.
size_t cobsEncode(ConstByteSpan raw, ByteSpan out);

}  // namespace tinyscope::proto
