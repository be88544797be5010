// Q-format fixed-point helpers with gemmlowp's exact semantics (the math behind TFLite's int8
// SOFTMAX and other transcendental kernels). A value with N integer bits is an int32 raw value
// with 31-N fractional bits. Pure functions, usable in invoke.
#pragma once

#include <cstdint>

#include "model_runner/quant_math.h"

namespace tinyscope::runner::fixed {

// Fixed-point product: Q(a) * Q(b) -> Q(a + b) integer bits.
inline int32_t mul(int32_t a, int32_t b) {
  return quant::saturatingRoundingDoublingHighMul(a, b);
}

// x * 2^exponent with saturation (exponent > 0) or rounding (exponent < 0).
inline int32_t saturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return quant::roundingDivideByPOT(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - exponent)) - 1);
  if (x > threshold) return quant::kInt32Max;
  if (x < -threshold) return quant::kInt32Min;
  return quant::wrappingShiftLeft(x, exponent);
}

// Changes the integer-bit count of a raw value from `srcBits` to `dstBits`.
inline int32_t rescale(int32_t x, int srcBits, int dstBits) {
  return saturatingRoundingMultiplyByPOT(x, srcBits - dstBits);
}

inline int32_t roundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

// exp(x) for x in [-1/4, 0), Q0 in and out.
int32_t expOnIntervalNegQuarterToZero(int32_t a);
// exp(x) for x <= 0 given with `integerBits` integer bits; result in Q0.
int32_t expOnNegativeValues(int32_t a, int integerBits);
// 1 / (1 + x) for x in [0, 1), Q0 in and out.
int32_t oneOverOnePlusX(int32_t a);
// (1 - x) / (1 + x) for x in [0, 1), Q0 in and out.
int32_t oneMinusXOverOnePlusX(int32_t a);
// Reciprocal of a positive value with `integerBits` integer bits, as TFLite's GetReciprocal:
// returns the Q0 scale and the number of bits over unit.
int32_t reciprocal(int32_t x, int integerBits, int* numBitsOverUnit);
// ln(x) for a positive x >= 1 given with `inputBits` integer bits, as TFLite's
// log_x_for_x_greater_than_or_equal_to_1; the result has `outputBits` integer bits.
int32_t logOfAtLeastOne(int32_t x, int inputBits, int outputBits);

}  // namespace tinyscope::runner::fixed
