// Numpy-style broadcasting of two operands for elementwise kernels (up to kMaxDims dimensions),
// shared by ADD, MUL, DIV, MAXIMUM and MINIMUM. Pure functions over caller memory.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/model.h"

namespace tinyscope::runner::kernels {

// Broadcast layout: output dims and, per input, the element stride along each output dim
// (0 where the input is broadcast). Dims are right-aligned to kMaxDims.
struct BroadcastShape {
  int32_t outDims[kMaxDims] = {1, 1, 1, 1, 1, 1};
  int32_t strides1[kMaxDims] = {};
  int32_t strides2[kMaxDims] = {};
};

// Computes the broadcast layout; false when the shapes are not broadcast-compatible or the
// output shape differs from the broadcast shape.
bool computeBroadcastShape(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out,
                           BroadcastShape* s);

// True when both tensors have the same rank and dimensions.
bool sameShape(const TensorDesc& a, const TensorDesc& b);

namespace reference {

// output[i] = f(input1[..], input2[..]) over the broadcast output, in row-major order.
template <typename In, typename Out, typename F>
void broadcastApply(const BroadcastShape& s, const In* input1, const In* input2, Out* output, F f) {
  int32_t idx[kMaxDims] = {};
  size_t total = 1;
  for (uint32_t d = 0; d < kMaxDims; ++d) total *= static_cast<size_t>(s.outDims[d]);
  for (size_t i = 0; i < total; ++i) {
    size_t off1 = 0, off2 = 0;
    for (uint32_t d = 0; d < kMaxDims; ++d) {
      off1 += static_cast<size_t>(idx[d]) * static_cast<size_t>(s.strides1[d]);
      off2 += static_cast<size_t>(idx[d]) * static_cast<size_t>(s.strides2[d]);
    }
    output[i] = f(input1[off1], input2[off2]);
    for (int32_t d = static_cast<int32_t>(kMaxDims) - 1; d >= 0; --d) {
      if (++idx[d] < s.outDims[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace reference
}  // namespace tinyscope::runner::kernels
