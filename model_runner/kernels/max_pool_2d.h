// MAX_POOL_2D, int8 and int16: the largest in-image value of each window (padding never wins),
// clamped to the fused activation range, like TFLite Micro's reference kernel. Input and
// output share one quantization (TFLM refuses a model where they differ).
#pragma once

#include <cstdint>
#include <limits>

#include "model_runner/kernels/average_pool_2d.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

namespace reference {

template <typename T>
void maxPool(const PoolParams& p, const Shape4& in, const T* input, const Shape4& out, T* output) {
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t oy = 0; oy < out.h; ++oy) {
      const int32_t inYOrigin = oy * p.strideH - p.padH;
      const int32_t fyStart = inYOrigin < 0 ? -inYOrigin : 0;
      const int32_t fyEnd = p.filterH < in.h - inYOrigin ? p.filterH : in.h - inYOrigin;
      for (int32_t ox = 0; ox < out.w; ++ox) {
        const int32_t inXOrigin = ox * p.strideW - p.padW;
        const int32_t fxStart = inXOrigin < 0 ? -inXOrigin : 0;
        const int32_t fxEnd = p.filterW < in.w - inXOrigin ? p.filterW : in.w - inXOrigin;
        T* o = output + ((b * out.h + oy) * out.w + ox) * out.c;
        for (int32_t c = 0; c < out.c; ++c) {
          int32_t best = std::numeric_limits<T>::lowest();
          for (int32_t fy = fyStart; fy < fyEnd; ++fy) {
            const T* row = input + ((b * in.h + inYOrigin + fy) * in.w + inXOrigin) * in.c + c;
            for (int32_t fx = fxStart; fx < fxEnd; ++fx) {
              const int32_t v = row[fx * in.c];
              best = v > best ? v : best;
            }
          }
          best = best < p.actMin ? p.actMin : (best > p.actMax ? p.actMax : best);
          o[c] = static_cast<T>(best);
        }
      }
    }
  }
}

}  // namespace reference

OpRegistration registerMaxPool2d();

}  // namespace tinyscope::runner::kernels
