// Deterministic test inputs: the xorshift32 generator of the golden seed cases (host only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyscope::runner::host {

// `count` bytes; state starts at `seed`, and each byte is the low 8 bits after one
// x ^= x << 13; x ^= x >> 17; x ^= x << 5 step. Seed 1 starts 21 01 c5 4f.
std::vector<uint8_t> xorshift32Bytes(uint32_t seed, size_t count);

}  // namespace tinyscope::runner::host
