#include "flexbuffer_test_writer.h"

#include <cstring>
#include <stdexcept>

namespace tinyscope::runner::test {

namespace {

uint8_t log2Width(uint32_t w) {
  return w == 1 ? 0 : (w == 2 ? 1 : (w == 4 ? 2 : 3));
}

void put(std::vector<uint8_t>& out, uint64_t v, uint32_t width) {
  for (uint32_t b = 0; b < width; ++b) out.push_back(static_cast<uint8_t>(v >> (8 * b)));
}

void align(std::vector<uint8_t>& out, uint32_t width) {
  while (out.size() % width != 0) out.push_back(0);
}

}  // namespace

std::vector<uint8_t> FlexMapWriter::finish(uint32_t width) const {
  if (width != 1 && width != 2 && width != 4 && width != 8)
    throw std::invalid_argument("FlexBuffer width must be 1, 2, 4 or 8");
  std::vector<uint8_t> out;
  // Keys, NUL-terminated.
  std::vector<size_t> keyPos;
  for (const auto& kv : m_entries) {
    keyPos.push_back(out.size());
    out.insert(out.end(), kv.first.begin(), kv.first.end());
    out.push_back(0);
  }
  // Indirect values.
  std::vector<size_t> indirectPos(m_entries.size(), 0);
  size_t n = 0;
  for (const auto& kv : m_entries) {
    if (kv.second.kind == FlexEntry::Kind::kIndirectInt) {
      align(out, 8);
      indirectPos[n] = out.size();
      put(out, static_cast<uint64_t>(kv.second.i), 8);
    }
    ++n;
  }
  // Keys vector: [count][offsets].
  align(out, width);
  put(out, m_entries.size(), width);
  const size_t keys = out.size();
  for (size_t k = 0; k < keyPos.size(); ++k) put(out, out.size() - keyPos[k], width);
  // Map: [keys offset][keys width][count][values][types].
  put(out, out.size() - keys, width);
  put(out, width, width);
  put(out, m_entries.size(), width);
  const size_t map = out.size();
  std::vector<uint8_t> types;
  n = 0;
  for (const auto& kv : m_entries) {
    const FlexEntry& e = kv.second;
    switch (e.kind) {
      case FlexEntry::Kind::kInt:
        put(out, static_cast<uint64_t>(e.i), width);
        types.push_back(static_cast<uint8_t>((1 << 2) | log2Width(width)));
        break;
      case FlexEntry::Kind::kUInt:
        put(out, static_cast<uint64_t>(e.i), width);
        types.push_back(static_cast<uint8_t>((2 << 2) | log2Width(width)));
        break;
      case FlexEntry::Kind::kBool:
        put(out, static_cast<uint64_t>(e.i), width);
        types.push_back(static_cast<uint8_t>((26 << 2) | log2Width(width)));
        break;
      case FlexEntry::Kind::kFloat: {
        if (width == 4) {
          const float f = static_cast<float>(e.f);
          uint32_t bits;
          std::memcpy(&bits, &f, sizeof bits);
          put(out, bits, 4);
        } else if (width == 8) {
          uint64_t bits;
          std::memcpy(&bits, &e.f, sizeof bits);
          put(out, bits, 8);
        } else {
          throw std::invalid_argument("FlexBuffer floats need width 4 or 8");
        }
        types.push_back(static_cast<uint8_t>((3 << 2) | log2Width(width)));
        break;
      }
      case FlexEntry::Kind::kIndirectInt:
        put(out, out.size() - indirectPos[n], width);
        types.push_back(static_cast<uint8_t>((6 << 2) | 3));
        break;
    }
    ++n;
  }
  out.insert(out.end(), types.begin(), types.end());
  // Root: offset to the map, its packed type, the root width.
  align(out, width);
  put(out, out.size() - map, width);
  out.push_back(static_cast<uint8_t>((9 << 2) | log2Width(width)));
  out.push_back(static_cast<uint8_t>(width));
  return out;
}

}  // namespace tinyscope::runner::test
