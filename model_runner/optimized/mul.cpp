// MUL, optimized: int8 and int16 products requantized 8 (AVX2, AVX-VNNI) or 16 (AVX-512) lanes
// at a time with the reference's exact steps ((x - zp1) * (y - zp2) in int32 (int16: zero
// points 0), MultiplyByQuantizedMultiplier, output zero point, clamp). Broadcasting is walked
// as runs along the innermost dimensions that stay contiguous (dimensions of one are dropped,
// neighbours merged), so a per-channel scale vector or a per-pixel scalar costs no more than
// same-shape inputs. int32 and float32 keep the reference loops.
#include "model_runner/kernels/mul.h"

#include <immintrin.h>

#include <cstring>

#include "model_runner/kernels/broadcast.h"
#include "model_runner/optimized/optimized_registrations.h"

namespace tinyscope::runner::optimized {

namespace {

// The requantization of one MUL, as the vector loops use it.
struct MulParams {
  int32_t offset1 = 0, offset2 = 0, outputOffset = 0;
  int32_t multiplier = 0, leftShift = 0, rightShift = 0, roundMask = 0;
  int32_t actMin = -128, actMax = 127;
};

// out[i] = mul(a[i * strideA], b[i * strideB]) for i < n over elements of the operator's type
// (int8 or int16); strides are 0 (a broadcast value) or 1.
using MulRow = void (*)(const MulParams& p, const void* a, int32_t strideA, const void* b,
                        int32_t strideB, void* out, size_t n);

// Up to kMaxDims loops after merging: the innermost is the run a row kernel handles.
struct MulLoops {
  int32_t rank = 0;  // loops (>= 1)
  int32_t dims[kMaxDims] = {};
  int32_t strides1[kMaxDims] = {}, strides2[kMaxDims] = {};
};

// The op data: the reference's first (its invoke reads it through the same pointer), then ours.
struct MulData {
  kernels::BinaryArithmeticData ref;
  MulRow row = nullptr;  // nullptr: the reference loop
  MulParams params;
  MulLoops loops;
};

// Output dims with the element strides of each input; dims of one dropped and a dim merged into
// the next inner one when both inputs step through them contiguously (or not at all).
MulLoops mergeLoops(const kernels::ElementwiseLayout& l) {
  MulLoops m;
  if (!l.broadcast) {
    m.rank = 1;
    m.dims[0] = static_cast<int32_t>(l.count);
    m.strides1[0] = m.strides2[0] = 1;
    return m;
  }
  // Built innermost first, reversed at the end.
  int32_t dims[kMaxDims], s1[kMaxDims], s2[kMaxDims], n = 0;
  for (int32_t d = static_cast<int32_t>(kMaxDims) - 1; d >= 0; --d) {
    const int32_t size = l.shape.outDims[d];
    if (size == 0) {  // an empty output: one run of nothing
      m.rank = 1;
      return m;
    }
    if (size == 1) continue;
    const int32_t a = l.shape.strides1[d], b = l.shape.strides2[d];
    if (n > 0 && a == s1[n - 1] * dims[n - 1] && b == s2[n - 1] * dims[n - 1]) {
      dims[n - 1] *= size;
      continue;
    }
    dims[n] = size;
    s1[n] = a;
    s2[n] = b;
    ++n;
  }
  if (n == 0) {  // a single element
    dims[0] = 1;
    s1[0] = s2[0] = 0;
    n = 1;
  }
  m.rank = n;
  for (int32_t i = 0; i < n; ++i) {
    m.dims[i] = dims[n - 1 - i];
    m.strides1[i] = s1[n - 1 - i];
    m.strides2[i] = s2[n - 1 - i];
  }
  return m;
}

// ---- AVX2 (also used on AVX-VNNI machines) ---------------------------------------------------

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

// 8 products requantized: quant::multiplyByQuantizedMultiplier (left shift, rounding doubling
// high multiply with a non-negative multiplier, rounding right shift), offset, clamp.
inline __m256i mul8(__m256i x, __m256i y, const MulParams& p) {
  x = _mm256_add_epi32(x, _mm256_set1_epi32(p.offset1));
  y = _mm256_add_epi32(y, _mm256_set1_epi32(p.offset2));
  const __m256i prod = _mm256_sll_epi32(_mm256_mullo_epi32(x, y), _mm_cvtsi32_si128(p.leftShift));
  const __m256i m = _mm256_set1_epi32(p.multiplier);
  const __m256i nudge = _mm256_set1_epi64x(int64_t{1} << 30);
  __m256i even = _mm256_add_epi64(_mm256_mul_epi32(prod, m), nudge);
  __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(prod, 32), m), nudge);
  even = _mm256_srli_epi64(even, 31);
  odd = _mm256_slli_epi64(odd, 1);
  const __m256i q = _mm256_blend_epi32(even, odd, 0xAA);
  const __m256i mask = _mm256_set1_epi32(p.roundMask);
  const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(q, 31));
  __m256i r = _mm256_sub_epi32(_mm256_sra_epi32(q, _mm_cvtsi32_si128(p.rightShift)),
                               _mm256_cmpgt_epi32(_mm256_and_si256(q, mask), threshold));
  r = _mm256_max_epi32(_mm256_add_epi32(r, _mm256_set1_epi32(p.outputOffset)),
                       _mm256_set1_epi32(p.actMin));
  return _mm256_min_epi32(r, _mm256_set1_epi32(p.actMax));
}

