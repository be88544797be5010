#include "device_protocol/wire_writer.h"

#include <cstring>

namespace tinyscope::proto {

void WireWriter::fail(Status status) {
  if (m_status == Status::kOk) {
    m_status = status;
  }
}

bool WireWriter::reserve(size_t n) {
  if (m_status != Status::kOk) {
    return false;
  }
  if (n > m_out.size() - m_pos) {
    fail(Status::kBufferTooSmall);
    return false;
  }
  return true;
}

void WireWriter::u8(uint8_t v) {
  if (reserve(1)) {
    m_out[m_pos++] = v;
  }
}

void WireWriter::u16(uint16_t v) {
  if (reserve(2)) {
    m_out[m_pos++] = static_cast<uint8_t>(v);
    m_out[m_pos++] = static_cast<uint8_t>(v >> 8);
  }
}

void WireWriter::u32(uint32_t v) {
  if (reserve(4)) {
    for (int shift = 0; shift < 32; shift += 8) {
      m_out[m_pos++] = static_cast<uint8_t>(v >> shift);
    }
  }
}

void WireWriter::u64(uint64_t v) {
  if (reserve(8)) {
    for (int shift = 0; shift < 64; shift += 8) {
      m_out[m_pos++] = static_cast<uint8_t>(v >> shift);
    }
  }
}

void WireWriter::f32(float v) {
  static_assert(sizeof(float) == 4, "binary32 floats");
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  u32(bits);
}

void WireWriter::bytes(ConstByteSpan v) {
  if (reserve(v.size()) && !v.empty()) {
    std::memcpy(m_out.data() + m_pos, v.data(), v.size());
    m_pos += v.size();
  }
}

}  // namespace tinyscope::proto
