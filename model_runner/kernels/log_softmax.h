// LOG_SOFTMAX over the last dimension: float32, or int8 in and int8 out (scale 16/256, zero
// point 127) with the fixed-point exp/log path of the TFLite reference kernel.
#pragma once

#include <cstdint>

#include "model_runner/fixed_point.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct LogSoftmaxParams {
  int32_t inputMultiplier = 0;
  int32_t inputLeftShift = 0;
  int32_t reverseMultiplier = 0;  // 1 / input multiplier, Q0
  int32_t reverseShift = 0;       // its (non-positive) exponent
  int32_t diffMin = 0;
};

namespace reference {

constexpr int kLogSoftmaxInputIntegerBits = 5;
constexpr int kLogSoftmaxAccumulationIntegerBits = 12;
constexpr int kLogSoftmaxOutputIntegerBits = 4;

inline void logSoftmax(const LogSoftmaxParams& p, int32_t outerSize, int32_t depth,
                       const int8_t* input, int8_t* output) {
  for (int32_t i = 0; i < outerSize; ++i) {
    const int8_t* in = input + i * depth;
    int8_t* out = output + i * depth;
    int32_t maxInRow = -128;
    for (int32_t c = 0; c < depth; ++c) maxInRow = in[c] > maxInRow ? in[c] : maxInRow;
    int32_t sumOfExps = 0;  // Q12
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(in[c]) - maxInRow;
      if (diff < p.diffMin) continue;
      const int32_t scaled =
          quant::multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift);
      sumOfExps = quant::wrappingAdd(
          sumOfExps, fixed::rescale(fixed::expOnNegativeValues(scaled, kLogSoftmaxInputIntegerBits),
                                    0, kLogSoftmaxAccumulationIntegerBits));
    }
    const int32_t logSum = fixed::logOfAtLeastOne(sumOfExps, kLogSoftmaxAccumulationIntegerBits,
                                                  kLogSoftmaxInputIntegerBits);
    // Differences at or below this threshold give the smallest output.
    const int32_t fromLogSum = quant::multiplyByQuantizedMultiplier(
        quant::wrappingAdd(logSum, quant::kInt32Min), p.reverseMultiplier, p.reverseShift);
    const int32_t threshold = p.diffMin - 1 > fromLogSum ? p.diffMin - 1 : fromLogSum;
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(in[c]) - maxInRow;
      int32_t value = -128;
      if (diff > threshold) {
        const int32_t scaled =
            quant::multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift);
        value = quant::roundingDivideByPOT(scaled - logSum, 31 - kLogSoftmaxInputIntegerBits -
                                                                kLogSoftmaxOutputIntegerBits) +
                127;
        value = value < -128 ? -128 : (value > 127 ? 127 : value);
      }
      out[c] = static_cast<int8_t>(value);
    }
  }
}

inline void logSoftmax(int32_t outerSize, int32_t depth, const float* input, float* output) {
  for (int32_t i = 0; i < outerSize; ++i) {
    const float* in = input + i * depth;
    float* out = output + i * depth;
    float maxInRow = -3.402823466e+38f;
    for (int32_t c = 0; c < depth; ++c) maxInRow = maxInRow < in[c] ? in[c] : maxInRow;
    float sum = 0.0f;
    for (int32_t c = 0; c < depth; ++c) sum += __builtin_expf(in[c] - maxInRow);
    const float logSum = __builtin_logf(sum);
    for (int32_t c = 0; c < depth; ++c) out[c] = in[c] - maxInRow - logSum;
  }
}

}  // namespace reference

OpRegistration registerLogSoftmax();

}  // namespace tinyscope::runner::kernels
