// TRANSPOSE, optimized: the same element moves as the reference, planned as loops. Output
// dimensions of one are dropped and neighbours the input walks contiguously are merged, so a
// permutation becomes either row copies (the innermost output dimension is contiguous in the
// input: one memcpy per row) or a 2-D transposition of the output dimension the input holds
// contiguously against the innermost one, done in tiles that read 16 input elements per row
// (innermost output lengths of 1 to 4 fully unrolled; three bytes, like NCHW -> NHWC of an
// RGB image, interleaved 16 rows at a time with PSHUFB when an instruction set is registered).
// Every element size of 1, 2 or 4 bytes; nothing is kept but the reference's op data.
#include "model_runner/kernels/transpose.h"

#include <immintrin.h>

#include <cstring>

#include "model_runner/op_context.h"
#include "model_runner/optimized/optimized_registrations.h"

namespace tinyscope::runner::optimized {

namespace {

// The permutation as loops over the output, outermost first (elements).
struct TransposeLoops {
  int32_t rank = 0;
  size_t dims[kMaxDims] = {};
  size_t inStrides[kMaxDims] = {};
  size_t outStrides[kMaxDims] = {};
  int32_t contiguous = -1;  // the loop whose input stride is 1 (-1: a single element)
  bool ssse3 = false;       // transposeBytes3 may run (the CPU has SSSE3)
};

TransposeLoops mergeLoops(const kernels::TransposeParams& p) {
  // Built innermost first, reversed at the end.
  size_t dims[kMaxDims], strides[kMaxDims];
  int32_t n = 0;
  for (int32_t d = p.rank - 1; d >= 0; --d) {
    const auto size = static_cast<size_t>(p.outDims[d]);
    if (size == 1) continue;
    if (n > 0 && p.inStrides[d] == strides[n - 1] * dims[n - 1]) {
      dims[n - 1] *= size;
      continue;
    }
    dims[n] = size;
    strides[n] = p.inStrides[d];
    ++n;
  }
  TransposeLoops l;
  l.rank = n;
  size_t outStride = 1;
  for (int32_t k = 0; k < n; ++k) {
    const int32_t d = n - 1 - k;
    l.dims[d] = dims[k];
    l.inStrides[d] = strides[k];
    l.outStrides[d] = outStride;
    outStride *= dims[k];
    if (strides[k] == 1) l.contiguous = d;
  }
  return l;
}

// out[a * outStride + b] = in[a + b * inStride] for a < rows, b < kCols.
template <typename T, int kCols>
void transposeNarrow(const T* in, T* out, size_t rows, size_t inStride, size_t outStride) {
  for (size_t a = 0; a < rows; ++a, out += outStride) {
    for (int b = 0; b < kCols; ++b) out[b] = in[a + static_cast<size_t>(b) * inStride];
  }
}

// Byte i of output vector k (of 3) for three interleaved byte columns: the row of column `col`
// it takes, or 0x80 (PSHUFB: zero) when the byte belongs to another column.
constexpr char interleave3(int k, int i, int col) {
  return (16 * k + i) % 3 == col ? static_cast<char>((16 * k + i) / 3) : static_cast<char>(0x80);
}

__attribute__((target("ssse3"))) inline __m128i pick3(__m128i x, __m128i y, __m128i z, __m128i mx,
                                                      __m128i my, __m128i mz) {
  return _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(x, mx), _mm_shuffle_epi8(y, my)),
                      _mm_shuffle_epi8(z, mz));
}

// One byte of each of three columns for 16 rows at a time, interleaved with PSHUFB (9 shuffles
// per 48 output bytes); the rest of the rows in the scalar loop.
__attribute__((target("ssse3"))) void transposeBytes3(const uint8_t* in, uint8_t* out, size_t rows,
                                                      size_t inStride) {
#define TS_MASK(k, col)                                                                    \
  _mm_setr_epi8(interleave3(k, 0, col), interleave3(k, 1, col), interleave3(k, 2, col),    \
                interleave3(k, 3, col), interleave3(k, 4, col), interleave3(k, 5, col),    \
                interleave3(k, 6, col), interleave3(k, 7, col), interleave3(k, 8, col),    \
                interleave3(k, 9, col), interleave3(k, 10, col), interleave3(k, 11, col),  \
                interleave3(k, 12, col), interleave3(k, 13, col), interleave3(k, 14, col), \
                interleave3(k, 15, col))
  const __m128i m00 = TS_MASK(0, 0), m01 = TS_MASK(0, 1), m02 = TS_MASK(0, 2);
  const __m128i m10 = TS_MASK(1, 0), m11 = TS_MASK(1, 1), m12 = TS_MASK(1, 2);
  const __m128i m20 = TS_MASK(2, 0), m21 = TS_MASK(2, 1), m22 = TS_MASK(2, 2);
#undef TS_MASK
  const uint8_t* c0 = in;
  const uint8_t* c1 = in + inStride;
  const uint8_t* c2 = in + 2 * inStride;
  size_t a = 0;
  for (; a + 16 <= rows; a += 16, out += 48) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c0 + a));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c1 + a));
    const __m128i z = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c2 + a));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), pick3(x, y, z, m00, m01, m02));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), pick3(x, y, z, m10, m11, m12));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32), pick3(x, y, z, m20, m21, m22));
  }
  for (; a < rows; ++a, out += 3) {
    out[0] = c0[a];
    out[1] = c1[a];
    out[2] = c2[a];
  }
}

