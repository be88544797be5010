// TRANSPOSE: permutes up to 6 dimensions (output dim i = input dim perm[i]), like TFLite
// Micro's reference kernel. The perm operand (int32/int64) must be a constant of the model.
// Any element type of 1, 2 or 4 bytes; quantization passes through unchanged.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct TransposeParams {
  int32_t rank = 0;
  int32_t outDims[kMaxDims] = {};
  // Input element stride for a step along each output dimension.
  size_t inStrides[kMaxDims] = {};
};

// The op data a prepared TRANSPOSE keeps (persistent arena); the optimized kernel set reads it.
struct TransposeOpData {
  TransposeParams params;
  uint8_t elementSize = 1;
};

namespace reference {

template <typename T>
void transpose(const TransposeParams& p, const T* input, T* output) {
  if (p.rank == 0) {
    output[0] = input[0];
    return;
  }
  for (int32_t d = 0; d < p.rank; ++d) {
    if (p.outDims[d] == 0) return;
  }
  int32_t index[kMaxDims] = {};
  const int32_t last = p.rank - 1;
  size_t inOffset = 0;
  T* out = output;
  while (true) {
    // The innermost output dimension as a strided gather.
    const size_t stride = p.inStrides[last];
    const T* in = input + inOffset;
    for (int32_t i = 0; i < p.outDims[last]; ++i) out[i] = in[static_cast<size_t>(i) * stride];
    out += p.outDims[last];
    int32_t d = last - 1;
    for (; d >= 0; --d) {
      inOffset += p.inStrides[d];
      if (++index[d] < p.outDims[d]) break;
      inOffset -= p.inStrides[d] * static_cast<size_t>(p.outDims[d]);
      index[d] = 0;
    }
    if (d < 0) break;
  }
}

}  // namespace reference

OpRegistration registerTranspose();

}  // namespace tinyscope::runner::kernels
