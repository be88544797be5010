// CUMSUM (float32, int8) along a constant int32 axis, exclusive and/or reverse, as TFLite
// Micro's reference. int8 follows its ADD-like integer path: each value (q - zp) << 20 halved
// by a QuantizeMultiplierSmallerThanOneExp multiplier, summed (wrapping), then rescaled by
// 2 * inScale / (2^20 * outScale) and offset by the output zero point, saturated. As TFLM, the
// sum starts from the scaled -zp, not from 0. Memory: a few words of op data.
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct CumsumParams {
  int32_t before = 1, length = 1, after = 1;  // sizes before, along and after the axis
  bool exclusive = false, reverse = false;
  int32_t inputOffset = 0, outputOffset = 0;  // -input zp, output zp
  int32_t inputMultiplier = 0, inputShift = 0;
  int32_t outputMultiplier = 0, outputShift = 0;
};

namespace reference {

void cumsumInt8(const CumsumParams& p, const int8_t* input, int8_t* output);
void cumsumFloat(const CumsumParams& p, const float* input, float* output);

}  // namespace reference

OpRegistration registerCumsum();

}  // namespace tinyscope::runner::kernels
