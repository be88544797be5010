// Little-endian deserialization from a span, every access bounds-checked.
//
// Errors are sticky like WireWriter: the first read past the end records
// Status::kTruncated, sets the target to zero, and every later read yields zeros. Check
// ok()/status() once after a sequence of reads. Reading never copies bulk data: bytes()
// returns a view into the input, valid as long as the input is.
// Owns nothing; not thread-safe.
#pragma once

#include "device_protocol/span.h"
#include "device_protocol/status.h"

#include <cstddef>
#include <cstdint>

namespace tinyscope::proto {

class WireReader {
 public:
  explicit WireReader(ConstByteSpan in) : m_in(in) {}

  void u8(uint8_t& v);
  void u16(uint16_t& v);
  void u32(uint32_t& v);
  void u64(uint64_t& v);
  void i32(int32_t& v);
  void f32(float& v);
  void bytes(size_t n, ConstByteSpan& view);

  void fail(Status status);

  bool ok() const { return m_status == Status::kOk; }
  Status status() const { return m_status; }
  size_t position() const { return m_pos; }
  size_t remaining() const { return m_in.size() - m_pos; }

 private:
  const uint8_t* take(size_t n);

  ConstByteSpan m_in;
  size_t m_pos = 0;
  Status m_status = Status::kOk;
};

}  // namespace tinyscope::proto
