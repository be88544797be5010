// Helpers shared by the element-wise kernels (SUB, PRELU, comparisons, SELECT_V2, activations):
// the operand layout of a binary op (same shape or numpy broadcasting), saturation to an integer
// type, and the prepare-time checks of int8/int16 tensors. Pure functions; no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "model_runner/kernels/add.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/model.h"
#include "model_runner/op_context.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

// How the two operands of a binary op map onto its output: element by element (count) or by
// broadcasting (shape, right-aligned to kMaxDims).
struct BinaryLayout {
  bool broadcast = false;
  size_t count = 0;
  BroadcastShape shape;
};

// Same shapes give an element-wise layout; otherwise the shapes must broadcast to the output's
// shape with at most `maxRank` dimensions each (TFLM's limit for the op: 4 or 6). Fails with
// kShapeMismatch naming the output.
Status prepareBinaryLayout(const OpContext& ctx, const TensorDesc& in1, const TensorDesc& in2,
                           const TensorDesc& output, uint32_t maxRank, BinaryLayout* layout);

// Calls f(outputIndex, index1, index2) for every output element in order.
template <typename F>
void forEachElement(const BinaryLayout& l, F f) {
  if (!l.broadcast) {
    for (size_t i = 0; i < l.count; ++i) f(i, i, i);
    return;
  }
  const BroadcastShape& s = l.shape;
  int32_t idx[kMaxDims] = {};
  size_t total = 1;
  for (uint32_t d = 0; d < kMaxDims; ++d) total *= static_cast<size_t>(s.outDims[d]);
  size_t off1 = 0, off2 = 0;
  for (size_t i = 0; i < total; ++i) {
    f(i, off1, off2);
    for (int32_t d = static_cast<int32_t>(kMaxDims) - 1; d >= 0; --d) {
      off1 += static_cast<size_t>(s.strides1[d]);
      off2 += static_cast<size_t>(s.strides2[d]);
      if (++idx[d] < s.outDims[d]) break;
      off1 -= static_cast<size_t>(s.strides1[d]) * static_cast<size_t>(s.outDims[d]);
      off2 -= static_cast<size_t>(s.strides2[d]) * static_cast<size_t>(s.outDims[d]);
      idx[d] = 0;
    }
  }
}

template <typename T>
inline T saturateTo(int64_t v) {
  constexpr int64_t kMin = std::numeric_limits<T>::min();
  constexpr int64_t kMax = std::numeric_limits<T>::max();
  return static_cast<T>(v < kMin ? kMin : (v > kMax ? kMax : v));
}

// A per-tensor quantized int8 or int16 tensor: one finite scale > 0, zero point within the type
// (int16: 0 when `int16ZeroPointZero`, as TFLM requires for its symmetric int16 kernels).
Status requireQuantizedTensor(const OpContext& ctx, const TensorDesc& t, const char* field,
                              bool int16ZeroPointZero);

// One input with its type in `allowedInputTypes` (typeBit()s), one output of the same element
// count and of type *outputType (nullptr: the input's type). kBadOpArity / kUnsupportedOpType /
// kShapeMismatch naming the field.
Status requireUnaryOperands(const OpContext& ctx, uint32_t allowedInputTypes,
                            const TensorType* outputType = nullptr);
// requireQuantizedTensor for input 0 ("input") and output 0 ("output").
Status requireQuantizedInputOutput(const OpContext& ctx, bool int16ZeroPointZero);

// output[i] = f(input[i]) over input 0 / output 0.
template <typename In, typename Out = In, typename F>
void mapUnary(const OpContext& ctx, size_t count, F f) {
  const In* in = ctx.inputData<In>(0);
  Out* out = ctx.outputData<Out>(0);
  for (size_t i = 0; i < count; ++i) out[i] = f(in[i]);
}

// output = f(input 0, input 1) over a binary layout.
template <typename In, typename Out = In, typename F>
void mapBinary(const OpContext& ctx, const BinaryLayout& layout, F f) {
  const In* a = ctx.inputData<In>(0);
  const In* b = ctx.inputData<In>(1);
  Out* out = ctx.outputData<Out>(0);
  forEachElement(layout, [&](size_t i, size_t i1, size_t i2) { out[i] = f(a[i1], b[i2]); });
}

// Allocates zeroed op data of type T from the persistent arena and sets it as user data.
template <typename T>
Status allocateOpData(const OpContext& ctx, T** out) {
  *out = static_cast<T*>(ctx.allocatePersistent(sizeof(T)));
  if (*out == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  **out = T();
  ctx.setUserData(*out);
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
