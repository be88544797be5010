// AVERAGE_POOL_2D, int8. Averages only the in-image part of each window, rounding half away
// from zero, like the TFLite reference kernel.
#pragma once

#include <cstdint>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct PoolParams {
  int32_t strideW = 1, strideH = 1;
  int32_t filterW = 1, filterH = 1;
  int32_t padW = 0, padH = 0;
  int32_t actMin = -128, actMax = 127;
};

// The checks and parameters every 2D pooling kernel shares (AVERAGE_POOL_2D, MAX_POOL_2D):
// Pool2DOptions (padding, strides and filter within bounds), rank-4 input and output of one
// batch and channel count, output height/width as TFLite computes them, padding, and the
// fused activation range in [qmin, qmax] (not for a float32 output: the caller forms its float
// range). Records the failure on ctx.
Status preparePoolWindow(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                         int32_t qmin, int32_t qmax, PoolParams* params, Shape4* inShape,
                         Shape4* outShape);

namespace reference {

template <typename T>
void averagePool(const PoolParams& p, const Shape4& in, const T* input, const Shape4& out,
                 T* output) {
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t oy = 0; oy < out.h; ++oy) {
      for (int32_t ox = 0; ox < out.w; ++ox) {
        for (int32_t c = 0; c < out.c; ++c) {
          const int32_t inXOrigin = ox * p.strideW - p.padW;
          const int32_t inYOrigin = oy * p.strideH - p.padH;
          const int32_t fxStart = inXOrigin < 0 ? -inXOrigin : 0;
          const int32_t fxEnd = p.filterW < in.w - inXOrigin ? p.filterW : in.w - inXOrigin;
          const int32_t fyStart = inYOrigin < 0 ? -inYOrigin : 0;
          const int32_t fyEnd = p.filterH < in.h - inYOrigin ? p.filterH : in.h - inYOrigin;
          int32_t acc = 0;
          int32_t count = 0;
          for (int32_t fy = fyStart; fy < fyEnd; ++fy) {
            for (int32_t fx = fxStart; fx < fxEnd; ++fx) {
              const int32_t ix = inXOrigin + fx;
              const int32_t iy = inYOrigin + fy;
              acc = quant::wrappingAdd(acc, input[((b * in.h + iy) * in.w + ix) * in.c + c]);
              ++count;
            }
          }
          if (count == 0) count = 1;  // unreachable for shapes accepted by prepare
          acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          acc = acc < p.actMin ? p.actMin : (acc > p.actMax ? p.actMax : acc);
          output[((b * out.h + oy) * out.w + ox) * out.c + c] = static_cast<T>(acc);
        }
      }
    }
  }
}

}  // namespace reference

OpRegistration registerAveragePool2d();

}  // namespace tinyscope::runner::kernels
