#include "device_protocol/wire_reader.h"

#include <cstring>

namespace tinyscope::proto {

void WireReader::fail(Status status) {
  if (m_status == Status::kOk) {
    m_status = status;
  }
}

const uint8_t* WireReader::take(size_t n) {
  if (m_status != Status::kOk) {
    return nullptr;
  }
  if (n > m_in.size() - m_pos) {
    fail(Status::kTruncated);
    return nullptr;
  }
  const uint8_t* p = m_in.data() + m_pos;
  m_pos += n;
  return p;
}

void WireReader::u8(uint8_t& v) {
  const uint8_t* p = take(1);
  v = p ? p[0] : uint8_t{0};
}

void WireReader::u16(uint16_t& v) {
  const uint8_t* p = take(2);
  v = p ? static_cast<uint16_t>(p[0] | (p[1] << 8)) : uint16_t{0};
}

void WireReader::u32(uint32_t& v) {
  const uint8_t* p = take(4);
  v = 0;
  if (p) {
    for (int k = 3; k >= 0; --k) {
      v = (v << 8) | p[k];
    }
  }
}

void WireReader::u64(uint64_t& v) {
  const uint8_t* p = take(8);
  v = 0;
  if (p) {
    for (int k = 7; k >= 0; --k) {
      v = (v << 8) | p[k];
    }
  }
}

void WireReader::i32(int32_t& v) {
  uint32_t u = 0;
  u32(u);
  // Two's complement without relying on implementation-defined narrowing.
  v = u <= 0x7FFFFFFFu ? static_cast<int32_t>(u) : -static_cast<int32_t>(~u) - 1;
}

void WireReader::f32(float& v) {
  uint32_t bits = 0;
  u32(bits);
  std::memcpy(&v, &bits, sizeof v);
}

void WireReader::bytes(size_t n, ConstByteSpan& view) {
  const uint8_t* p = take(n);
  view = p ? ConstByteSpan(p, n) : ConstByteSpan();
}

}  // namespace tinyscope::proto
