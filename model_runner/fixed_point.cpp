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

int countLeadingZeros(uint32_t x) {
  return x == 0 ? 32 : __builtin_clz(x);
}

int32_t saturatingAdd(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  return sum > quant::kInt32Max
             ? quant::kInt32Max
             : (sum < quant::kInt32Min ? quant::kInt32Min : static_cast<int32_t>(sum));
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
  const int headroomPlusOne = countLeadingZeros(ux);
  *numBitsOverUnit = integerBits - headroomPlusOne;
  const auto shiftedSumMinusOne = static_cast<int32_t>(
      (headroomPlusOne >= 32 ? 0u : (ux << headroomPlusOne)) - (static_cast<uint32_t>(1) << 31));
  return oneOverOnePlusX(shiftedSumMinusOne);
}

int32_t logOfAtLeastOne(int32_t x, int inputBits, int outputBits) {
  // Q0 constants: ln 2, 2^-1/4, 2^-1/2, 1/4 and the rational approximation's coefficients.
  constexpr int32_t kLn2 = 1488522236;
  constexpr int32_t kQuarterRootHalf = 1805811301;
  constexpr int32_t kRootHalf = 1518500250;
  constexpr int32_t kQuarter = 536870912;
  constexpr int32_t kAlphaN = 117049297;
  constexpr int32_t kAlphaD = 127690142;
  constexpr int32_t kAlphaI = 1057819769;
  constexpr int32_t kAlphaF = 638450708;
  // One extra integer bit of headroom while summing the two parts.
  const int accBits = outputBits + 1;
  const int32_t quarterAcc = rescale(kQuarter, 0, accBits);

  // Two normalizations of x (plain, and times sqrt(1/2)); keep the mantissa nearer to 1.
  const int headroomA = countLeadingZeros(static_cast<uint32_t>(x));
  const int32_t mantissaA = saturatingRoundingMultiplyByPOT(
      mul(saturatingRoundingMultiplyByPOT(x, headroomA - 1), kRootHalf), 1);
  const int32_t exponentA = saturatingAdd(
      saturatingRoundingMultiplyByPOT(inputBits - headroomA, 31 - accBits), quarterAcc);
  const int headroomB = countLeadingZeros(static_cast<uint32_t>(mul(x, kRootHalf))) - 1;
  const int32_t mantissaB = saturatingRoundingMultiplyByPOT(x, headroomB);
  const int64_t exponentBWide =
      static_cast<int64_t>(saturatingRoundingMultiplyByPOT(inputBits - headroomB, 31 - accBits)) -
      quarterAcc;
  const int32_t exponentB =
      exponentBWide < quant::kInt32Min
          ? quant::kInt32Min
          : (exponentBWide > quant::kInt32Max ? quant::kInt32Max
                                              : static_cast<int32_t>(exponentBWide));
  const int32_t r = mantissaA < mantissaB ? mantissaA : mantissaB;
  const int32_t exponent = exponentA > exponentB ? exponentA : exponentB;

  // ln(r) by a rational approximation around 2^-1/4.
  const int32_t p = roundingHalfSum(r, kQuarterRootHalf);
  int32_t q = quant::wrappingAdd(r, -kQuarterRootHalf);
  q = quant::wrappingAdd(q, q);
  const int32_t qSquared = mul(q, q);
  const int32_t num = quant::wrappingAdd(mul(q, r), mul(mul(q, qSquared), kAlphaN));
  const int32_t denomMinusOne = quant::wrappingAdd(
      mul(p, quant::wrappingAdd(quant::wrappingAdd(kAlphaI, q), mul(kAlphaD, qSquared))),
      mul(kAlphaF, q));
  const int32_t recipDenom = oneOverOnePlusX(denomMinusOne);
  const int32_t sum =
      quant::wrappingAdd(mul(exponent, kLn2), mul(rescale(num, 0, accBits), recipDenom));
  return rescale(sum, accBits, outputBits);
}

}  // namespace tinyscope::runner::fixed
