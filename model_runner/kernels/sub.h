// SUB: int8 and int16 (quantized, TFLM's general rescaling path: both inputs brought to a common
// scale after a left shift of 20 (int8) or 15 (int16), subtracted and requantized), float32 and
// int32 (plain, with the fused activation), with numpy-style broadcasting up to 6 dimensions.
#pragma once

#include <cstdint>

#include "model_runner/kernels/add.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

// SUB shares ADD's parameters (TFLite's ArithmeticParams): offsets, the left shift, the three
// multipliers and the activation range.
using SubParams = AddParams;

namespace reference {

template <typename T>
inline T subElement(const SubParams& p, T x, T y) {
  const int32_t shifted1 = quant::wrappingShiftLeft(p.input1Offset + x, p.leftShift);
  const int32_t shifted2 = quant::wrappingShiftLeft(p.input2Offset + y, p.leftShift);
  const int32_t scaled1 = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      shifted1, p.input1Multiplier, p.input1Shift);
  const int32_t scaled2 = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      shifted2, p.input2Multiplier, p.input2Shift);
  const int32_t diff =
      static_cast<int32_t>(static_cast<uint32_t>(scaled1) - static_cast<uint32_t>(scaled2));
  const int32_t raw = quant::wrappingAdd(quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
                                             diff, p.outputMultiplier, p.outputShift),
                                         p.outputOffset);
  return static_cast<T>(raw < p.actMin ? p.actMin : (raw > p.actMax ? p.actMax : raw));
}

}  // namespace reference

OpRegistration registerSub();

}  // namespace tinyscope::runner::kernels
