// CONV_2D, int8 activations/weights, int32 bias, per-channel requantization.
// Reference math (the oracle for optimized variants) plus the kernel registration.
#pragma once

#include <cstdint>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct ConvParams {
  int32_t inputOffset = 0;   // -input zero point
  int32_t outputOffset = 0;  // output zero point
  int32_t strideW = 1, strideH = 1;
  int32_t dilationW = 1, dilationH = 1;
  int32_t padW = 0, padH = 0;
  int32_t actMin = -128, actMax = 127;
};

namespace reference {

// NHWC input, OHWI filter (I may be input depth / groups), optional bias, NHWC output.
template <typename InputT, typename FilterT, typename BiasT, typename OutputT>
void convPerChannel(const ConvParams& p, const int32_t* multipliers, const int32_t* shifts,
                    const Shape4& in, const InputT* input, const Shape4& filt,
                    const FilterT* filter, const BiasT* bias, const Shape4& out, OutputT* output) {
  const int32_t filterInputDepth = filt.c;
  const int32_t groups = in.c / filterInputDepth;
  const int32_t filtersPerGroup = out.c / groups;
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t oy = 0; oy < out.h; ++oy) {
      const int32_t inYOrigin = oy * p.strideH - p.padH;
      for (int32_t ox = 0; ox < out.w; ++ox) {
        const int32_t inXOrigin = ox * p.strideW - p.padW;
        for (int32_t oc = 0; oc < out.c; ++oc) {
          const int32_t group = oc / filtersPerGroup;
          int32_t acc = 0;
          for (int32_t fy = 0; fy < filt.h; ++fy) {
            const int32_t iy = inYOrigin + p.dilationH * fy;
            for (int32_t fx = 0; fx < filt.w; ++fx) {
              const int32_t ix = inXOrigin + p.dilationW * fx;
              if (ix < 0 || ix >= in.w || iy < 0 || iy >= in.h) continue;
              const InputT* inPtr =
                  input + ((b * in.h + iy) * in.w + ix) * in.c + group * filterInputDepth;
              const FilterT* fPtr = filter + ((oc * filt.h + fy) * filt.w + fx) * filt.c;
              for (int32_t ic = 0; ic < filterInputDepth; ++ic) {
                acc =
                    quant::wrappingAdd(acc, static_cast<int32_t>(fPtr[ic]) *
                                                (static_cast<int32_t>(inPtr[ic]) + p.inputOffset));
              }
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

}  // namespace reference

OpRegistration registerConv2d();

}  // namespace tinyscope::runner::kernels
