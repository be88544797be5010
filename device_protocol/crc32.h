// CRC-32 (IEEE 802.3 / zlib / PNG: reflected polynomial 0xEDB88320, init and final XOR
// 0xFFFFFFFF). Used for the frame check sequence and for model images (FlashBegin.crc32),
// so one implementation serves both. check("123456789") == 0xCBF43926.
//
// Table-driven, a half byte per lookup; the 64-byte table is constexpr and lives in flash.
// Pure functions of their arguments: callable from any thread or interrupt.
#pragma once

#include "device_protocol/span.h"

#include <cstdint>

namespace tinyscope::proto {

// Incremental form: feed pieces in order, read value() at any point.
class Crc32 {
 public:
  void update(ConstByteSpan bytes);
  void update(uint8_t byte);
  uint32_t value() const { return m_state ^ 0xFFFFFFFFu; }
  void reset() { m_state = 0xFFFFFFFFu; }

 private:
  uint32_t m_state = 0xFFFFFFFFu;
};

// One-shot form.
uint32_t crc32(ConstByteSpan bytes);

}  // namespace tinyscope::proto
