#include "model_runner/host/input_generator.h"

namespace tinyscope::runner::host {

std::vector<uint8_t> xorshift32Bytes(uint32_t seed, size_t count) {
  std::vector<uint8_t> out(count);
  uint32_t x = seed;
  for (size_t i = 0; i < count; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<uint8_t>(x & 0xFF);
  }
  return out;
}

}  // namespace tinyscope::runner::host
