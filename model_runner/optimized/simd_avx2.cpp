// AVX2 kernels: int8 x int8 products through VPMADDWD on sign-extended int16 (exact; VPMADDUBSW
// would saturate). Compiled for AVX2 by a function-level target; called only after a CPU check.
#include <immintrin.h>

#include <cstring>

#include "model_runner/optimized/simd_kernels.h"

// GCC: target pragma; clang: the same target attribute on every function defined below.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

namespace tinyscope::runner::optimized {
namespace {

constexpr int kMR = 4;
constexpr int kNB = 1;
constexpr int32_t kActivationBias = 0;

// Lanes hold pair sums: lo = channels 0..3 x (k0+k1, k2+k3), hi = channels 4..7.
struct Acc {
  __m256i lo, hi;
};
struct WVec {
  __m256i lo, hi;  // channels 0..3 / 4..7, 4 k each, int16
};
using AVec = __m256i;  // 4 activations as int16, repeated

inline Acc zeroAcc() {
  return Acc{_mm256_setzero_si256(), _mm256_setzero_si256()};
}
inline WVec loadW(const int8_t* p) {
  return WVec{_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))),
              _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)))};
}
inline AVec bcastA(uint32_t fourBytes) {
  return _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(static_cast<int>(fourBytes))));
}
inline void dot(Acc& acc, const AVec& a, const WVec& w) {
  acc.lo = _mm256_add_epi32(acc.lo, _mm256_madd_epi16(w.lo, a));
  acc.hi = _mm256_add_epi32(acc.hi, _mm256_madd_epi16(w.hi, a));
}
inline __m256i finish(const Acc& acc) {
  return _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc.lo, acc.hi), 0xD8);
}
inline __m256i madd16(__m256i acc, __m256i x, __m256i w) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w));
}
inline __m128i narrow8(__m256i v) {
  const __m256i p16 = _mm256_packs_epi32(v, v);     // [0..3 0..3 | 4..7 4..7]
  const __m256i p8 = _mm256_packs_epi16(p16, p16);  // bytes 0..3 of each lane
  return _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
}

// 32 activation bytes x 32 weights (both int8), summed into 8 lanes; sum32: the weights alone.
inline __m256i dot32(__m256i acc, __m256i a, __m256i w) {
  const __m256i lo = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm256_castsi256_si128(a)),
                                       _mm256_cvtepi8_epi16(_mm256_castsi256_si128(w)));
  const __m256i hi = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm256_extracti128_si256(a, 1)),
                                       _mm256_cvtepi8_epi16(_mm256_extracti128_si256(w, 1)));
  return _mm256_add_epi32(acc, _mm256_add_epi32(lo, hi));
}
inline __m256i sum32(__m256i acc, __m256i w) {
  const __m256i pairs = _mm256_maddubs_epi16(_mm256_set1_epi8(1), w);
  return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}
#define TS_REQUANT16 0
#include "model_runner/optimized/simd_kernels_body.inc"

}  // namespace

const SimdKernels* avx2Kernels() {
  static const SimdKernels k{gemm,         depthwise, add,     averagePool, kActivationBias,
                             requantBlock, kMR,       maxPool, gemvCached,  pairDots8,
                             pairDots16};
  return &k;
}

}  // namespace tinyscope::runner::optimized

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
