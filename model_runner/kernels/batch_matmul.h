// BATCH_MATMUL: out[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n] over ranks 2-5 with
// broadcast batch dimensions and optional transposed (adjoint) operands; float32, int8 or int16
// (zero points 0) with per-tensor quantization, like TFLite Micro's reference kernel.
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct BatchMatmulParams {
  // Both operands extended to rank 5: three batch dimensions, then the matrix.
  int32_t lhsBatch[3] = {1, 1, 1}, rhsBatch[3] = {1, 1, 1}, outBatch[3] = {1, 1, 1};
  int32_t rows = 0, cols = 0, depth = 0;  // m, n, k
  bool adjX = false, adjY = false;
  int32_t lhsOffset = 0, rhsOffset = 0, outputOffset = 0;  // -zero points; output zero point
  int32_t multiplier = 0, shift = 0;
};

namespace reference {

// Calls body(lhsMatrix, rhsMatrix, outMatrix) for every output batch, with element offsets.
template <typename Body>
void forEachBatch(const BatchMatmulParams& p, Body body) {
  const int32_t lhsSize = p.rows * p.depth, rhsSize = p.depth * p.cols, outSize = p.rows * p.cols;
  for (int32_t b0 = 0; b0 < p.outBatch[0]; ++b0) {
    for (int32_t b1 = 0; b1 < p.outBatch[1]; ++b1) {
      for (int32_t b2 = 0; b2 < p.outBatch[2]; ++b2) {
        const int32_t l =
            ((p.lhsBatch[0] == 1 ? 0 : b0) * p.lhsBatch[1] + (p.lhsBatch[1] == 1 ? 0 : b1)) *
                p.lhsBatch[2] +
            (p.lhsBatch[2] == 1 ? 0 : b2);
        const int32_t r =
            ((p.rhsBatch[0] == 1 ? 0 : b0) * p.rhsBatch[1] + (p.rhsBatch[1] == 1 ? 0 : b1)) *
                p.rhsBatch[2] +
            (p.rhsBatch[2] == 1 ? 0 : b2);
        const int32_t o = (b0 * p.outBatch[1] + b1) * p.outBatch[2] + b2;
        body(l * lhsSize, r * rhsSize, o * outSize);
      }
    }
  }
}

// Element (m, k) of a batch's lhs and (k, n) of its rhs, honouring the adjoint flags.
inline int32_t lhsIndex(const BatchMatmulParams& p, int32_t m, int32_t k) {
  return p.adjX ? k * p.rows + m : m * p.depth + k;
}
inline int32_t rhsIndex(const BatchMatmulParams& p, int32_t k, int32_t n) {
  return p.adjY ? n * p.depth + k : k * p.cols + n;
}

// The matrix products of every batch: sums step(sum, l, r) over k from `zero`, then writes
// finish(sum).
template <typename T, typename Sum, typename Step, typename Finish>
void matmulBatches(const BatchMatmulParams& p, const T* lhs, const T* rhs, T* out, Sum zero,
                   Step step, Finish finish) {
  forEachBatch(p, [&](int32_t l, int32_t r, int32_t o) {
    for (int32_t m = 0; m < p.rows; ++m) {
      for (int32_t n = 0; n < p.cols; ++n) {
        Sum total = zero;
        for (int32_t k = 0; k < p.depth; ++k)
          total = step(total, lhs[l + lhsIndex(p, m, k)], rhs[r + rhsIndex(p, k, n)]);
        out[o + m * p.cols + n] = finish(total);
      }
    }
  });
}

inline void batchMatmul(const BatchMatmulParams& p, const float* lhs, const float* rhs,
                        float* out) {
  matmulBatches(
      p, lhs, rhs, out, 0.0f, [](float sum, float a, float b) { return sum + a * b; },
      [](float sum) { return sum; });
}

inline void batchMatmul(const BatchMatmulParams& p, const int8_t* lhs, const int8_t* rhs,
                        int8_t* out) {
  matmulBatches(
      p, lhs, rhs, out, int32_t{0},
      [&p](int32_t sum, int8_t a, int8_t b) {
        return quant::wrappingAdd(sum, (a + p.lhsOffset) * (b + p.rhsOffset));
      },
      [&p](int32_t sum) {
        const int32_t v =
            quant::multiplyByQuantizedMultiplier(sum, p.multiplier, p.shift) + p.outputOffset;
        return static_cast<int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
      });
}

inline void batchMatmul(const BatchMatmulParams& p, const int16_t* lhs, const int16_t* rhs,
                        int16_t* out) {
  // Zero points are 0 for int16 (checked in prepare); sums in 64 bits.
  matmulBatches(
      p, lhs, rhs, out, int64_t{0},
      [](int64_t sum, int16_t a, int16_t b) { return sum + static_cast<int64_t>(a) * b; },
      [&p](int64_t sum) {
        const int32_t v = quant::multiplyByQuantizedMultiplier64(sum, p.multiplier, p.shift);
        return static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
      });
}

}  // namespace reference

OpRegistration registerBatchMatmul();

}  // namespace tinyscope::runner::kernels
