// Cortex-M4 DSP building blocks (internal to model_runner/cortex_m): ARMv7E-M SIMD intrinsics
// from <arm_acle.h> when __ARM_FEATURE_DSP is defined, portable equivalents otherwise (so the
// kernels compile, and can be checked, on any target), plus TFLM-exact requantization.
//
// Pure inline functions, no state. int16 pairs are (low half, high half) of an int32.
#pragma once

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

namespace tinyscope::runner::cortex_m::dsp {

// 4 bytes from any address (LDR/STR; the Cortex-M4 takes unaligned words).
inline int32_t read32(const void* p) {
  int32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
inline void write32(void* p, int32_t v) {
  memcpy(p, &v, sizeof v);
}

// A 16-bit value in both halves (for SXTAB16's addend).
inline int32_t pair16(int32_t v) {
  return static_cast<int32_t>((static_cast<uint32_t>(v) & 0xFFFFu) |
                              (static_cast<uint32_t>(v) << 16));
}

#if defined(__ARM_FEATURE_DSP)
// Bytes 0 and 2 sign-extended into the two halves.
inline int32_t sxtb16(int32_t x) {
  return __sxtb16(x);
}
// Bytes 1 and 3 sign-extended into the two halves (SXTB16 with ROR #8).
inline int32_t sxtb16Ror8(int32_t x) {
  int32_t r;
  asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
// a + bytes 0 and 2 of x, per half.
inline int32_t sxtab16(int32_t a, int32_t x) {
  return __sxtab16(a, x);
}
// a + bytes 1 and 3 of x, per half.
inline int32_t sxtab16Ror8(int32_t a, int32_t x) {
  int32_t r;
  asm("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
  return r;
}
// acc + a.lo*b.lo + a.hi*b.hi (wraps modulo 2^32; the Q flag is ignored).
inline int32_t smlad(int32_t a, int32_t b, int32_t acc) {
  return __smlad(a, b, acc);
}
inline int32_t smlabb(int32_t a, int32_t b, int32_t acc) {
  return __smlabb(a, b, acc);
}
inline int32_t smlatt(int32_t a, int32_t b, int32_t acc) {
  return __smlatt(a, b, acc);
}
inline int32_t smlatb(int32_t a, int32_t b, int32_t acc) {
  return __smlatb(a, b, acc);
}
#else
inline int32_t lo16(int32_t x) {
  return static_cast<int16_t>(static_cast<uint32_t>(x) & 0xFFFFu);
}
inline int32_t hi16(int32_t x) {
  return static_cast<int16_t>(static_cast<uint32_t>(x) >> 16);
}
inline int32_t make16(int32_t lo, int32_t hi) {
  return static_cast<int32_t>((static_cast<uint32_t>(lo) & 0xFFFFu) |
                              (static_cast<uint32_t>(hi) << 16));
}
inline int32_t byteAt(int32_t x, int i) {
  return static_cast<int8_t>(static_cast<uint32_t>(x) >> (8 * i));
}
inline int32_t sxtb16(int32_t x) {
  return make16(byteAt(x, 0), byteAt(x, 2));
}
inline int32_t sxtb16Ror8(int32_t x) {
  return make16(byteAt(x, 1), byteAt(x, 3));
}
inline int32_t sxtab16(int32_t a, int32_t x) {
  return make16(lo16(a) + byteAt(x, 0), hi16(a) + byteAt(x, 2));
}
inline int32_t sxtab16Ror8(int32_t a, int32_t x) {
  return make16(lo16(a) + byteAt(x, 1), hi16(a) + byteAt(x, 3));
}
inline int32_t wrap(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}
inline int32_t smlad(int32_t a, int32_t b, int32_t acc) {
  return wrap(int64_t{acc} + lo16(a) * lo16(b) + hi16(a) * hi16(b));
}
inline int32_t smlabb(int32_t a, int32_t b, int32_t acc) {
  return wrap(int64_t{acc} + lo16(a) * lo16(b));
}
inline int32_t smlatt(int32_t a, int32_t b, int32_t acc) {
  return wrap(int64_t{acc} + hi16(a) * hi16(b));
}
inline int32_t smlatb(int32_t a, int32_t b, int32_t acc) {
  return wrap(int64_t{acc} + hi16(a) * lo16(b));
}
#endif

// quant::multiplyByQuantizedMultiplier (TFLM's double rounding) bit for bit, for
// 0 <= multiplier <= INT32_MAX and -31 <= shift <= 30 (what quantizeMultiplier produces):
//  - SaturatingRoundingDoublingHighMul: the nudge is +2^30 for a non-negative product and
//    1 - 2^30 otherwise, then a division by 2^31 truncating toward zero. Both cases equal
//    floor((x*m + 2^30) / 2^31) (one SMLAL), and with m >= 0 the saturating case (both
//    INT32_MIN) cannot occur and the result is > INT32_MIN.
//  - RoundingDivideByPOT(h, e >= 1), ties away from zero: round half up of (h - [h < 0]) / 2^e,
//    computed as y - (y >> 1) with y = (h - [h < 0]) >> (e - 1) (no overflow anywhere).
__attribute__((always_inline)) inline int32_t requantize(int32_t acc, int32_t multiplier,
                                                         int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t x = static_cast<int32_t>(static_cast<uint32_t>(acc) << left);
  const int64_t product = static_cast<int64_t>(x) * multiplier + (int64_t{1} << 30);
  const int32_t high = static_cast<int32_t>(product >> 31);
  if (shift >= 0) return high;
  const int32_t y = (high + (high >> 31)) >> (-shift - 1);
  return y - (y >> 1);
}

// Output stage shared by the kernels: requantize, add the output zero point (wrapping, like
// the reference), clamp to the fused activation range.
// saturateOnly: the range is all of int8 (no fused activation, or one that clips nothing), so
// one SSAT replaces the two compares.
struct OutputStage {
  int32_t offset = 0;
  int32_t actMin = -128, actMax = 127;
  bool saturateOnly = true;
};

inline OutputStage outputStage(int32_t offset, int32_t actMin, int32_t actMax) {
  OutputStage s;
  s.offset = offset;
  s.actMin = actMin;
  s.actMax = actMax;
  s.saturateOnly = actMin == -128 && actMax == 127;
  return s;
}

// v clamped to [-128, 127].
inline int32_t saturate8(int32_t v) {
#if defined(__ARM_FEATURE_SAT)
  return __ssat(v, 8);
#else
  return v < -128 ? -128 : (v > 127 ? 127 : v);
#endif
}

// v clamped to the fused activation range (one out-of-line copy: the inlined output stages
// keep only the SSAT path).
__attribute__((noinline)) inline int8_t clampToRange(int32_t v, const OutputStage& o) {
  v = v < o.actMin ? o.actMin : v;
  v = v > o.actMax ? o.actMax : v;
  return static_cast<int8_t>(v);
}

__attribute__((always_inline)) inline int8_t finish(int32_t acc, int32_t multiplier, int32_t shift,
                                                    const OutputStage& o) {
  int32_t v = static_cast<int32_t>(static_cast<uint32_t>(requantize(acc, multiplier, shift)) +
                                   static_cast<uint32_t>(o.offset));
  if (o.saturateOnly) return static_cast<int8_t>(saturate8(v));
  return clampToRange(v, o);
}

}  // namespace tinyscope::runner::cortex_m::dsp
