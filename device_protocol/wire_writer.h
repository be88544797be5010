// Little-endian serialization into a caller-provided span, every access bounds-checked.
//
// Errors are sticky: the first failing write records Status::kBufferTooSmall and every
// later write does nothing, so a sequence of writes is checked once at the end:
//
//   WireWriter w(out);
//   w.u8(type); w.u32(size); w.bytes(data);
//   if (!w.ok()) return w.status();
//
// Values are written byte by byte (no struct casts, no host-endianness assumptions).
// Owns nothing; not thread-safe.
#pragma once

#include "device_protocol/span.h"
#include "device_protocol/status.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

class WireWriter {
 public:
  explicit WireWriter(ByteSpan out) : m_out(out) {}

  void u8(uint8_t v);
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void f32(float v);  // IEEE-754 binary32 bit pattern, little-endian
  void bytes(ConstByteSpan v);

  // Records `status` unless an earlier error is already recorded.
  void fail(Status status);

  bool ok() const { return m_status == Status::kOk; }
  Status status() const { return m_status; }
  size_t size() const { return m_pos; }  // bytes written so far
  ConstByteSpan written() const { return ConstByteSpan(m_out.data(), m_pos); }

 private:
  bool reserve(size_t n);

  ByteSpan m_out;
  size_t m_pos = 0;
  Status m_status = Status::kOk;
};

}  // namespace tinyscope::proto
