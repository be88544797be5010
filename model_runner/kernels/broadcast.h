// Numpy-style broadcasting of two operands for elementwise kernels (up to kMaxDims dimensions),
// shared by ADD, MUL, DIV, MAXIMUM and MINIMUM. Pure functions over caller memory.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/op_context.h"

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

// How a binary elementwise kernel walks its operands: plainly over `count` elements when both
// inputs and the output have one shape, else through the broadcast layout.
struct ElementwiseLayout {
  bool broadcast = false;
  size_t count = 0;      // elements, when !broadcast
  BroadcastShape shape;  // when broadcast
};

// Op data of a binary arithmetic kernel with one output rescaling (MUL, DIV): the operand
// type, the layout, TFLite's ArithmeticParams offsets, the output multiplier and the clamp.
struct BinaryArithmeticData {
  TensorType type = TensorType::kInt8;
  ElementwiseLayout layout;
  int32_t input1Offset = 0, input2Offset = 0, outputOffset = 0;
  int32_t multiplier = 0, shift = 0;
  int32_t actMin = 0, actMax = 0;
  float floatMin = 0.0f, floatMax = 0.0f;  // float32: the fused activation's range
};

// Prepare-time layout of inputs `a`, `b` and output `out`; broadcasting is allowed up to
// `maxBroadcastRank` dimensions (TFLM's limit for the operator). kShapeMismatch naming
// "output" or "broadcast rank" otherwise.
Status prepareElementwise(const OpContext& ctx, const TensorDesc& a, const TensorDesc& b,
                          const TensorDesc& out, uint8_t maxBroadcastRank,
                          ElementwiseLayout* layout);

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

// output = f(input1, input2) over a prepared layout.
template <typename In, typename Out, typename F>
void elementwise(const ElementwiseLayout& l, const In* input1, const In* input2, Out* output, F f) {
  if (l.broadcast) {
    broadcastApply(l.shape, input1, input2, output, f);
  } else {
    for (size_t i = 0; i < l.count; ++i) output[i] = f(input1[i], input2[i]);
  }
}

// The same over the operator's inputs 0 and 1 and output 0, all of type T.
template <typename T, typename F>
void elementwise(const OpContext& ctx, const ElementwiseLayout& l, F f) {
  elementwise(l, ctx.inputData<T>(0), ctx.inputData<T>(1), ctx.outputData<T>(0), f);
}

}  // namespace reference
}  // namespace tinyscope::runner::kernels
