#include "model_runner/quant_math.h"

#include "model_runner/tflite_schema.h"

namespace tinyscope::runner::quant {

double roundHalfAway(double x) {
  const double kLimit = 4503599627370496.0;  // 2^52: every double beyond is an integer
  if (!(x > -kLimit && x < kLimit)) return x;
  const double t = static_cast<double>(static_cast<int64_t>(x));
  const double frac = x - t;
  if (frac >= 0.5) return t + 1.0;
  if (frac <= -0.5) return t - 1.0;
  return t;
}

float roundHalfAway(float x) {
  const float kLimit = 8388608.0f;  // 2^23
  if (!(x > -kLimit && x < kLimit)) return x;
  const float t = static_cast<float>(static_cast<int32_t>(x));
  const float frac = x - t;
  if (frac >= 0.5f) return t + 1.0f;
  if (frac <= -0.5f) return t - 1.0f;
  return t;
}

double frexp(double x, int* exponent) {
  *exponent = 0;
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 52) & 0x7ff);
  if (e == 0x7ff || x == 0.0) return x;  // inf, nan, zero
  int extra = 0;
  if (e == 0) {                // subnormal: scale into the normal range first
    x *= 18014398509481984.0;  // 2^54
    std::memcpy(&bits, &x, sizeof bits);
    e = static_cast<int>((bits >> 52) & 0x7ff);
    extra = -54;
  }
  *exponent = e - 1022 + extra;
  bits = (bits & ~(uint64_t{0x7ff} << 52)) | (uint64_t{1022} << 52);
  double fraction;
  std::memcpy(&fraction, &bits, sizeof fraction);
  return fraction;
}

bool quantizeMultiplier(double realMultiplier, int32_t* multiplier, int* shift) {
  *multiplier = 0;
  *shift = 0;
  if (realMultiplier == 0.0) return true;
  if (!(realMultiplier > -1e300 && realMultiplier < 1e300)) return false;  // nan/inf
  int exp = 0;
  const double q = frexp(realMultiplier, &exp);
  auto qFixed = static_cast<int64_t>(roundHalfAway(q * static_cast<double>(int64_t{1} << 31)));
  if (qFixed == (int64_t{1} << 31)) {
    qFixed /= 2;
    ++exp;
  }
  if (exp < -31) {
    exp = 0;
    qFixed = 0;
  }
  if (exp > 30) return false;
  *multiplier = static_cast<int32_t>(qFixed);
  *shift = exp;
  return true;
}

bool quantizeMultiplierSmallerThanOneExp(double realMultiplier, int32_t* multiplier,
                                         int* leftShift) {
  if (!(realMultiplier > 0.0 && realMultiplier < 1.0)) return false;
  if (!quantizeMultiplier(realMultiplier, multiplier, leftShift)) return false;
  return *leftShift <= 0;
}

bool quantizeMultiplierGreaterThanOne(double realMultiplier, int32_t* multiplier, int* leftShift) {
  if (!(realMultiplier > 1.0)) return false;
  if (!quantizeMultiplier(realMultiplier, multiplier, leftShift)) return false;
  return *leftShift >= 0;
}

bool activationRangeQuantized(uint8_t activation, float outputScale, int32_t outputZeroPoint,
                              int32_t qmin, int32_t qmax, int32_t* actMin, int32_t* actMax) {
  bool ok = true;
  auto quantize = [&](float f) -> int32_t {
    const float t = roundHalfAway(f / outputScale);
    if (!(t >= -2147483648.0f && t <= 2147483520.0f)) {
      ok = false;
      return 0;
    }
    return outputZeroPoint + static_cast<int32_t>(t);
  };
  auto maxOf = [](int32_t a, int32_t b) { return a > b ? a : b; };
  auto minOf = [](int32_t a, int32_t b) { return a < b ? a : b; };
  switch (static_cast<schema::Activation>(activation)) {
    case schema::Activation::kNone:
      *actMin = qmin;
      *actMax = qmax;
      break;
    case schema::Activation::kRelu:
      *actMin = maxOf(qmin, quantize(0.0f));
      *actMax = qmax;
      break;
    case schema::Activation::kRelu6:
      *actMin = maxOf(qmin, quantize(0.0f));
      *actMax = minOf(qmax, quantize(6.0f));
      break;
    case schema::Activation::kReluN1To1:
      *actMin = maxOf(qmin, quantize(-1.0f));
      *actMax = minOf(qmax, quantize(1.0f));
      break;
    default:
      return false;
  }
  return ok && *actMin <= *actMax;
}

}  // namespace tinyscope::runner::quant
