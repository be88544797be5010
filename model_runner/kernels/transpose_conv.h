// TRANSPOSE_CONV (a conv's gradient: each input pixel scatters a filter window into the
// output): int8 with per-channel filter scales and an optional int32 bias, int16 data with
// int8 filters and an int64 or int16 bias (zero points not applied), or float32 throughout
// (float filter and bias), like TFLite Micro's reference kernels. Input 0 (the output shape) is not
// read: the output tensor's shape is used.
#pragma once

#include <cstdint>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct TransposeConvParams {
  int32_t strideW = 1, strideH = 1;
  int32_t padW = 0, padH = 0;
  int32_t inputOffset = 0, outputOffset = 0;
  int32_t actMin = -128, actMax = 127;
};

namespace reference {

inline int32_t accumulate(int32_t sum, int32_t x) {
  return quant::wrappingAdd(sum, x);
}
inline int64_t accumulate(int64_t sum, int64_t x) {
  return static_cast<int64_t>(static_cast<uint64_t>(sum) + static_cast<uint64_t>(x));
}
inline int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  return quant::multiplyByQuantizedMultiplier(acc, multiplier, shift);
}
inline int32_t requantize(int64_t acc, int32_t multiplier, int32_t shift) {
  return quant::multiplyByQuantizedMultiplier64(acc, multiplier, shift);
}

// The scatter both kernels share: every input pixel adds `step(sum, x, w)` over the input
// channels into the accumulator of each output pixel its filter window covers, in TFLM's order
// (input pixel, then input channel). `sums` (output.flatSize() entries) must start at zero.
template <typename In, typename W, typename Acc, typename Step>
void transposeConvScatter(const TransposeConvParams& p, const Shape4& in, const In* input,
                          const Shape4& f, const W* filter, const Shape4& out, Acc* sums,
                          Step step) {
  for (int32_t b = 0; b < in.n; ++b) {
    for (int32_t iy = 0; iy < in.h; ++iy) {
      for (int32_t ix = 0; ix < in.w; ++ix) {
        const In* px = input + ((b * in.h + iy) * in.w + ix) * in.c;
        const int32_t oy0 = iy * p.strideH - p.padH;
        const int32_t ox0 = ix * p.strideW - p.padW;
        for (int32_t fy = 0; fy < f.h; ++fy) {
          const int32_t oy = oy0 + fy;
          if (oy < 0 || oy >= out.h) continue;
          for (int32_t fx = 0; fx < f.w; ++fx) {
            const int32_t ox = ox0 + fx;
            if (ox < 0 || ox >= out.w) continue;
            Acc* acc = sums + ((b * out.h + oy) * out.w + ox) * out.c;
            for (int32_t oc = 0; oc < out.c; ++oc) {
              const W* w = filter + ((oc * f.h + fy) * f.w + fx) * f.c;
              Acc sum = acc[oc];
              for (int32_t ic = 0; ic < in.c; ++ic) sum = step(sum, px[ic], w[ic]);
              acc[oc] = sum;
            }
          }
        }
      }
    }
  }
}

// `sums` holds output.flatSize() accumulators (int32 for int8 data, int64 for int16 data).
// Filter layout: [out_c][h][w][in_c]. Bias: int32 for int8 data, int64 or int16 for int16.
template <typename In, typename Acc, typename Bias>
void transposeConvPerChannel(const TransposeConvParams& p, const int32_t* multipliers,
                             const int32_t* shifts, const Shape4& in, const In* input,
                             const Shape4& f, const int8_t* filter, const Bias* bias,
                             const Shape4& out, In* output, Acc* sums) {
  const int32_t total = out.flatSize();
  for (int32_t i = 0; i < total; ++i) sums[i] = 0;
  transposeConvScatter(p, in, input, f, filter, out, sums, [&p](Acc sum, In x, int8_t w) {
    return accumulate(sum, static_cast<Acc>((x + p.inputOffset) * w));
  });
  for (int32_t i = 0; i < total; ++i) {
    const int32_t oc = i % out.c;
    Acc acc = sums[i];
    if (bias != nullptr) acc = accumulate(acc, static_cast<Acc>(bias[oc]));
    int32_t v = requantize(acc, multipliers[oc], shifts[oc]) + p.outputOffset;
    v = v < p.actMin ? p.actMin : (v > p.actMax ? p.actMax : v);
    output[i] = static_cast<In>(v);
  }
}

// float32: every product rounded to float and added to its output element (TFLM's order), then
// the bias, then the fused activation clamp [actMin, actMax].
inline void transposeConvFloat(const TransposeConvParams& p, float actMin, float actMax,
                               const Shape4& in, const float* input, const Shape4& f,
                               const float* filter, const float* bias, const Shape4& out,
                               float* output) {
  const int32_t total = out.flatSize();
  for (int32_t i = 0; i < total; ++i) output[i] = 0.0f;
  transposeConvScatter(p, in, input, f, filter, out, output, [](float sum, float x, float w) {
    const float product = x * w;
    return sum + product;
  });
  for (int32_t i = 0; i < total; ++i) {
    float v = output[i];
    if (bias != nullptr) v += bias[i % out.c];
    output[i] = clampActivation(v, actMin, actMax);
  }
}

}  // namespace reference

OpRegistration registerTransposeConv();

}  // namespace tinyscope::runner::kernels
