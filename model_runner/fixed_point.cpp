#include "model_runner/fixed_point.h"

namespace tinyscope::runner::fixed {

int32_t expOnIntervalNegQuarterToZero(int32_t a) {
  const int32_t kConstantTerm = 1895147668;  // exp(-1/8) in Q0
  const int32_t kOneThird = 715827883;       // 1/3 in Q0
  // Taylor expansion around -1/8: x = a + 1/8.
  const int32_t x = a + (1 << 28);
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const int32_t poly = saturatingRoundingMultiplyByPOT(mul(x4Over4 + x3, kOneThird) + x2, -1);
  return kConstantTerm + mul(kConstantTerm, x + poly);
}

int32_t expOnNegativeValues(int32_t a, int integerBits) {
  const int fractionalBits = 31 - integerBits;
  const int32_t kOneQuarter = static_cast<int32_t>(int32_t{1} << (fractionalBits - 2));
  const int32_t mask = kOneQuarter - 1;
  const int32_t aModQuarterMinusQuarter = (a & mask) - kOneQuarter;
  int32_t result = expOnIntervalNegQuarterToZero(rescale(aModQuarterMinusQuarter, integerBits, 0));
  const int32_t remainder = aModQuarterMinusQuarter - a;
  // exp(-2^k) for k = -2 .. 4, in Q0.
  static const int32_t kMultipliers[] = {1672461947, 1302514674, 790015084, 290630308,
                                         39332535,   720401,     242};
  for (int k = -2; k <= 4; ++k) {
    if (integerBits > k) {
      const int shift = fractionalBits + k;
      if (shift < 31 && (remainder & (int32_t{1} << shift)) != 0)
        result = mul(result, kMultipliers[k + 2]);
    }
  }
  if (integerBits > 5) {
    const int32_t clampValue = -(int32_t{1} << (36 - integerBits));  // -32.0
    if (a < clampValue) result = 0;
  }
  if (a == 0) result = quant::kInt32Max;
  return result;
}

namespace {

// Newton-Raphson for 1 / (1 + a) with a in [0, 1): returns that value in Q2 (as gemmlowp).
int32_t reciprocalOfOnePlusXQ2(int32_t a) {
  const int32_t halfDenominator = roundingHalfSum(a, quant::kInt32Max);
  const int32_t k48Over17 = 1515870810;                        // Q2
  const int32_t kNeg32Over17 = -1010580540;                    // Q2
  int32_t x = k48Over17 + mul(halfDenominator, kNeg32Over17);  // Q2
  const int32_t kOneQ2 = int32_t{1} << 29;
  for (int i = 0; i < 3; ++i) {
    const int32_t halfDenominatorTimesX = mul(halfDenominator, x);  // Q2
    const int32_t oneMinus = kOneQ2 - halfDenominatorTimesX;        // Q2
    x = x + rescale(mul(x, oneMinus), 4, 2);                        // Q4 -> Q2
  }
  return x;  // 1 / half the denominator
}

}  // namespace

int32_t oneOverOnePlusX(int32_t a) {
  // x / 2 as Q1 -> Q0.
  return rescale(reciprocalOfOnePlusXQ2(a), 1, 0);
}

int32_t oneMinusXOverOnePlusX(int32_t a) {
  // 2 / (1 + a) - 1, Q2 -> Q0.
  return rescale(reciprocalOfOnePlusXQ2(a) - (int32_t{1} << 29), 2, 0);
}

int32_t reciprocal(int32_t x, int integerBits, int* numBitsOverUnit) {
  const auto ux = static_cast<uint32_t>(x);
  const int headroomPlusOne = ux == 0 ? 32 : __builtin_clz(ux);
  *numBitsOverUnit = integerBits - headroomPlusOne;
  const auto shiftedSumMinusOne = static_cast<int32_t>(
      (headroomPlusOne >= 32 ? 0u : (ux << headroomPlusOne)) - (static_cast<uint32_t>(1) << 31));
  return oneOverOnePlusX(shiftedSumMinusOne);
}

}  // namespace tinyscope::runner::fixed
