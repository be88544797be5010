// Bounds-checked, zero-copy views over a flatbuffer held in caller memory.
//
// Every accessor checks its bytes against the buffer and returns a default (0, empty view) when
// anything is out of range, so even an unverified buffer can never cause an out-of-bounds read.
// Reads are byte-wise little-endian: no alignment is assumed. The views do not own memory; they
// stay valid as long as the bytes they point into.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tinyscope::runner::fb {

class Buffer {
 public:
  Buffer() = default;
  Buffer(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}

  const uint8_t* data() const { return m_data; }
  size_t size() const { return m_size; }
  bool contains(uint64_t pos, uint64_t len) const { return pos <= m_size && len <= m_size - pos; }
  uint8_t u8(size_t pos) const { return contains(pos, 1) ? m_data[pos] : 0; }
  uint16_t u16(size_t pos) const {
    if (!contains(pos, 2)) return 0;
    return static_cast<uint16_t>(m_data[pos] | (m_data[pos + 1] << 8));
  }
  uint32_t u32(size_t pos) const {
    if (!contains(pos, 4)) return 0;
    return static_cast<uint32_t>(m_data[pos]) | (static_cast<uint32_t>(m_data[pos + 1]) << 8) |
           (static_cast<uint32_t>(m_data[pos + 2]) << 16) |
           (static_cast<uint32_t>(m_data[pos + 3]) << 24);
  }
  uint64_t u64(size_t pos) const {
    if (!contains(pos, 8)) return 0;
    return static_cast<uint64_t>(u32(pos)) | (static_cast<uint64_t>(u32(pos + 4)) << 32);
  }
  float f32(size_t pos) const {
    const uint32_t bits = u32(pos);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }

 private:
  const uint8_t* m_data = nullptr;
  size_t m_size = 0;
};

// A vector of scalars, of offsets to tables, or of bytes. `elemSize` is the stride.
class Vector {
 public:
  Vector() = default;
  Vector(const Buffer* buf, size_t first, uint32_t count, uint32_t elemSize)
      : m_buf(buf), m_first(first), m_count(count), m_elemSize(elemSize) {}

  bool present() const { return m_buf != nullptr; }
  uint32_t size() const { return m_count; }
  const uint8_t* bytes() const { return m_buf ? m_buf->data() + m_first : nullptr; }
  size_t position() const { return m_first; }

  uint8_t u8(uint32_t i) const {
    return i < m_count ? m_buf->u8(m_first + i * size_t{m_elemSize}) : 0;
  }
  int8_t i8(uint32_t i) const { return static_cast<int8_t>(u8(i)); }
  int32_t i32(uint32_t i) const {
    return i < m_count ? static_cast<int32_t>(m_buf->u32(m_first + i * size_t{m_elemSize})) : 0;
  }
  int64_t i64(uint32_t i) const {
    return i < m_count ? static_cast<int64_t>(m_buf->u64(m_first + i * size_t{m_elemSize})) : 0;
  }
  float f32(uint32_t i) const {
    return i < m_count ? m_buf->f32(m_first + i * size_t{m_elemSize}) : 0.0f;
  }
  // For a vector of offsets: position of the table/string/vector element i points at (0 if bad).
  size_t target(uint32_t i) const;

 private:
  const Buffer* m_buf = nullptr;
  size_t m_first = 0;
  uint32_t m_count = 0;
  uint32_t m_elemSize = 1;
};

// A string: bytes and length, not necessarily NUL-terminated in an unverified buffer.
struct String {
  const char* chars = nullptr;
  uint32_t length = 0;
  bool present() const { return chars != nullptr; }
};

class Table {
 public:
  Table() = default;
  Table(const Buffer* buf, size_t pos);

  bool present() const { return m_buf != nullptr; }
  size_t position() const { return m_pos; }

  // Offset of field `id` inside the table, 0 when absent or out of range.
  uint16_t fieldOffset(uint32_t id) const;

  uint8_t u8(uint32_t id, uint8_t def = 0) const;
  int8_t i8(uint32_t id, int8_t def = 0) const {
    return static_cast<int8_t>(u8(id, static_cast<uint8_t>(def)));
  }
  bool boolean(uint32_t id, bool def = false) const { return u8(id, def ? 1 : 0) != 0; }
  int32_t i32(uint32_t id, int32_t def = 0) const;
  uint32_t u32(uint32_t id, uint32_t def = 0) const {
    return static_cast<uint32_t>(i32(id, static_cast<int32_t>(def)));
  }
  uint64_t u64(uint32_t id, uint64_t def = 0) const;
  float f32(uint32_t id, float def = 0.0f) const;

  // Target position of the offset field `id`, 0 when absent or out of range.
  size_t target(uint32_t id) const;
  Table table(uint32_t id) const;
  Vector vector(uint32_t id, uint32_t elemSize) const;
  String string(uint32_t id) const;

 private:
  const Buffer* m_buf = nullptr;
  size_t m_pos = 0;
  size_t m_vtable = 0;
  uint16_t m_vtableSize = 0;
  uint16_t m_tableSize = 0;
};

// Views a vector/string/table at an absolute position (as found via an offset).
Vector vectorAt(const Buffer* buf, size_t pos, uint32_t elemSize);
String stringAt(const Buffer* buf, size_t pos);
inline Table tableAt(const Buffer* buf, size_t pos) {
  return Table(buf, pos);
}

// Follows a uoffset stored at `pos`; 0 when out of range.
size_t followOffset(const Buffer* buf, size_t pos);

}  // namespace tinyscope::runner::fb
