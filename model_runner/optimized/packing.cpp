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
    if (j.stripC > 0) {
      // Padded input channels: group g is tap g's inC weights, then zeros.
      for (int32_t g = 0; g < groups; ++g, dst += 32) {
        for (int32_t t = 0; t < 4; ++t) {
          const int8_t w = t < j.inC ? row[static_cast<size_t>(g) * j.inC + t] : int8_t{0};
          dst[t] = w;
          sum += static_cast<uint32_t>(static_cast<int32_t>(w));
        }
      }
    } else if (j.strideK == 1) {
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

namespace {

void setRequant(int32_t c, int32_t m, int32_t shift, int32_t* multiplier, int32_t* leftShift,
                int32_t* rightShift, int32_t* roundMask) {
  multiplier[c] = m;
  leftShift[c] = shift > 0 ? shift : 0;
  rightShift[c] = shift < 0 ? -shift : 0;
  // As the vector form builds it: (1 << r) - 1, all ones from r = 32 on.
  roundMask[c] =
      rightShift[c] >= 32 ? -1 : static_cast<int32_t>((uint32_t{1} << rightShift[c]) - 1u);
}

}  // namespace

bool buildUniformRequant(const OpContext& ctx, int32_t n, int32_t multiplier, int32_t shift,
                         int32_t outputOffset, int32_t actMin, int32_t actMax, RequantParams* rq) {
  if (n <= 0) return false;
  const size_t padded = static_cast<size_t>(roundUp(n, kChannelBlock));
  auto* arrays = static_cast<int32_t*>(ctx.allocateHostCache(sizeof(int32_t) * 5 * padded));
  if (arrays == nullptr) return false;
  std::memset(arrays, 0, sizeof(int32_t) * padded);
  for (size_t c = 0; c < padded; ++c) {
    setRequant(static_cast<int32_t>(c), multiplier, shift, arrays + padded, arrays + 2 * padded,
               arrays + 3 * padded, arrays + 4 * padded);
  }
  rq->offsetBias = arrays;
  rq->multiplier = arrays + padded;
  rq->leftShift = arrays + 2 * padded;
  rq->rightShift = arrays + 3 * padded;
  rq->roundMask = arrays + 4 * padded;
  rq->outputOffset = outputOffset;
  rq->actMin = actMin;
  rq->actMax = actMax;
  return true;
}

namespace {

// Channel c of arrays built by buildUniformRequant: offsetBias = bias + inputTerm * weightSum
// (wrapping int32), and the channel's own multiplier and shift when perChannel.
void setChannelRequant(int32_t c, int32_t weightSum, const int32_t* bias, int32_t inputTerm,
                       const int32_t* multipliers, const int32_t* shifts, bool perChannel,
                       RequantParams* rq) {
  uint32_t ob = static_cast<uint32_t>(weightSum) * static_cast<uint32_t>(inputTerm);
  if (bias != nullptr) ob += static_cast<uint32_t>(bias[c]);
  const_cast<int32_t*>(rq->offsetBias)[c] = static_cast<int32_t>(ob);
  if (perChannel) {
    setRequant(c, multipliers[c], shifts[c], const_cast<int32_t*>(rq->multiplier),
               const_cast<int32_t*>(rq->leftShift), const_cast<int32_t*>(rq->rightShift),
               const_cast<int32_t*>(rq->roundMask));
  }
}

}  // namespace

bool buildPackedGemm(const OpContext& ctx, const GemmJob& j, PackedGemm* g) {
  if (j.channels <= 0 || j.depth <= 0 || j.weights == nullptr) return false;
  GemmJob whole = j;
  whole.panel = roundUp(j.channels, kChannelBlock);
  const size_t panelBytes = gemmPanelBytes(whole);
  const size_t padded = static_cast<size_t>(whole.panel);
  auto* panel = static_cast<int8_t*>(ctx.allocateHostCache(panelBytes));
  auto* sums = static_cast<int32_t*>(ctx.allocateHostCache(sizeof(int32_t) * padded));
  const RequantSource& s = j.src;
  if (panel == nullptr || sums == nullptr ||
      !buildUniformRequant(ctx, j.channels, s.multipliers[0], s.shifts[0], s.outputOffset, s.actMin,
                           s.actMax, &g->rq)) {
    return false;
  }
  packPanel(whole, 0, j.channels, panel, sums);
  for (int32_t c = 0; c < j.channels; ++c) {
    setChannelRequant(c, sums[c], s.bias, s.inputTerm, s.multipliers, s.shifts, s.perChannel,
                      &g->rq);
  }
  g->panel = panel;
  g->stripC = j.stripC;
  return true;
}

bool buildCachedGemv(const OpContext& ctx, const int8_t* weights, int32_t channels, int32_t depth,
                     const int32_t* bias, int32_t inputTerm, const int32_t* multipliers,
                     const int32_t* shifts, bool perChannel, int32_t outputOffset, int32_t actMin,
                     int32_t actMax, CachedGemv* g) {
  if (channels <= 0 || depth <= 0) return false;
  const size_t padded = static_cast<size_t>(roundUp(channels, kChannelBlock));
  const size_t dp = static_cast<size_t>(roundUp(depth, 32));
  auto* w = static_cast<int8_t*>(ctx.allocateHostCache(padded * dp));
  if (w == nullptr || !buildUniformRequant(ctx, channels, multipliers[0], shifts[0], outputOffset,
                                           actMin, actMax, &g->rq)) {
    return false;
  }
  std::memset(w, 0, padded * dp);
  for (int32_t c = 0; c < channels; ++c) {
    const int8_t* src = weights + static_cast<size_t>(c) * static_cast<size_t>(depth);
    std::memcpy(w + static_cast<size_t>(c) * dp, src, static_cast<size_t>(depth));
    uint32_t sum = 0;
    for (int32_t k = 0; k < depth; ++k) sum += static_cast<uint32_t>(static_cast<int32_t>(src[k]));
    setChannelRequant(c, static_cast<int32_t>(sum), bias, inputTerm, multipliers, shifts,
                      perChannel, &g->rq);
  }
  g->weights = w;
  g->depth = depth;
  g->depthPadded = static_cast<int32_t>(dp);
  g->channels = channels;
  return true;
}

}  // namespace tinyscope::runner::optimized
