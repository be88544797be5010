#include "model_runner/flatbuffer_reader.h"

namespace tinyscope::runner::fb {

size_t followOffset(const Buffer* buf, size_t pos) {
  if (buf == nullptr || !buf->contains(pos, 4)) return 0;
  const uint64_t target = static_cast<uint64_t>(pos) + buf->u32(pos);
  if (target >= buf->size()) return 0;
  return static_cast<size_t>(target);
}

size_t Vector::target(uint32_t i) const {
  if (i >= m_count || m_elemSize != 4) return 0;
  return followOffset(m_buf, m_first + size_t{i} * 4);
}

Table::Table(const Buffer* buf, size_t pos) {
  if (buf == nullptr || pos == 0 || !buf->contains(pos, 4)) return;
  const int64_t vt = static_cast<int64_t>(pos) - static_cast<int32_t>(buf->u32(pos));
  if (vt < 0 || !buf->contains(static_cast<uint64_t>(vt), 4)) return;
  const uint16_t vtSize = buf->u16(static_cast<size_t>(vt));
  const uint16_t tblSize = buf->u16(static_cast<size_t>(vt) + 2);
  if (vtSize < 4 || (vtSize & 1) != 0 || !buf->contains(static_cast<uint64_t>(vt), vtSize)) return;
  if (tblSize < 4 || !buf->contains(pos, tblSize)) return;
  m_buf = buf;
  m_pos = pos;
  m_vtable = static_cast<size_t>(vt);
  m_vtableSize = vtSize;
  m_tableSize = tblSize;
}

uint16_t Table::fieldOffset(uint32_t id) const {
  if (m_buf == nullptr) return 0;
  const uint32_t slot = 4 + 2 * id;
  if (slot + 2 > m_vtableSize) return 0;
  const uint16_t off = m_buf->u16(m_vtable + slot);
  if (off < 4 || off >= m_tableSize) return 0;
  return off;
}

uint8_t Table::u8(uint32_t id, uint8_t def) const {
  const uint16_t off = fieldOffset(id);
  if (off == 0 || off + 1u > m_tableSize) return def;
  return m_buf->u8(m_pos + off);
}

int32_t Table::i32(uint32_t id, int32_t def) const {
  const uint16_t off = fieldOffset(id);
  if (off == 0 || off + 4u > m_tableSize) return def;
  return static_cast<int32_t>(m_buf->u32(m_pos + off));
}

uint64_t Table::u64(uint32_t id, uint64_t def) const {
  const uint16_t off = fieldOffset(id);
  if (off == 0 || off + 8u > m_tableSize) return def;
  return m_buf->u64(m_pos + off);
}

float Table::f32(uint32_t id, float def) const {
  const uint16_t off = fieldOffset(id);
  if (off == 0 || off + 4u > m_tableSize) return def;
  return m_buf->f32(m_pos + off);
}

size_t Table::target(uint32_t id) const {
  const uint16_t off = fieldOffset(id);
  if (off == 0 || off + 4u > m_tableSize) return 0;
  return followOffset(m_buf, m_pos + off);
}

Table Table::table(uint32_t id) const {
  return Table(m_buf, target(id));
}

Vector Table::vector(uint32_t id, uint32_t elemSize) const {
  return vectorAt(m_buf, target(id), elemSize);
}

String Table::string(uint32_t id) const {
  return stringAt(m_buf, target(id));
}

Vector vectorAt(const Buffer* buf, size_t pos, uint32_t elemSize) {
  if (buf == nullptr || pos == 0 || elemSize == 0 || !buf->contains(pos, 4)) return Vector();
  const uint32_t count = buf->u32(pos);
  if (!buf->contains(static_cast<uint64_t>(pos) + 4, static_cast<uint64_t>(count) * elemSize)) {
    return Vector();
  }
  return Vector(buf, pos + 4, count, elemSize);
}

String stringAt(const Buffer* buf, size_t pos) {
  const Vector v = vectorAt(buf, pos, 1);
  if (!v.present()) return String();
  return String{reinterpret_cast<const char*>(v.bytes()), v.size()};
}

}  // namespace tinyscope::runner::fb
