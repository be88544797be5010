// TRANSPOSE, optimized: the same element moves as the reference, planned as loops. Output
// dimensions of one are dropped and neighbours the input walks contiguously are merged, so a
// permutation becomes either row copies (the innermost output dimension is contiguous in the
// input: one memcpy per row) or a 2-D transposition of the output dimension the input holds
// contiguously against the innermost one, done in tiles that read 16 input elements per row
// (innermost output lengths of 1 to 4, like NCHW -> NHWC of an RGB image, fully unrolled).
// Every element size of 1, 2 or 4 bytes; nothing is kept but the reference's op data.
#include "model_runner/kernels/transpose.h"

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

// The same for any number of columns, in tiles of 16 rows: each column's 16 input elements
// are read together.
template <typename T>
void transposeBlock(const T* in, T* out, size_t rows, size_t cols, size_t inStride,
                    size_t outStride) {
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
      transposeBlock(in, out, l.dims[k], l.dims[last], l.inStrides[last], l.outStrides[k]);
    }
    return;
  }
  if (d == l.contiguous) return walk(l, d + 1, in, out);
  for (size_t i = 0; i < l.dims[d]; ++i)
    walk(l, d + 1, in + i * l.inStrides[d], out + i * l.outStrides[d]);
}

template <typename T>
void transpose(const kernels::TransposeParams& p, const T* in, T* out) {
  for (int32_t d = 0; d < p.rank; ++d) {
    if (p.outDims[d] == 0) return;
  }
  const TransposeLoops l = mergeLoops(p);
  if (l.rank == 0) {
    out[0] = in[0];
  } else if (l.contiguous < 0) {  // not reached: some input dimension has stride 1
    kernels::reference::transpose(p, in, out);
  } else {
    walk(l, 0, in, out);
  }
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const kernels::TransposeOpData*>(ctx.userData());
  switch (d->elementSize) {
    case 1:
      transpose(d->params, ctx.inputData<uint8_t>(0), ctx.outputData<uint8_t>(0));
      break;
    case 2:
      transpose(d->params, ctx.inputData<uint16_t>(0), ctx.outputData<uint16_t>(0));
      break;
    default:
      transpose(d->params, ctx.inputData<uint32_t>(0), ctx.outputData<uint32_t>(0));
      break;
  }
}

}  // namespace

OpRegistration registerTranspose() {
  return withInvoke(kernels::registerTranspose(), invoke);
}

}  // namespace tinyscope::runner::optimized
