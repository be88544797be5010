#include "model_runner/flexbuffer_reader.h"

namespace tinyscope::runner::flex {

namespace {

bool validWidth(uint32_t w) {
  return w == 1 || w == 2 || w == 4 || w == 8;
}

// Upper bound on entries: a map entry takes at least one value byte and one type byte.
constexpr uint64_t kMaxEntries = 1u << 16;

}  // namespace

bool FlexMap::readUInt(size_t pos, uint32_t width, uint64_t* out) const {
  if (!validWidth(width) || pos > m_size || width > m_size - pos) return false;
  uint64_t v = 0;
  for (uint32_t b = 0; b < width; ++b) v |= static_cast<uint64_t>(m_data[pos + b]) << (8 * b);
  *out = v;
  return true;
}

// FlexBuffer offsets point backwards: target = pos - offset (0 is legal: an empty keys vector
// ends where the map's prefix starts).
bool FlexMap::followOffset(size_t pos, uint32_t width, size_t* target) const {
  uint64_t off = 0;
  if (!readUInt(pos, width, &off) || off > pos) return false;
  *target = pos - static_cast<size_t>(off);
  return true;
}

FlexMap::FlexMap(const uint8_t* data, size_t size) : m_data(data), m_size(size) {
  if (data == nullptr || size < 3) return;
  // Root: [... value][packed type][root width]
  const uint32_t rootWidth = data[size - 1];
  const uint8_t packed = data[size - 2];
  if (!validWidth(rootWidth) || size - 2 < rootWidth) return;
  if (static_cast<FlexType>(packed >> 2) != FlexType::kMap) return;
  const size_t rootPos = size - 2 - rootWidth;
  size_t map = 0;
  if (!followOffset(rootPos, rootWidth, &map)) return;
  const uint32_t width = 1u << (packed & 3u);
  // Map prefix: [keys offset][keys width][count] before the values.
  if (map < 3u * width) return;
  uint64_t count = 0, keysWidth = 0;
  size_t keys = 0;
  if (!readUInt(map - width, width, &count) || !readUInt(map - 2 * width, width, &keysWidth) ||
      !followOffset(map - 3 * width, width, &keys)) {
    return;
  }
  if (count > kMaxEntries || !validWidth(static_cast<uint32_t>(keysWidth))) return;
  const auto keyBytes = static_cast<size_t>(keysWidth);
  // Values then one type byte per value must fit.
  const uint64_t need = count * width + count;
  if (map > m_size || need > m_size - map) return;
  // Keys vector: [count][offsets...], its count must match.
  uint64_t keyCount = 0;
  if (keys < keyBytes || !readUInt(keys - keyBytes, static_cast<uint32_t>(keysWidth), &keyCount) ||
      keyCount != count || count * keysWidth > m_size - keys) {
    return;
  }
  m_values = map;
  m_width = width;
  m_count = static_cast<uint32_t>(count);
  m_keys = keys;
  m_keysWidth = static_cast<uint32_t>(keysWidth);
  m_valid = true;
}

const char* FlexMap::keyAt(uint32_t i) const {
  if (!m_valid || i >= m_count) return nullptr;
  size_t key = 0;
  if (!followOffset(m_keys + size_t{i} * m_keysWidth, m_keysWidth, &key)) return nullptr;
  for (size_t p = key; p < m_size; ++p) {
    if (m_data[p] == 0) return reinterpret_cast<const char*>(m_data + key);
  }
  return nullptr;  // not terminated inside the buffer
}

FlexValue FlexMap::valueAt(uint32_t i) const {
  FlexValue v;
  const size_t pos = m_values + size_t{i} * m_width;
  const uint8_t packed = m_data[m_values + size_t{m_count} * m_width + i];
  const auto type = static_cast<FlexType>(packed >> 2);
  uint64_t bits = 0;
  uint32_t width = m_width;
  size_t at = pos;
  switch (type) {
    case FlexType::kInt:
    case FlexType::kUInt:
    case FlexType::kBool:
    case FlexType::kFloat:
      break;
    case FlexType::kIndirectInt:
    case FlexType::kIndirectUInt:
    case FlexType::kIndirectFloat:
      if (!followOffset(pos, m_width, &at)) return v;
      width = 1u << (packed & 3u);
      break;
    default:
      return v;  // not a scalar
  }
  if (!readUInt(at, width, &bits)) return v;
  v.type = type;
  if (type == FlexType::kFloat || type == FlexType::kIndirectFloat) {
    double d = 0.0;
    if (width == 4) {
      const uint32_t b32 = static_cast<uint32_t>(bits);
      float f;
      __builtin_memcpy(&f, &b32, sizeof f);
      d = f;
    } else if (width == 8) {
      __builtin_memcpy(&d, &bits, sizeof d);
    } else {
      return v;  // FlexBuffers has no 8- or 16-bit floats
    }
    v.asDouble = d;
    if (d > -9.2e18 && d < 9.2e18) v.asInt = static_cast<int64_t>(d);
    v.asUInt = static_cast<uint64_t>(v.asInt);
  } else if (type == FlexType::kInt || type == FlexType::kIndirectInt) {
    const uint32_t unused = 64 - 8 * width;
    v.asInt = unused == 0 ? static_cast<int64_t>(bits)
                          : static_cast<int64_t>(bits << unused) >> unused;  // sign-extend
    v.asUInt = static_cast<uint64_t>(v.asInt);
    v.asDouble = static_cast<double>(v.asInt);
  } else {
    v.asUInt = bits;
    v.asInt = static_cast<int64_t>(bits);
    v.asDouble = static_cast<double>(bits);
  }
  v.present = true;
  return v;
}

FlexValue FlexMap::find(const char* key) const {
  if (!m_valid || key == nullptr) return FlexValue();
  for (uint32_t i = 0; i < m_count; ++i) {
    const char* k = keyAt(i);
    if (k == nullptr) return FlexValue();
    size_t n = 0;
    while (key[n] != 0 && k[n] == key[n]) ++n;
    if (key[n] == 0 && k[n] == 0) return valueAt(i);
  }
  return FlexValue();
}

}  // namespace tinyscope::runner::flex
