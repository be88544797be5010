#include "model_runner/optimized/packing.h"

#include <cstring>

namespace tinyscope::runner::optimized {

const int8_t* packGemmWeights(const OpContext& ctx, const int8_t* weights, int32_t channels, int32_t depth,
                              int32_t* sums) {
  const int32_t blocks = roundUp(channels, kChannelBlock) / kChannelBlock;
  const int32_t groups = roundUp(depth, 4) / 4;
  const size_t bytes = static_cast<size_t>(blocks) * static_cast<size_t>(groups) * 32;
  auto* packed = static_cast<int8_t*>(ctx.allocatePersistent(bytes));
  if (packed == nullptr) return nullptr;
  std::memset(packed, 0, bytes);
  for (int32_t oc = 0; oc < channels; ++oc) {
    const int8_t* row = weights + static_cast<size_t>(oc) * static_cast<size_t>(depth);
    int8_t* block = packed + static_cast<size_t>(oc / kChannelBlock) * static_cast<size_t>(groups) * 32;
    const int32_t lane = oc % kChannelBlock;
    uint32_t sum = 0;
    for (int32_t k = 0; k < depth; ++k) {
      block[static_cast<size_t>(k / 4) * 32 + static_cast<size_t>(lane) * 4 + static_cast<size_t>(k % 4)] = row[k];
      sum += static_cast<uint32_t>(static_cast<int32_t>(row[k]));
    }
    sums[oc] = static_cast<int32_t>(sum);
  }
  return packed;
}

Status buildRequant(const OpContext& ctx, int32_t channels, const int32_t* multipliers, const int32_t* shifts,
                    bool perChannel, const int32_t* bias, const int32_t* sums, int32_t inputTerm,
                    int32_t outputOffset, int32_t actMin, int32_t actMax, RequantParams* rq) {
  const size_t n = static_cast<size_t>(roundUp(channels, kChannelBlock));
  auto* arrays = static_cast<int32_t*>(ctx.allocatePersistent(sizeof(int32_t) * n * 5));
  if (arrays == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized requantization");
  std::memset(arrays, 0, sizeof(int32_t) * n * 5);
  int32_t* offsetBias = arrays;
  int32_t* multiplier = arrays + n;
  int32_t* left = arrays + 2 * n;
  int32_t* right = arrays + 3 * n;
  int32_t* mask = arrays + 4 * n;
  for (int32_t c = 0; c < channels; ++c) {
    const int32_t q = perChannel ? c : 0;
    uint32_t ob = static_cast<uint32_t>(inputTerm) * static_cast<uint32_t>(sums[c]);
    if (bias != nullptr) ob += static_cast<uint32_t>(bias[c]);
    offsetBias[c] = static_cast<int32_t>(ob);
    multiplier[c] = multipliers[q];
    left[c] = shifts[q] > 0 ? shifts[q] : 0;
    right[c] = shifts[q] > 0 ? 0 : -shifts[q];
    mask[c] = static_cast<int32_t>((int64_t{1} << right[c]) - 1);
  }
  rq->offsetBias = offsetBias;
  rq->multiplier = multiplier;
  rq->leftShift = left;
  rq->rightShift = right;
  rq->roundMask = mask;
  rq->outputOffset = outputOffset;
  rq->actMin = actMin;
  rq->actMax = actMax;
  return Status::kOk;
}

}  // namespace tinyscope::runner::optimized
