// A tiny FlexBuffer map writer for tests: the custom_options of TFLM's signal operators
// (a root map of named scalars, keys sorted as FlexBuffers requires). Every offset and scalar
// uses one byte width (1, 2, 4 or 8); values are inline (or indirect, to exercise readers).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tinyscope::runner::test {

struct FlexEntry {
  enum class Kind : uint8_t { kInt, kUInt, kBool, kFloat, kIndirectInt };
  Kind kind = Kind::kInt;
  int64_t i = 0;
  double f = 0.0;
};

class FlexMapWriter {
 public:
  FlexMapWriter& addInt(const std::string& key, int64_t v) {
    m_entries[key] = FlexEntry{FlexEntry::Kind::kInt, v, 0.0};
    return *this;
  }
  FlexMapWriter& addUInt(const std::string& key, uint64_t v) {
    m_entries[key] = FlexEntry{FlexEntry::Kind::kUInt, static_cast<int64_t>(v), 0.0};
    return *this;
  }
  FlexMapWriter& addBool(const std::string& key, bool v) {
    m_entries[key] = FlexEntry{FlexEntry::Kind::kBool, v ? 1 : 0, 0.0};
    return *this;
  }
  FlexMapWriter& addFloat(const std::string& key, double v) {
    m_entries[key] = FlexEntry{FlexEntry::Kind::kFloat, 0, v};
    return *this;
  }
  FlexMapWriter& addIndirectInt(const std::string& key, int64_t v) {
    m_entries[key] = FlexEntry{FlexEntry::Kind::kIndirectInt, v, 0.0};
    return *this;
  }
  // Serializes with every offset and inline value `width` bytes wide (4 or 8 when floats).
  std::vector<uint8_t> finish(uint32_t width = 4) const;

 private:
  std::map<std::string, FlexEntry> m_entries;  // sorted by key, as FlexBuffers requires
};

}  // namespace tinyscope::runner::test
