// Bounds-checked reader of a FlexBuffer map: the custom_options of TFLite Micro's signal
// operators (a root map of named scalars, keys sorted).
//
// Freestanding: no heap; a FlexMap is a view into caller memory and stays valid as long as the
// bytes. Hostile input is expected: every offset, width, length and key is checked against the
// buffer before it is read, so a malformed buffer yields "absent" (found() false), never an
// out-of-bounds read. Any thread; no state beyond the view.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::runner::flex {

// FlexBuffer value types the reader understands (a subset of flexbuffers::Type).
enum class FlexType : uint8_t {
  kNull = 0,
  kInt = 1,
  kUInt = 2,
  kFloat = 3,
  kKey = 4,
  kString = 5,
  kIndirectInt = 6,
  kIndirectUInt = 7,
  kIndirectFloat = 8,
  kMap = 9,
  kVector = 10,
  kBool = 26,
};

// One scalar value of a map (numbers and booleans only).
struct FlexValue {
  bool present = false;  // the key exists and holds a readable scalar
  FlexType type = FlexType::kNull;
  int64_t asInt = 0;    // integers and booleans; floats truncated toward zero (when in range)
  uint64_t asUInt = 0;  // the same bits read as unsigned
  double asDouble = 0.0;
};

class FlexMap {
 public:
  // Parses the root of `data`. valid() is false when the root is not a well-formed map.
  FlexMap(const uint8_t* data, size_t size);

  bool valid() const { return m_valid; }
  uint32_t size() const { return m_valid ? m_count : 0; }
  // Value of `key` (NUL-terminated); present=false when absent, malformed or not a scalar.
  FlexValue find(const char* key) const;
  // Key i in the map's (sorted) order, or nullptr when out of range or malformed. The
  // returned chars are NUL-terminated inside the buffer.
  const char* keyAt(uint32_t i) const;

 private:
  bool readUInt(size_t pos, uint32_t width, uint64_t* out) const;
  bool followOffset(size_t pos, uint32_t width, size_t* target) const;
  FlexValue valueAt(uint32_t i) const;

  const uint8_t* m_data = nullptr;
  size_t m_size = 0;
  bool m_valid = false;
  size_t m_values = 0;       // first value
  uint32_t m_width = 0;      // bytes per value
  uint32_t m_count = 0;      // entries
  size_t m_keys = 0;         // first key offset
  uint32_t m_keysWidth = 0;  // bytes per key offset
};

}  // namespace tinyscope::runner::flex
