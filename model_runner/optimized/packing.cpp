#include "model_runner/optimized/packing.h"

#include <cstring>

namespace tinyscope::runner::optimized {

void packPanel(const GemmJob& j, int32_t c0, int32_t n, int8_t* packed, int32_t* sums) {
  const int32_t depth = j.depth;
  const int32_t groups = roundUp(depth, 4) / 4;
  const size_t blockBytes = static_cast<size_t>(groups) * 32;
  const int32_t padded = roundUp(n, kChannelBlock);
  // Channels past n: zero weights (their outputs are not stored).
  if (padded > n) {
    std::memset(packed + static_cast<size_t>(padded / kChannelBlock - 1) * blockBytes, 0,
                blockBytes);
  }
  for (int32_t i = 0; i < n; ++i) {
    const int8_t* row = j.weights + static_cast<size_t>(c0 + i) * static_cast<size_t>(j.strideO);
    int8_t* dst = packed + static_cast<size_t>(i / kChannelBlock) * blockBytes +
                  static_cast<size_t>(i % kChannelBlock) * 4;
    uint32_t sum = 0;
    if (j.strideK == 1) {
      int32_t k = 0;
      for (; k + 4 <= depth; k += 4, dst += 32) {
        uint32_t v;
        std::memcpy(&v, row + k, 4);
        std::memcpy(dst, &v, 4);
        sum += static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v))) +
               static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v >> 8))) +
               static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v >> 16))) +
               static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v >> 24)));
      }
      if (k < depth) {
        int8_t tail[4] = {0, 0, 0, 0};
        for (int32_t t = 0; k + t < depth; ++t) {
          tail[t] = row[k + t];
          sum += static_cast<uint32_t>(static_cast<int32_t>(row[k + t]));
        }
        std::memcpy(dst, tail, 4);
      }
    } else {
      const size_t stride = static_cast<size_t>(j.strideK);
      for (int32_t g = 0; g < groups; ++g, dst += 32) {
        for (int32_t t = 0; t < 4; ++t) {
          const int32_t k = 4 * g + t;
          const int8_t w = k < depth ? row[static_cast<size_t>(k) * stride] : int8_t{0};
          dst[t] = w;
          sum += static_cast<uint32_t>(static_cast<int32_t>(w));
        }
      }
    }
    sums[i] = static_cast<int32_t>(sum);
  }
}

}  // namespace tinyscope::runner::optimized
