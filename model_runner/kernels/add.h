// ADD, int8 with numpy-style broadcasting (up to 6 dimensions). Both inputs are rescaled to a
// common scale after a left shift of 20, summed, and requantized, like the TFLite reference.
#pragma once

#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct AddParams {
  int32_t input1Offset = 0, input2Offset = 0, outputOffset = 0;
  int32_t leftShift = 20;
  int32_t input1Multiplier = 0, input1Shift = 0;
  int32_t input2Multiplier = 0, input2Shift = 0;
  int32_t outputMultiplier = 0, outputShift = 0;
  int32_t actMin = -128, actMax = 127;
};

// Broadcast layout: output dims and, per input, the element stride along each output dim
// (0 where the input is broadcast). Dims are right-aligned to kMaxDims.
struct BroadcastShape {
  int32_t outDims[kMaxDims] = {1, 1, 1, 1, 1, 1};
  int32_t strides1[kMaxDims] = {};
  int32_t strides2[kMaxDims] = {};
};

struct AddOpData {
  AddParams params;
  bool broadcast = false;
  size_t count = 0;      // elements, when !broadcast
  BroadcastShape shape;  // when broadcast
  // Set by optimized kernels (x86, Cortex-M) after this prepare; unused by the reference.
  const void* accelerated = nullptr;
};

// Prepare shared by every kernel set: the checks (same order, same error fields) and the
// parameters. Allocates the op data from the persistent arena and sets it as user data.
Status prepareAddOp(OpContext& ctx, AddOpData** out);

namespace reference {

template <typename T>
inline T addElement(const AddParams& p, T x, T y) {
  const int32_t in1 = p.input1Offset + x;
  const int32_t in2 = p.input2Offset + y;
  const int32_t shifted1 = quant::wrappingShiftLeft(in1, p.leftShift);
  const int32_t shifted2 = quant::wrappingShiftLeft(in2, p.leftShift);
  const int32_t scaled1 = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      shifted1, p.input1Multiplier, p.input1Shift);
  const int32_t scaled2 = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      shifted2, p.input2Multiplier, p.input2Shift);
  const int32_t raw = quant::wrappingAdd(
      quant::multiplyByQuantizedMultiplierSmallerThanOneExp(quant::wrappingAdd(scaled1, scaled2),
                                                            p.outputMultiplier, p.outputShift),
      p.outputOffset);
  return static_cast<T>(raw < p.actMin ? p.actMin : (raw > p.actMax ? p.actMax : raw));
}

template <typename T>
void add(const AddParams& p, size_t count, const T* input1, const T* input2, T* output) {
  for (size_t i = 0; i < count; ++i) output[i] = addElement(p, input1[i], input2[i]);
}

template <typename T>
void broadcastAdd(const AddParams& p, const BroadcastShape& s, const T* input1, const T* input2,
                  T* output) {
  int32_t idx[kMaxDims] = {};
  size_t total = 1;
  for (uint32_t d = 0; d < kMaxDims; ++d) total *= static_cast<size_t>(s.outDims[d]);
  for (size_t i = 0; i < total; ++i) {
    size_t off1 = 0, off2 = 0;
    for (uint32_t d = 0; d < kMaxDims; ++d) {
      off1 += static_cast<size_t>(idx[d]) * static_cast<size_t>(s.strides1[d]);
      off2 += static_cast<size_t>(idx[d]) * static_cast<size_t>(s.strides2[d]);
    }
    output[i] = addElement(p, input1[off1], input2[off2]);
    for (int32_t d = static_cast<int32_t>(kMaxDims) - 1; d >= 0; --d) {
      if (++idx[d] < s.outDims[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace reference

// Computes the broadcast layout; false when the shapes are not broadcast-compatible or the
// output shape differs from the broadcast shape.
bool computeBroadcastShape(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out,
                           BroadcastShape* s);

OpRegistration registerAdd();

}  // namespace tinyscope::runner::kernels
