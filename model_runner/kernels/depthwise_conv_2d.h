// DEPTHWISE_CONV_2D, int8, per-channel requantization, depth multiplier and dilation.
#pragma once

#include <cstdint>

#include "model_runner/kernels/conv_2d.h"

namespace tinyscope::runner::kernels {

namespace reference {

// NHWC input, 1HWO filter (O = input depth * depthMultiplier), optional bias, NHWC output.
template <typename InputT, typename FilterT, typename BiasT, typename OutputT>
void depthwiseConvPerChannel(const ConvParams& p, int32_t depthMultiplier,
                             const int32_t* multipliers, const int32_t* shifts, const Shape4& in,
                             const InputT* input, const Shape4& filt, const FilterT* filter,
                             const BiasT* bias, const Shape4& out, OutputT* output) {
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t oy = 0; oy < out.h; ++oy) {
      const int32_t inYOrigin = oy * p.strideH - p.padH;
      for (int32_t ox = 0; ox < out.w; ++ox) {
        const int32_t inXOrigin = ox * p.strideW - p.padW;
        for (int32_t ic = 0; ic < in.c; ++ic) {
          for (int32_t m = 0; m < depthMultiplier; ++m) {
            const int32_t oc = m + ic * depthMultiplier;
            int32_t acc = 0;
            for (int32_t fy = 0; fy < filt.h; ++fy) {
              const int32_t iy = inYOrigin + p.dilationH * fy;
              for (int32_t fx = 0; fx < filt.w; ++fx) {
                const int32_t ix = inXOrigin + p.dilationW * fx;
                if (ix < 0 || ix >= in.w || iy < 0 || iy >= in.h) continue;
                const int32_t iv = input[((b * in.h + iy) * in.w + ix) * in.c + ic];
                const int32_t fv = filter[(fy * filt.w + fx) * filt.c + oc];
                acc = quant::wrappingAdd(acc, fv * (iv + p.inputOffset));
              }
            }
            if (bias != nullptr) acc = quant::wrappingAdd(acc, static_cast<int32_t>(bias[oc]));
            acc = quant::multiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc]);
            acc = quant::wrappingAdd(acc, p.outputOffset);
            acc = acc < p.actMin ? p.actMin : (acc > p.actMax ? p.actMax : acc);
            output[((b * out.h + oy) * out.w + ox) * out.c + oc] = static_cast<OutputT>(acc);
          }
        }
      }
    }
  }
}

}  // namespace reference

OpRegistration registerDepthwiseConv2d();

}  // namespace tinyscope::runner::kernels
