// ADD with numpy-style broadcasting (up to 6 dimensions), like the TFLite Micro reference:
// int8 and int16 (quantized: both inputs rescaled to a common scale after a left shift of 20,
// or 15 for int16, summed and requantized) and int32 (plain two's-complement sums, no
// quantization, fused activation ignored as TFLM does).
#pragma once

#include <cstdint>

#include "model_runner/kernels/broadcast.h"
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

struct AddOpData {
  TensorType type = TensorType::kInt8;
  AddParams params;
  ElementwiseLayout layout;
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
  broadcastApply(s, input1, input2, output, [&p](T x, T y) { return addElement(p, x, y); });
}

// Runs a prepared ADD of any supported type with the reference loops (optimized kernel sets
// call it for what they do not accelerate).
void invokeAdd(const OpContext& ctx);

}  // namespace reference

OpRegistration registerAdd();

}  // namespace tinyscope::runner::kernels