inline __m256i load8(const int8_t* p, int32_t stride) {
  return stride == 0 ? _mm256_set1_epi32(*p)
                     : _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline __m256i load8(const int16_t* p, int32_t stride) {
  return stride == 0 ? _mm256_set1_epi32(*p)
                     : _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// 8 clamped values narrowed (no saturation happens) and stored.
inline void store8(int8_t* out, __m256i v) {
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packs_epi16(p16, p16);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out),
                   _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1)));
}
inline void store8(int16_t* out, __m256i v) {
  const __m256i p16 = _mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), 0xD8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(p16));
}

template <typename T>
void mulRowAvx2(const MulParams& p, const void* va, int32_t strideA, const void* vb,
                int32_t strideB, void* vout, size_t n) {
  const auto* a = static_cast<const T*>(va);
  const auto* b = static_cast<const T*>(vb);
  auto* out = static_cast<T*>(vout);
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    store8(out + i, mul8(load8(a + i * strideA, strideA), load8(b + i * strideB, strideB), p));
  if (i == n) return;
  // The tail through 8-element buffers: never reads or writes past the tensors.
  T ta[8] = {}, tb[8] = {}, to[8];
  const size_t rest = n - i;
  std::memcpy(ta, a + i * strideA, sizeof(T) * (strideA == 0 ? 1 : rest));
  std::memcpy(tb, b + i * strideB, sizeof(T) * (strideB == 0 ? 1 : rest));
  store8(to, mul8(load8(ta, strideA), load8(tb, strideB), p));
  std::memcpy(out + i, to, sizeof(T) * rest);
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- AVX-512 (16 lanes) ----------------------------------------------------------------------

#if !defined(__clang__)
// GCC 12's AVX-512 headers build some intrinsics on an undefined vector and warn about it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl")
#endif

inline __m512i mul16(__m512i x, __m512i y, const MulParams& p) {
  x = _mm512_add_epi32(x, _mm512_set1_epi32(p.offset1));
  y = _mm512_add_epi32(y, _mm512_set1_epi32(p.offset2));
  const __m512i prod = _mm512_sll_epi32(_mm512_mullo_epi32(x, y), _mm_cvtsi32_si128(p.leftShift));
  const __m512i m = _mm512_set1_epi32(p.multiplier);
  const __m512i nudge = _mm512_set1_epi64(int64_t{1} << 30);
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(prod, m), nudge);
  __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(prod, 32), m), nudge);
  even = _mm512_srli_epi64(even, 31);
  odd = _mm512_slli_epi64(odd, 1);
  const __m512i q = _mm512_mask_blend_epi32(0xAAAA, even, odd);
  const __m512i mask = _mm512_set1_epi32(p.roundMask);
  const __m512i threshold = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(q, 31));
  const __m512i shifted = _mm512_sra_epi32(q, _mm_cvtsi32_si128(p.rightShift));
  const __mmask16 up = _mm512_cmpgt_epi32_mask(_mm512_and_si512(q, mask), threshold);
  __m512i r = _mm512_mask_add_epi32(shifted, up, shifted, _mm512_set1_epi32(1));
  r = _mm512_max_epi32(_mm512_add_epi32(r, _mm512_set1_epi32(p.outputOffset)),
                       _mm512_set1_epi32(p.actMin));
  return _mm512_min_epi32(r, _mm512_set1_epi32(p.actMax));
}

// 16 elements (the first `k` lanes): loaded widened to int32, or one broadcast value.
inline __m512i load16(const int8_t* p, int32_t stride, __mmask16 k) {
  return stride == 0 ? _mm512_set1_epi32(*p) : _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, p));
}
inline __m512i load16(const int16_t* p, int32_t stride, __mmask16 k) {
  return stride == 0 ? _mm512_set1_epi32(*p)
                     : _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, p));
}
inline void store16(int8_t* out, __m512i v, __mmask16 k) {
  _mm_mask_storeu_epi8(out, k, _mm512_cvtepi32_epi8(v));
}
inline void store16(int16_t* out, __m512i v, __mmask16 k) {
  _mm256_mask_storeu_epi16(out, k, _mm512_cvtepi32_epi16(v));
}

