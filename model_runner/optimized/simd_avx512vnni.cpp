// AVX-512 VNNI kernels: EVEX VPDPBUSD on 256-bit vectors (8-channel blocks suit the small
// channel counts of TinyML models) with 32 registers for a 6 x 4-block tile. Activations
// enter the unsigned operand as x + 128; prepare folds -128 * sum(weights) into the bias.
// Compiled for AVX-512 by a function-level target; called only after a CPU check.
#include <immintrin.h>

#include <cstring>

#include "model_runner/optimized/simd_kernels.h"

// GCC: target pragma; clang: the same target attribute on every function defined below.
#if !defined(__clang__)
// GCC 12's AVX-512 headers build some intrinsics on an undefined vector and warn about it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")
#endif

namespace tinyscope::runner::optimized {
namespace {

constexpr int kMR = 6;
constexpr int kNB = 4;
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
  acc = _mm256_dpbusd_epi32(acc, a, w);
}
inline __m256i finish(const Acc& acc) {
  return acc;
}
inline __m256i madd16(__m256i acc, __m256i x, __m256i w) {
  return _mm256_dpwssd_epi32(acc, x, w);
}
// The masked form: the unmasked intrinsic trips -Wuninitialized in GCC 12 headers.
inline __m128i narrow8(__m256i v) {
  return _mm256_maskz_cvtepi32_epi8(0xFF, v);
}
// 32 activation bytes (kernel form) x 32 weights, summed into 8 lanes; sum32: the weights alone.
inline __m256i dot32(__m256i acc, __m256i a, __m256i w) {
  return _mm256_dpbusd_epi32(acc, a, w);
}
inline __m256i sum32(__m256i acc, __m256i w) {
  return _mm256_dpbusd_epi32(acc, _mm256_set1_epi8(1), w);
}
#define TS_REQUANT16 1

#include "model_runner/optimized/simd_kernels_body.inc"

}  // namespace

const SimdKernels* avx512VnniKernels() {
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
#pragma GCC diagnostic pop
#endif