// The same for any number of columns, in tiles of 16 rows: each column's 16 input elements
// are read together.
template <typename T>
void transposeBlock(const T* in, T* out, size_t rows, size_t cols, size_t inStride,
                    size_t outStride, bool ssse3) {
  if (sizeof(T) == 1 && cols == 3 && outStride == 3 && ssse3) {
    return transposeBytes3(reinterpret_cast<const uint8_t*>(in), reinterpret_cast<uint8_t*>(out),
                           rows, inStride);
  }
  switch (cols) {
    case 1:
      return transposeNarrow<T, 1>(in, out, rows, inStride, outStride);
    case 2:
      return transposeNarrow<T, 2>(in, out, rows, inStride, outStride);
    case 3:
      return transposeNarrow<T, 3>(in, out, rows, inStride, outStride);
    case 4:
      return transposeNarrow<T, 4>(in, out, rows, inStride, outStride);
    default:
      break;
  }
  constexpr size_t kTile = 16;
  for (size_t a0 = 0; a0 < rows; a0 += kTile) {
    const size_t a1 = a0 + kTile < rows ? a0 + kTile : rows;
    for (size_t b = 0; b < cols; ++b) {
      const T* src = in + b * inStride;
      for (size_t a = a0; a < a1; ++a) out[a * outStride + b] = src[a];
    }
  }
}

// Loops d.. of `l` from the given offsets; the contiguous loop and the innermost one are done
// by the block at the bottom.
template <typename T>
void walk(const TransposeLoops& l, int32_t d, const T* in, T* out) {
  const int32_t last = l.rank - 1;
  if (d == last) {
    if (l.contiguous == last) {
      std::memcpy(out, in, sizeof(T) * l.dims[last]);
    } else {
      const int32_t k = l.contiguous;
      transposeBlock(in, out, l.dims[k], l.dims[last], l.inStrides[last], l.outStrides[k], l.ssse3);
    }
    return;
  }
  if (d == l.contiguous) return walk(l, d + 1, in, out);
  for (size_t i = 0; i < l.dims[d]; ++i)
    walk(l, d + 1, in + i * l.inStrides[d], out + i * l.outStrides[d]);
}

template <typename T>
void transpose(const kernels::TransposeParams& p, bool ssse3, const T* in, T* out) {
  for (int32_t d = 0; d < p.rank; ++d) {
    if (p.outDims[d] == 0) return;
  }
  TransposeLoops l = mergeLoops(p);
  l.ssse3 = ssse3;
  if (l.rank == 0) {
    out[0] = in[0];
  } else if (l.contiguous < 0) {  // not reached: some input dimension has stride 1
    kernels::reference::transpose(p, in, out);
  } else {
    walk(l, 0, in, out);
  }
}

// kSimd: registered for an instruction set (every one has SSSE3).
template <bool kSimd>
void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const kernels::TransposeOpData*>(ctx.userData());
  switch (d->elementSize) {
    case 1:
      transpose(d->params, kSimd, ctx.inputData<uint8_t>(0), ctx.outputData<uint8_t>(0));
      break;
    case 2:
      transpose(d->params, kSimd, ctx.inputData<uint16_t>(0), ctx.outputData<uint16_t>(0));
      break;
    default:
      transpose(d->params, kSimd, ctx.inputData<uint32_t>(0), ctx.outputData<uint32_t>(0));
      break;
  }
}

}  // namespace

OpRegistration registerTranspose(Isa isa) {
  return withInvoke(kernels::registerTranspose(),
                    forIsa(isa, invoke<false>, invoke<true>, invoke<true>, invoke<true>));
}

}  // namespace tinyscope::runner::optimized
