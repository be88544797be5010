// SOFTMAX over the last dimension: int8 in, int8 out (scale 1/256, zero point -128) or int16 out
// (scale 1/65536, zero point -32768).
// The fixed-point exp/reciprocal path of the TFLite reference kernel.
#pragma once

#include <cstdint>
#include <limits>

#include "model_runner/fixed_point.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct SoftmaxParams {
  int32_t inputMultiplier = 0;
  int32_t inputLeftShift = 0;
  int32_t diffMin = 0;
};

namespace reference {

constexpr int kSoftmaxScaledDiffIntegerBits = 5;
constexpr int kSoftmaxAccumulationIntegerBits = 12;

template <typename InputT, typename OutputT>
void softmax(const SoftmaxParams& p, int32_t outerSize, int32_t depth, const InputT* input,
             OutputT* output) {
  constexpr int32_t kOutMin = std::numeric_limits<OutputT>::min();
  constexpr int32_t kOutMax = std::numeric_limits<OutputT>::max();
  for (int32_t i = 0; i < outerSize; ++i) {
    const InputT* in = input + i * depth;
    OutputT* out = output + i * depth;
    int32_t maxInRow = in[0];
    for (int32_t c = 1; c < depth; ++c) maxInRow = in[c] > maxInRow ? in[c] : maxInRow;
    int32_t sumOfExps = 0;  // Q12
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(in[c]) - maxInRow;
      if (diff >= p.diffMin) {
        const int32_t rescaled = quant::multiplyByQuantizedMultiplierGreaterThanOne(
            diff, p.inputMultiplier, p.inputLeftShift);
        const int32_t e = fixed::expOnNegativeValues(rescaled, kSoftmaxScaledDiffIntegerBits);
        sumOfExps = static_cast<int32_t>(
            static_cast<uint32_t>(sumOfExps) +
            static_cast<uint32_t>(fixed::rescale(e, 0, kSoftmaxAccumulationIntegerBits)));
      }
    }
    int numBitsOverUnit = 0;
    const int32_t shiftedScale =
        fixed::reciprocal(sumOfExps, kSoftmaxAccumulationIntegerBits, &numBitsOverUnit);
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(in[c]) - maxInRow;
      int32_t value = kOutMin;
      if (diff >= p.diffMin) {
        const int32_t rescaled = quant::multiplyByQuantizedMultiplierGreaterThanOne(
            diff, p.inputMultiplier, p.inputLeftShift);
        const int32_t e = fixed::expOnNegativeValues(rescaled, kSoftmaxScaledDiffIntegerBits);
        const int32_t unsat = quant::roundingDivideByPOT(
            fixed::mul(shiftedScale, e),
            numBitsOverUnit + 31 - 8 * static_cast<int>(sizeof(OutputT)));
        value = unsat + kOutMin;
        value = value < kOutMin ? kOutMin : (value > kOutMax ? kOutMax : value);
      }
      out[c] = static_cast<OutputT>(value);
    }
  }
}

}  // namespace reference

OpRegistration registerSoftmax();

}  // namespace tinyscope::runner::kernels
