#include "device_protocol/crc32.h"

namespace tinyscope::proto {
namespace {

struct Crc32Table {
  uint32_t entry[256];
  constexpr Crc32Table() : entry() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int bit = 0; bit < 8; ++bit) {
        c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
      }
      entry[i] = c;
    }
  }
};

constexpr Crc32Table kTable;

static_assert(kTable.entry[1] == 0x77073096u, "CRC-32 table");
static_assert(kTable.entry[255] == 0x2D02EF8Du, "CRC-32 table");

inline uint32_t step(uint32_t state, uint8_t byte) {
  return kTable.entry[(state ^ byte) & 0xFFu] ^ (state >> 8);
}

}  // namespace

void Crc32::update(uint8_t byte) {
  m_state = step(m_state, byte);
}

void Crc32::update(ConstByteSpan bytes) {
  uint32_t state = m_state;
  for (uint8_t byte : bytes) {
    state = step(state, byte);
  }
  m_state = state;
}

uint32_t crc32(ConstByteSpan bytes) {
  Crc32 crc;
  crc.update(bytes);
  return crc.value();
}

}  // namespace tinyscope::proto
