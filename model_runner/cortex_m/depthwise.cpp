// DEPTHWISE_CONV_2D math with SMLABB/SMLATT/SMLATB on SXTB16-widened int8.
#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/dsp.h"

namespace tinyscope::runner::cortex_m {

namespace {

using kernels::ConvParams;
using kernels::Shape4;

// First tap index in [0, taps) whose position origin + t * dilation is >= 0, and one past the
// last one < size.
inline int32_t firstTap(int32_t origin, int32_t dilation) {
  return origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
}
inline int32_t endTap(int32_t origin, int32_t dilation, int32_t size, int32_t taps) {
  if (origin >= size) return 0;
  const int32_t n = (size - origin + dilation - 1) / dilation;
  return n < taps ? n : taps;
}

struct Acc4 {
  int32_t a0, a1, a2, a3;
};

// 4 channels (c..c+3, channel multiplier 1) of one tap: input and weight words widened, the
// input offset folded into the input halves.
__attribute__((always_inline)) inline void tap4(const int8_t* src, const int8_t* w, int32_t offsets,
                                                Acc4& acc) {
  const int32_t v = dsp::read32(src);
  const int32_t f = dsp::read32(w);
  const int32_t x02 = dsp::sxtab16(offsets, v), x13 = dsp::sxtab16Ror8(offsets, v);
  const int32_t f02 = dsp::sxtb16(f), f13 = dsp::sxtb16Ror8(f);
  acc.a0 = dsp::smlabb(x02, f02, acc.a0);
  acc.a2 = dsp::smlatt(x02, f02, acc.a2);
  acc.a1 = dsp::smlabb(x13, f13, acc.a1);
  acc.a3 = dsp::smlatt(x13, f13, acc.a3);
}

__attribute__((always_inline)) inline int32_t biasAt(const int32_t* bias, int32_t c) {
  return bias != nullptr ? bias[c] : 0;
}

// Requantizes n accumulators of consecutive output channels into dst (the paths no core model
// takes share this one copy of the output stage; the 4-channel path inlines its own).
__attribute__((noinline, cold)) void finishChannels(const int32_t* acc, int32_t n,
                                                    const int32_t* multipliers,
                                                    const int32_t* shifts,
                                                    const dsp::OutputStage& os, int8_t* dst) {
  for (int32_t i = 0; i < n; ++i) dst[i] = dsp::finish(acc[i], multipliers[i], shifts[i], os);
}

}  // namespace

void depthwiseConvPerChannel(const ConvParams& p, int32_t depthMultiplier,
                             const int32_t* multipliers, const int32_t* shifts, const Shape4& in,
                             const int8_t* input, const Shape4& filt, const int8_t* filter,
                             const int32_t* bias, const Shape4& out, int8_t* output) {
  const dsp::OutputStage os = dsp::outputStage(p.outputOffset, p.actMin, p.actMax);
  const int32_t offsets = dsp::pair16(p.inputOffset);
  const int32_t inC = in.c;
  const int32_t outC = out.c;
  const int32_t rowStride = in.w * inC;
  const bool kernel3x3 = filt.h == 3 && filt.w == 3 && p.dilationH == 1 && p.dilationW == 1;
  const int32_t stepX = p.dilationW * inC, stepY = p.dilationH * rowStride;
  const int32_t filterStepY = filt.w * outC;
  for (int32_t b = 0; b < out.n; ++b) {
    const int8_t* image = input + b * in.h * rowStride;
    for (int32_t oy = 0; oy < out.h; ++oy) {
      const int32_t y0 = oy * p.strideH - p.padH;
      const int32_t fy0 = firstTap(y0, p.dilationH);
      const int32_t fy1 = endTap(y0, p.dilationH, in.h, filt.h);
      for (int32_t ox = 0; ox < out.w; ++ox) {
        const int32_t x0 = ox * p.strideW - p.padW;
        const int32_t fx0 = firstTap(x0, p.dilationW);
        const int32_t fx1 = endTap(x0, p.dilationW, in.w, filt.w);
        int8_t* dst = output + ((b * out.h + oy) * out.w + ox) * outC;
        if (depthMultiplier == 1) {
          const bool whole3x3 = kernel3x3 && fy0 == 0 && fy1 == 3 && fx0 == 0 && fx1 == 3;
          const int32_t tapsY = fy1 - fy0, tapsX = fx1 - fx0;
          const int32_t windowOffset =
              (y0 + fy0 * p.dilationH) * rowStride + (x0 + fx0 * p.dilationW) * inC;
          const int32_t filterOffset = (fy0 * filt.w + fx0) * outC;
          int32_t c = 0;
          for (; c + 4 <= inC; c += 4) {
            Acc4 acc{biasAt(bias, c), biasAt(bias, c + 1), biasAt(bias, c + 2),
                     biasAt(bias, c + 3)};
            if (whole3x3) {
              const int8_t* r0 = image + y0 * rowStride + x0 * inC + c;
              const int8_t* r1 = r0 + rowStride;
              const int8_t* r2 = r1 + rowStride;
              const int8_t* f = filter + c;
              tap4(r0, f, offsets, acc);
              tap4(r0 + inC, f + outC, offsets, acc);
              tap4(r0 + 2 * inC, f + 2 * outC, offsets, acc);
              tap4(r1, f + 3 * outC, offsets, acc);
              tap4(r1 + inC, f + 4 * outC, offsets, acc);
              tap4(r1 + 2 * inC, f + 5 * outC, offsets, acc);
              tap4(r2, f + 6 * outC, offsets, acc);
              tap4(r2 + inC, f + 7 * outC, offsets, acc);
              tap4(r2 + 2 * inC, f + 8 * outC, offsets, acc);
            } else if (tapsX > 0 && tapsY > 0) {
              // The taps inside the image, walked with pointer steps.
              const int8_t* rowIn = image + windowOffset + c;
              const int8_t* rowF = filter + filterOffset + c;
              for (int32_t ty = tapsY; ty > 0; --ty, rowIn += stepY, rowF += filterStepY) {
                const int8_t* in4 = rowIn;
                const int8_t* f4 = rowF;
                for (int32_t tx = tapsX; tx > 0; --tx, in4 += stepX, f4 += outC) {
                  tap4(in4, f4, offsets, acc);
                }
              }
            }
            dst[c] = dsp::finish(acc.a0, multipliers[c], shifts[c], os);
            dst[c + 1] = dsp::finish(acc.a1, multipliers[c + 1], shifts[c + 1], os);
            dst[c + 2] = dsp::finish(acc.a2, multipliers[c + 2], shifts[c + 2], os);
            dst[c + 3] = dsp::finish(acc.a3, multipliers[c + 3], shifts[c + 3], os);
          }
          for (; c < inC; ++c) {
            int32_t acc = biasAt(bias, c);
            for (int32_t fy = fy0; fy < fy1; ++fy) {
              const int32_t iy = y0 + fy * p.dilationH;
              for (int32_t fx = fx0; fx < fx1; ++fx) {
                const int32_t ix = x0 + fx * p.dilationW;
                acc = dsp::smlabb(image[iy * rowStride + ix * inC + c] + p.inputOffset,
                                  filter[(fy * filt.w + fx) * outC + c], acc);
              }
            }
            finishChannels(&acc, 1, multipliers + c, shifts + c, os, dst + c);
          }
          continue;
        }
        for (int32_t ic = 0; ic < inC; ++ic) {
          int32_t m = 0;
          // Four outputs of this input channel per step: the input value in a bottom half,
          // the four weights widened by SXTB16.
          for (; m + 4 <= depthMultiplier; m += 4) {
            const int32_t oc = ic * depthMultiplier + m;
            Acc4 acc{biasAt(bias, oc), biasAt(bias, oc + 1), biasAt(bias, oc + 2),
                     biasAt(bias, oc + 3)};
            for (int32_t fy = fy0; fy < fy1; ++fy) {
              const int32_t iy = y0 + fy * p.dilationH;
              const int8_t* row = image + iy * rowStride + ic;
              const int8_t* frow = filter + fy * filt.w * outC + oc;
              for (int32_t fx = fx0; fx < fx1; ++fx) {
                const int32_t x = row[(x0 + fx * p.dilationW) * inC] + p.inputOffset;
                const int32_t f = dsp::read32(frow + fx * outC);
                const int32_t f02 = dsp::sxtb16(f), f13 = dsp::sxtb16Ror8(f);
                acc.a0 = dsp::smlabb(f02, x, acc.a0);
                acc.a1 = dsp::smlabb(f13, x, acc.a1);
                acc.a2 = dsp::smlatb(f02, x, acc.a2);
                acc.a3 = dsp::smlatb(f13, x, acc.a3);
              }
            }
            const int32_t sums[4] = {acc.a0, acc.a1, acc.a2, acc.a3};
            finishChannels(sums, 4, multipliers + oc, shifts + oc, os, dst + oc);
          }
          for (; m < depthMultiplier; ++m) {
            const int32_t oc = ic * depthMultiplier + m;
            int32_t acc = biasAt(bias, oc);
            for (int32_t fy = fy0; fy < fy1; ++fy) {
              const int32_t iy = y0 + fy * p.dilationH;
              for (int32_t fx = fx0; fx < fx1; ++fx) {
                const int32_t ix = x0 + fx * p.dilationW;
                acc = dsp::smlabb(image[iy * rowStride + ix * inC + ic] + p.inputOffset,
                                  filter[(fy * filt.w + fx) * outC + oc], acc);
              }
            }
            finishChannels(&acc, 1, multipliers + oc, shifts + oc, os, dst + oc);
          }
        }
      }
    }
  }
}

void depthwiseOneChannel(const ConvParams& p, const int32_t* multipliers, const int32_t* shifts,
                         const Shape4& in, const int8_t* input, const Shape4& filt,
                         const int8_t* filter, const int32_t* bias, const Shape4& out,
                         int8_t* output, void* scratch) {
  const Shape4 conv{filt.c, filt.h, filt.w, 1};
  int16_t* cols = static_cast<int16_t*>(scratch);
  int8_t* transposed = reinterpret_cast<int8_t*>(cols) + convScratchBytes(conv);
  const int32_t taps = filt.h * filt.w;
  for (int32_t m = 0; m < filt.c; ++m) {
    const int8_t* src = filter + m;
    int8_t* dst = transposed + m * taps;
    for (int32_t t = 0; t < taps; ++t, src += filt.c) dst[t] = *src;
  }
  convPerChannel(p, multipliers, shifts, in, input, conv, transposed, bias, out, output, cols);
}

}  // namespace tinyscope::runner::cortex_m