template <typename T>
void mulRowAvx512(const MulParams& p, const void* va, int32_t strideA, const void* vb,
                  int32_t strideB, void* vout, size_t n) {
  const auto* a = static_cast<const T*>(va);
  const auto* b = static_cast<const T*>(vb);
  auto* out = static_cast<T*>(vout);
  const __mmask16 all = 0xFFFF;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    store16(out + i,
            mul16(load16(a + i * strideA, strideA, all), load16(b + i * strideB, strideB, all), p),
            all);
  }
  if (i == n) return;
  // The tail with masked loads and stores: never touches elements past the tensors.
  const auto k = static_cast<__mmask16>((1u << (n - i)) - 1u);
  store16(out + i,
          mul16(load16(a + i * strideA, strideA, k), load16(b + i * strideB, strideB, k), p), k);
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- prepare / invoke ------------------------------------------------------------------------

Status prepareWith(OpContext& ctx, MulRow row8, MulRow row16) {
  const Status s = kernels::registerMul().prepare(ctx);
  if (s != Status::kOk) return s;
  auto* d = static_cast<MulData*>(ctx.allocatePersistent(sizeof(MulData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = MulData();
  d->ref = *static_cast<const kernels::BinaryArithmeticData*>(ctx.userData());
  ctx.setUserData(d);
  const kernels::BinaryArithmeticData& r = d->ref;
  const MulRow row = r.type == TensorType::kInt8    ? row8
                     : r.type == TensorType::kInt16 ? row16
                                                    : nullptr;
  if (row == nullptr) return Status::kOk;
  MulParams& p = d->params;
  p.offset1 = r.input1Offset;
  p.offset2 = r.input2Offset;
  p.outputOffset = r.outputOffset;
  p.multiplier = r.multiplier;
  p.leftShift = r.shift > 0 ? r.shift : 0;
  p.rightShift = r.shift > 0 ? 0 : -r.shift;
  p.roundMask = static_cast<int32_t>((int64_t{1} << p.rightShift) - 1);
  p.actMin = r.actMin;
  p.actMax = r.actMax;
  d->loops = mergeLoops(r.layout);
  // The inner run must be contiguous or one broadcast value in both inputs.
  const MulLoops& l = d->loops;
  const int32_t inner = l.rank - 1;
  if (l.strides1[inner] > 1 || l.strides2[inner] > 1) return Status::kOk;
  d->row = row;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  MulRow row8 = nullptr, row16 = nullptr;
  if (kIsa == static_cast<uint8_t>(Isa::kAvx512Vnni)) {
    row8 = mulRowAvx512<int8_t>;
    row16 = mulRowAvx512<int16_t>;
  } else if (kIsa != static_cast<uint8_t>(Isa::kReference)) {
    row8 = mulRowAvx2<int8_t>;
    row16 = mulRowAvx2<int16_t>;
  }
  return prepareWith(ctx, row8, row16);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MulData*>(ctx.userData());
  if (d->row == nullptr) {
    kernels::registerMul().invoke(ctx);
    return;
  }
  const MulLoops& l = d->loops;
  const size_t size = d->ref.type == TensorType::kInt16 ? sizeof(int16_t) : sizeof(int8_t);
  const auto* a = ctx.inputData<uint8_t>(0);
  const auto* b = ctx.inputData<uint8_t>(1);
  auto* out = ctx.outputData<uint8_t>(0);
  const int32_t inner = l.rank - 1;
  const auto n = static_cast<size_t>(l.dims[inner]);
  // Odometer over the outer loops; offsets kept incrementally.
  int32_t idx[kMaxDims] = {};
  size_t offA = 0, offB = 0;
  for (;;) {
    d->row(d->params, a + offA * size, l.strides1[inner], b + offB * size, l.strides2[inner], out,
           n);
    out += n * size;
    int32_t dim = inner - 1;
    for (; dim >= 0; --dim) {
      offA += static_cast<size_t>(l.strides1[dim]);
      offB += static_cast<size_t>(l.strides2[dim]);
      if (++idx[dim] < l.dims[dim]) break;
      offA -= static_cast<size_t>(l.strides1[dim]) * static_cast<size_t>(l.dims[dim]);
      offB -= static_cast<size_t>(l.strides2[dim]) * static_cast<size_t>(l.dims[dim]);
      idx[dim] = 0;
    }
    if (dim < 0) return;
  }
}

}  // namespace

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

OpRegistration registerMul(Isa isa) {
  OpRegistration r = kernels::registerMul();
  r.init = nullptr;
  r.invoke = invoke;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
