// Prepare-time helpers of the optimized kernels: weight packing and requantization arrays,
// all placed in the arena's persistent tail. Internal to model_runner/optimized.
#pragma once

#include <cstdint>

#include "model_runner/op_context.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

// Packs `channels` x `depth` int8 weights (row-major, one row per output channel) into the
// GEMM layout of simd_kernels.h and writes each row's sum into sums[channel].
// Returns nullptr when the arena is full.
const int8_t* packGemmWeights(const OpContext& ctx, const int8_t* weights, int32_t channels, int32_t depth,
                              int32_t* sums);

// Fills `rq` with per-channel arrays (roundUp(channels, 8) entries). multipliers/shifts hold
// `channels` entries, or one when !perChannel. offsetBias[c] = bias[c] + inputTerm * sums[c]
// (bias may be null), in wrapping int32 arithmetic like the reference accumulator.
Status buildRequant(const OpContext& ctx, int32_t channels, const int32_t* multipliers, const int32_t* shifts,
                    bool perChannel, const int32_t* bias, const int32_t* sums, int32_t inputTerm,
                    int32_t outputOffset, int32_t actMin, int32_t actMax, RequantParams* rq);

}  // namespace tinyscope::runner::optimized
