// MIRROR_PAD (float32, int8): padding by reflection, as TFLite Micro's kernel. REFLECT mirrors
// around the edge element (pads < dimension), SYMMETRIC repeats it (pads <= dimension); the
// paddings operand is a constant [rank, 2] int32/int64 matrix and the output must be the
// padded shape. Quantization is carried over. Memory: a few words of op data.
#pragma once

#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct MirrorPadParams {
  int32_t rank = 0;
  int32_t inDims[kMaxDims] = {};
  int32_t outDims[kMaxDims] = {};
  int32_t before[kMaxDims] = {};
  int32_t offset = 0;  // 1 REFLECT, 0 SYMMETRIC
};

namespace reference {

// The input index that output index `i` of one dimension reads.
inline int32_t mirrorSource(int32_t i, int32_t before, int32_t size, int32_t offset) {
  if (i < before) return before + offset - 1 - i;
  i -= before;
  if (i < size) return i;
  return size - 1 - offset - (i - size);
}

template <typename T>
void mirrorPad(const MirrorPadParams& p, const T* input, T* output) {
  size_t total = 1;
  size_t inStride[kMaxDims] = {};
  size_t stride = 1;
  for (int32_t d = p.rank - 1; d >= 0; --d) {
    inStride[d] = stride;
    stride *= static_cast<size_t>(p.inDims[d]);
    total *= static_cast<size_t>(p.outDims[d]);
  }
  int32_t index[kMaxDims] = {};
  for (size_t o = 0; o < total; ++o) {
    size_t from = 0;
    for (int32_t d = 0; d < p.rank; ++d) {
      from += inStride[d] *
              static_cast<size_t>(mirrorSource(index[d], p.before[d], p.inDims[d], p.offset));
    }
    output[o] = input[from];
    for (int32_t d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.outDims[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace reference

OpRegistration registerMirrorPad();

}  // namespace tinyscope::runner::kernels
