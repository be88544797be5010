// AVX-VNNI kernels (VEX VPDPBUSD, 16 ymm registers). Activations enter the unsigned operand
// as x + 128 (x ^ 0x80); prepare folds -128 * sum(weights) into the bias. Compiled for
// AVX-VNNI by a function-level target; called only after a CPU check.
#include <immintrin.h>

#include <cstring>

#include "model_runner/optimized/simd_kernels.h"

// GCC: target pragma; clang: the same target attribute on every function defined below.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,avxvnni"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,avxvnni")
#endif

namespace tinyscope::runner::optimized {
namespace {

constexpr int kMR = 4;
constexpr int kNB = 3;
constexpr int32_t kActivationBias = 128;

using Acc = __m256i;
using WVec = __m256i;
using AVec = __m256i;

inline Acc zeroAcc() {
  return _mm256_setzero_si256();
}
inline WVec loadW(const int8_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
inline AVec bcastA(uint32_t fourBytes) {
  return _mm256_set1_epi32(static_cast<int>(fourBytes));
}
inline void dot(Acc& acc, const AVec& a, const WVec& w) {
  acc = _mm256_dpbusd_avx_epi32(acc, a, w);
}
inline __m256i finish(const Acc& acc) {
  return acc;
}
inline __m256i madd16(__m256i acc, __m256i x, __m256i w) {
  return _mm256_dpwssd_avx_epi32(acc, x, w);
}
inline __m128i narrow8(__m256i v) {
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packs_epi16(p16, p16);
  return _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
}

// 32 activation bytes (kernel form) x 32 weights, summed into 8 lanes; sum32: the weights alone.
inline __m256i dot32(__m256i acc, __m256i a, __m256i w) {
  return _mm256_dpbusd_avx_epi32(acc, a, w);
}
inline __m256i sum32(__m256i acc, __m256i w) {
  return _mm256_dpbusd_avx_epi32(acc, _mm256_set1_epi8(1), w);
}
#define TS_REQUANT16 0
#include "model_runner/optimized/simd_kernels_body.inc"

}  // namespace

const SimdKernels* avxVnniKernels() {
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
