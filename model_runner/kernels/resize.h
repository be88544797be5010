// RESIZE_NEAREST_NEIGHBOR (float32, int8, int16) and RESIZE_BILINEAR (float32, int8) of NHWC
// tensors to the constant int32 `size` (output height, output width), bit-exact with TFLite Micro's
// reference kernels:
//  - nearest: source index = min(floor((i + offset) * scale), in - 1) in float32, or
//    round-half-away for align_corners; offset 0.5 with half_pixel_centers (then also >= 0);
//    scale = in / out, or (in - 1) / (out - 1) with align_corners and out > 1.
//  - bilinear int8: TFLM's integer variant (scales in 1/1024 steps rounded to nearest, 20-bit
//    weights, rounding half away from zero); float32: its float formula.
// The output must be [batch, size[0], size[1], channels] of the input's type (quantization is
// carried over: values are not requantized). half_pixel_centers with align_corners is refused
// for bilinear, as TFLM does. Memory: a few words of op data.
#pragma once

#include <cstdint>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct ResizeParams {
  Shape4 input, output;
  bool alignCorners = false;
  bool halfPixelCenters = false;
};

namespace reference {

inline int32_t nearestSource(int32_t i, int32_t in, int32_t out, bool alignCorners,
                             bool halfPixelCenters) {
  const float scale = (alignCorners && out > 1)
                          ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                          : static_cast<float>(in) / static_cast<float>(out);
  const float offset = halfPixelCenters ? 0.5f : 0.0f;
  const float at = (static_cast<float>(i) + offset) * scale;  // >= 0
  int32_t s =
      alignCorners ? static_cast<int32_t>(quant::roundHalfAway(at)) : static_cast<int32_t>(at);
  s = s < in - 1 ? s : in - 1;
  return s < 0 ? 0 : s;
}

template <typename T>
void resizeNearest(const ResizeParams& p, const T* input, T* output) {
  const Shape4& in = p.input;
  const Shape4& out = p.output;
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t y = 0; y < out.h; ++y) {
      const int32_t iy = nearestSource(y, in.h, out.h, p.alignCorners, p.halfPixelCenters);
      for (int32_t x = 0; x < out.w; ++x) {
        const int32_t ix = nearestSource(x, in.w, out.w, p.alignCorners, p.halfPixelCenters);
        const T* src = input + ((b * in.h + iy) * in.w + ix) * in.c;
        for (int32_t c = 0; c < in.c; ++c) *output++ = src[c];
      }
    }
  }
}

// Scale of in/out in 1/1024 steps, rounded to nearest.
inline int32_t bilinearScale10(int32_t in, int32_t out, bool alignCorners) {
  if (alignCorners && out > 1) return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((1 << 10) * in + out / 2) / out;
}

// Source position in 1/1024 steps and the two source indices around it.
inline void bilinearSource(int32_t i, int32_t scale10, bool halfPixelCenters, int32_t in,
                           int32_t* at10, int32_t* lo, int32_t* hi) {
  *at10 = halfPixelCenters ? i * scale10 + scale10 / 2 - (1 << 9) : i * scale10;
  const int32_t l = *at10 / (1 << 10);
  const int32_t h = (*at10 + (1 << 10) - 1) / (1 << 10);
  *lo = l > 0 ? l : 0;
  *hi = h < in - 1 ? h : in - 1;
}

inline void resizeBilinearInt8(const ResizeParams& p, const int8_t* input, int8_t* output) {
  const Shape4& in = p.input;
  const Shape4& out = p.output;
  const int32_t scaleY = bilinearScale10(in.h, out.h, p.alignCorners);
  const int32_t scaleX = bilinearScale10(in.w, out.w, p.alignCorners);
  auto at = [&](int32_t b, int32_t y, int32_t x, int32_t c) -> int64_t {
    return input[((b * in.h + y) * in.w + x) * in.c + c];
  };
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t y = 0; y < out.h; ++y) {
      int32_t sy, y0, y1;
      bilinearSource(y, scaleY, p.halfPixelCenters, in.h, &sy, &y0, &y1);
      const int64_t wy1 = sy - (1 << 10) * y0, wy0 = (1 << 10) - wy1;
      for (int32_t x = 0; x < out.w; ++x) {
        int32_t sx, x0, x1;
        bilinearSource(x, scaleX, p.halfPixelCenters, in.w, &sx, &x0, &x1);
        const int64_t wx1 = sx - (1 << 10) * x0, wx0 = (1 << 10) - wx1;
        for (int32_t c = 0; c < in.c; ++c) {
          const int64_t v = at(b, y0, x0, c) * wy0 * wx0 + at(b, y1, x0, c) * wy1 * wx0 +
                            at(b, y0, x1, c) * wy0 * wx1 + at(b, y1, x1, c) * wy1 * wx1;
          const int64_t round = v > 0 ? (1 << 19) : -(1 << 19);
          *output++ = static_cast<int8_t>((v + round) / (1 << 20));
        }
      }
    }
  }
}

inline void resizeBilinearFloat(const ResizeParams& p, const float* input, float* output) {
  const Shape4& in = p.input;
  const Shape4& out = p.output;
  float scaleY = static_cast<float>(in.h) / static_cast<float>(out.h);
  float scaleX = static_cast<float>(in.w) / static_cast<float>(out.w);
  if (p.alignCorners && out.h > 1)
    scaleY = static_cast<float>(in.h - 1) / static_cast<float>(out.h - 1);
  if (p.alignCorners && out.w > 1)
    scaleX = static_cast<float>(in.w - 1) / static_cast<float>(out.w - 1);
  // floor/ceil of the source position, clamped to the image, as the reference.
  auto source = [&](int32_t i, float scale, int32_t size, float* pos, int32_t* lo, int32_t* hi) {
    *pos = p.halfPixelCenters ? (static_cast<float>(i) + 0.5f) * scale - 0.5f
                              : static_cast<float>(i) * scale;
    int32_t fl = static_cast<int32_t>(*pos);
    if (static_cast<float>(fl) > *pos) --fl;  // floor for negatives
    const int32_t ce = static_cast<float>(fl) == *pos ? fl : fl + 1;
    *lo = fl > 0 ? fl : 0;
    *hi = ce < size - 1 ? ce : size - 1;
  };
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t y = 0; y < out.h; ++y) {
      float iy;
      int32_t y0, y1;
      source(y, scaleY, in.h, &iy, &y0, &y1);
      for (int32_t x = 0; x < out.w; ++x) {
        float ix;
        int32_t x0, x1;
        source(x, scaleX, in.w, &ix, &x0, &x1);
        const float dy = iy - static_cast<float>(y0), dx = ix - static_cast<float>(x0);
        for (int32_t c = 0; c < in.c; ++c) {
          auto v = [&](int32_t yy, int32_t xx) {
            return input[((b * in.h + yy) * in.w + xx) * in.c + c];
          };
          *output++ = v(y0, x0) * (1 - dy) * (1 - dx) + v(y1, x0) * dy * (1 - dx) +
                      v(y0, x1) * (1 - dy) * dx + v(y1, x1) * dy * dx + 0.0f;
        }
      }
    }
  }
}

}  // namespace reference

OpRegistration registerResizeNearestNeighbor();
OpRegistration registerResizeBilinear();

}  // namespace tinyscope::runner::kernels
