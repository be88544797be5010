// QUANTIZE: float32 -> int8/int16 (affine quantization) and integer requantization between
// int8, int16 and int32 (int16 -> int8, int8 -> int8, int16 -> int32, ...) and between int8 and
// uint8 (both ways), like TFLite Micro's
// reference kernel: (q - inZeroPoint) * QuantizeMultiplier(inScale / outScale) + outZeroPoint,
// saturated to the output type.
#pragma once

#include <cstdint>
#include <limits>

#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct RequantizeParams {
  int32_t multiplier = 0;
  int32_t shift = 0;
  int32_t inputZeroPoint = 0;
  int32_t outputZeroPoint = 0;
};

namespace reference {

// int32 arithmetic like TFLM (the zero point is added with wrap-around), then saturation.
template <typename InputT, typename OutputT>
void requantize(const RequantizeParams& p, int32_t count, const InputT* input, OutputT* output) {
  constexpr int32_t kMin = std::numeric_limits<OutputT>::min();
  constexpr int32_t kMax = std::numeric_limits<OutputT>::max();
  for (int32_t i = 0; i < count; ++i) {
    const int32_t x = quant::wrappingAdd(static_cast<int32_t>(input[i]), -p.inputZeroPoint);
    const int32_t y = quant::wrappingAdd(
        quant::multiplyByQuantizedMultiplier(x, p.multiplier, p.shift), p.outputZeroPoint);
    output[i] = static_cast<OutputT>(y < kMin ? kMin : (y > kMax ? kMax : y));
  }
}

// round(x / scale) in float, converted to int32 as the oracle's x86 build does (INT32_MIN for
// NaN and out of range), plus the zero point with wrap-around, saturated.
template <typename OutputT>
void affineQuantize(float scale, int32_t zeroPoint, int32_t count, const float* input,
                    OutputT* output) {
  constexpr int32_t kMin = std::numeric_limits<OutputT>::min();
  constexpr int32_t kMax = std::numeric_limits<OutputT>::max();
  for (int32_t i = 0; i < count; ++i) {
    const float r = quant::roundHalfAway(input[i] / scale);
    const int32_t q =
        quant::wrappingAdd(quant::truncateToInt32LikeX86(static_cast<double>(r)), zeroPoint);
    output[i] = static_cast<OutputT>(q < kMin ? kMin : (q > kMax ? kMax : q));
  }
}

}  // namespace reference

OpRegistration registerQuantize();

}  // namespace tinyscope::runner::kernels
