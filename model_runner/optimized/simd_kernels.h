// Internal interface between the optimized op files (prepare: validation, packing) and the
// per-instruction-set kernel files (invoke: the loops). Not part of the public API.
//
// Layouts prepared by the op files:
//  - GEMM weights: blocks of 8 output channels; inside a block, groups of 4 depth values;
//    inside a group, channel-major: byte [block][group][channel 0..7][k 0..3]. Missing
//    channels and depth values are 0.
//  - Depthwise weights (int16): blocks of 8 channels; inside, pairs of taps; inside a pair,
//    channel-major [channel 0..7][tap a, tap b]. Missing channels/taps are 0.
//  - Requantization arrays hold roundUp(channels, 8) entries.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/kernels/add.h"
#include "model_runner/kernels/average_pool_2d.h"

namespace tinyscope::runner::optimized {

constexpr int32_t kChannelBlock = 8;
constexpr int32_t kGemmMaxRows = 8;  // rows of A a kernel tile may need in scratch

inline int32_t roundUp(int32_t n, int32_t m) { return (n + m - 1) / m * m; }

// Per-output-channel requantization, TFLM's MultiplyByQuantizedMultiplier split into steps.
struct RequantParams {
  const int32_t* offsetBias = nullptr;  // bias + input-offset correction, added to the accumulator
  const int32_t* multiplier = nullptr;
  const int32_t* leftShift = nullptr;   // max(shift, 0)
  const int32_t* rightShift = nullptr;  // max(-shift, 0)
  const int32_t* roundMask = nullptr;   // (1 << rightShift) - 1
  int32_t outputOffset = 0;
  int32_t actMin = -128, actMax = 127;
};

// out[row][oc] = requant(sum_k A[row][k] * W[oc][k] + offsetBias[oc] (+ row correction)).
// Rows of A are output pixels of a convolution (im2col rows, or the input pixels themselves
// when `direct`: a 1x1 filter without padding) or the batches of a fully connected layer.
struct GemmJob {
  int32_t batches = 1, outH = 1, outW = 1;
  int32_t inH = 1, inW = 1, inC = 1;
  int32_t filterH = 1, filterW = 1;
  int32_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1, padH = 0, padW = 0;
  bool direct = true;
  int8_t padValue = 0;     // the input zero point: an out-of-image tap contributes nothing
  int32_t depth = 0;       // K = filterH * filterW * inC
  int32_t channels = 0;    // N
  const int8_t* packed = nullptr;
  RequantParams rq;
  // Fully connected with a non-zero filter zero point: each row adds
  // filterOffset * (sum of the row + depth * inputOffset).
  int32_t filterOffset = 0, inputOffset = 0;
  const int8_t* input = nullptr;
  int8_t* output = nullptr;
  int8_t* scratch = nullptr;  // gemmScratchBytes(depth) unless direct rows are used in place
};

// im2col rows plus slack for 8-byte moves past the last row.
inline size_t gemmScratchBytes(int32_t depth) {
  return static_cast<size_t>(kGemmMaxRows) * static_cast<size_t>(roundUp(depth, 4)) + 16;
}

// Depthwise convolution with depth multiplier 1 (a larger multiplier is handled by expanding
// the input first: `expandFrom` set).
struct DepthwiseJob {
  int32_t batches = 1, inH = 1, inW = 1, channels = 1, outH = 1, outW = 1;
  int32_t filterH = 1, filterW = 1;
  int32_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1, padH = 0, padW = 0;
  int32_t depthMultiplier = 1;  // > 1: the input has channels / depthMultiplier channels
  const int16_t* packed = nullptr;
  RequantParams rq;
  const int8_t* zeroRow = nullptr;  // channels + 16 bytes of the input zero point
  const int8_t* input = nullptr;
  int8_t* output = nullptr;
  uint8_t* scratch = nullptr;  // depthwiseScratchBytes()
};

inline size_t depthwiseTaps(int32_t filterH, int32_t filterW) {
  return static_cast<size_t>(roundUp(filterH * filterW, 2));
}
inline size_t depthwiseScratchBytes(const DepthwiseJob& j) {
  size_t bytes = depthwiseTaps(j.filterH, j.filterW) * (sizeof(const int8_t*) + sizeof(ptrdiff_t));
  if (j.depthMultiplier > 1 && j.depthMultiplier != j.channels) {  // a single input channel is broadcast
    bytes += static_cast<size_t>(j.batches) * static_cast<size_t>(j.inH) * static_cast<size_t>(j.inW) *
                 static_cast<size_t>(j.channels) + 16;
  }
  return bytes;
}

// Same-shape ADD (no broadcasting), `count` elements.
struct AddJob {
  kernels::AddParams params;
  size_t count = 0;
  const int8_t* input1 = nullptr;
  const int8_t* input2 = nullptr;
  int8_t* output = nullptr;
};

struct PoolJob {
  kernels::PoolParams params;
  kernels::Shape4 input, output;
  const int8_t* in = nullptr;
  int8_t* out = nullptr;
};

struct SimdKernels {
  void (*gemm)(const GemmJob& job) = nullptr;
  void (*depthwise)(const DepthwiseJob& job) = nullptr;
  void (*add)(const AddJob& job) = nullptr;
  void (*averagePool)(const PoolJob& job) = nullptr;
  // What the GEMM adds to each activation byte before multiplying (128: unsigned VNNI operand).
  int32_t activationBias = 0;
  // The vector requantization alone, before narrowing to int8 (tests check it exhaustively):
  // out[c] = clamp(MultiplyByQuantizedMultiplier(acc[c] + offsetBias[c]) + outputOffset), for
  // c < n, n a multiple of 8.
  void (*requant)(const int32_t* acc, int32_t n, const RequantParams& rq, int32_t* out) = nullptr;
};

// nullptr for Isa::kReference.
const SimdKernels* simdKernels(uint8_t isa);
const SimdKernels* avx2Kernels();
const SimdKernels* avxVnniKernels();
const SimdKernels* avx512VnniKernels();

}  // namespace tinyscope::runner::optimized
