// Integer quantization arithmetic with TFLite (Micro) reference semantics, bit for bit.
//
// Pure functions over int32/int64, no state, callable from any thread and from kernels' invoke.
// Overflowing left shifts wrap like two's complement, as the reference code does in practice.
#pragma once

#include <cstdint>
#include <cstring>

namespace tinyscope::runner::quant {

constexpr int32_t kInt32Min = -2147483647 - 1;
constexpr int32_t kInt32Max = 2147483647;

inline int32_t wrappingShiftLeft(int32_t x, int shift) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) << shift);
}

// a + b wrapping like two's complement (the reference kernels' int32 accumulators in practice;
// only hostile models get there, and then without undefined behaviour).
inline int32_t wrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// (a * b * 2) >> 32 with rounding to nearest and saturation of the single overflow case.
inline int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == kInt32Min && b == kInt32Min) return kInt32Max;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero. 0 <= exponent <= 31.
inline int32_t roundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * multiplier * 2^shift, the TFLM (double rounding) way.
inline int32_t multiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int leftShift = shift > 0 ? shift : 0;
  const int rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(wrappingShiftLeft(x, leftShift), multiplier), rightShift);
}

// x * multiplier * 2^shift for a 64-bit accumulator (TFLM's int16 kernels): the multiplier is
// first rounded to 16 bits, then one rounding shift.
inline int32_t multiplyByQuantizedMultiplier64(int64_t x, int32_t multiplier, int shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const int totalShift = 15 - shift;
  const auto product =
      static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(reduced) +
                           (uint64_t{1} << (totalShift - 1)));
  return static_cast<int32_t>(product >> totalShift);
}

inline int32_t multiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier,
                                                              int leftShift) {
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -leftShift);
}

inline int32_t multiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier,
                                                           int leftShift) {
  return saturatingRoundingDoublingHighMul(wrappingShiftLeft(x, leftShift), multiplier);
}

// std::round semantics (half away from zero) without libm.
double roundHalfAway(double x);
float roundHalfAway(float x);
// std::frexp semantics for finite x: x = fraction * 2^exponent, |fraction| in [0.5, 1).
double frexp(double x, int* exponent);

// Splits a real multiplier into a Q31 significand and a power-of-two shift, exactly like
// TFLite's QuantizeMultiplier. Returns false when the multiplier is not finite or its shift
// falls outside [-31, 30] after TFLite's own clamping (a model the kernels cannot run).
bool quantizeMultiplier(double realMultiplier, int32_t* multiplier, int* shift);
// TFLite's QuantizeMultiplierSmallerThanOneExp: 0 < m < 1; shift <= 0.
bool quantizeMultiplierSmallerThanOneExp(double realMultiplier, int32_t* multiplier,
                                         int* leftShift);
// TFLite's QuantizeMultiplierGreaterThanOne: m > 1; shift >= 0.
bool quantizeMultiplierGreaterThanOne(double realMultiplier, int32_t* multiplier, int* leftShift);

// Clamp range of a fused activation on a quantized output, like CalculateActivationRangeQuantized.
// `activation` is schema::Activation as uint8_t. qmin/qmax: range of the output type.
bool activationRangeQuantized(uint8_t activation, float outputScale, int32_t outputZeroPoint,
                              int32_t qmin, int32_t qmax, int32_t* actMin, int32_t* actMax);

// double -> int32 as x86-64's cvttsd2si, what TFLM's reference build does with an out-of-range
// static_cast (the oracle's behaviour): truncation, INT32_MIN for NaN or beyond the int32 range.
inline int32_t truncateToInt32LikeX86(double x) {
  if (!(x > -2147483649.0 && x < 2147483648.0)) return kInt32Min;
  return static_cast<int32_t>(x);
}

// Loads a little-endian/native int32 from possibly unaligned memory.
inline int32_t loadInt32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace tinyscope::runner::quant
