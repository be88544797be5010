// int16-column GEMM (CONV_2D through im2col) and int8 GEMV (FULLY_CONNECTED) with SMLAD.
#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/dsp.h"

#include <string.h>

namespace tinyscope::runner::cortex_m {

namespace {

using kernels::ConvParams;
using kernels::Shape4;

// Columns are written and read as int32 pairs; this type may alias the int16 elements.
typedef int32_t __attribute__((may_alias)) Pair;

__attribute__((always_inline)) inline int32_t biasAt(const int32_t* bias, int32_t c) {
  return bias != nullptr ? bias[c] : 0;
}

inline dsp::OutputStage outputStage(const GemmOutput& o) {
  return dsp::outputStage(o.offset, o.actMin, o.actMax);
}

// Column layout in scratch. Element k of column j (of `columns` = 1 or 2 interleaved ones) sits
// in block k / 4 (blockStride = 4 * columns elements per block) at j * 4 + its place: whole
// groups of 4 are stored x0 x2 x1 x3, the tail (depth % 4) in order. Two columns interleaved
// give the inner loop one LDM of a02 a13 b02 b13 per 4 depth.
// n values (n % 4 == 0, or n reaching the column's end) from k = dst's block start onwards.
void packBlocks(const int8_t* src, int32_t n, int32_t inputOffset, int16_t* dst,
                int32_t blockStride) {
  const int32_t offsets = dsp::pair16(inputOffset);
  int32_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const int32_t v = dsp::read32(src + k);
    Pair* pair = reinterpret_cast<Pair*>(dst);
    pair[0] = dsp::sxtab16(offsets, v);
    pair[1] = dsp::sxtab16Ror8(offsets, v);
    dst += blockStride;
  }
  for (int32_t i = 0; k < n; ++k, ++i) dst[i] = static_cast<int16_t>(src[k] + inputOffset);
}

// The input pixel of output pixel oy, ox for a 1x1 filter inside the image (its im2col column
// is the pixel itself), else null.
const int8_t* pointwisePixel(const ConvParams& p, const Shape4& in, const int8_t* image,
                             const Shape4& filt, int32_t oy, int32_t ox) {
  const int32_t y0 = oy * p.strideH - p.padH;
  const int32_t x0 = ox * p.strideW - p.padW;
  if (filt.h != 1 || filt.w != 1 || y0 < 0 || y0 >= in.h || x0 < 0 || x0 >= in.w) return nullptr;
  return image + (y0 * in.w + x0) * in.c;
}

// Filter row fy of the window at y0, x0 as filt.w * filt.c bytes (fx, c order); taps outside
// the image hold the input zero point (-inputOffset), which adds 0 once the offset is added.
// Pixels are in.c bytes apart; a tap takes the filt.c bytes from `image` on (image points at
// the group's first channel).
void gatherRow(const ConvParams& p, const Shape4& in, const int8_t* image, const Shape4& filt,
               int32_t y0, int32_t x0, int32_t fy, int8_t* dst) {
  const int32_t c = filt.c;
  const int32_t rowLen = filt.w * c;
  const int8_t pad = static_cast<int8_t>(-p.inputOffset);
  const int32_t iy = y0 + fy * p.dilationH;
  if (iy < 0 || iy >= in.h) {
    memset(dst, pad, static_cast<size_t>(rowLen));
    return;
  }
  const int8_t* row = image + iy * in.w * in.c;
  if (p.dilationW != 1 || c != in.c) {
    for (int32_t fx = 0, ix = x0; fx < filt.w; ++fx, ix += p.dilationW, dst += c) {
      if (ix >= 0 && ix < in.w) {
        memcpy(dst, row + ix * in.c, static_cast<size_t>(c));
      } else {
        memset(dst, pad, static_cast<size_t>(c));
      }
    }
    return;
  }
  // Taps [left, right) are inside the image.
  const int32_t left = x0 < 0 ? (-x0 < filt.w ? -x0 : filt.w) : 0;
  int32_t right = in.w - x0 < filt.w ? in.w - x0 : filt.w;
  right = right > left ? right : left;
  memset(dst, pad, static_cast<size_t>(left * c));
  memcpy(dst + left * c, row + (x0 + left) * c, static_cast<size_t>((right - left) * c));
  memset(dst + right * c, pad, static_cast<size_t>((filt.w - right) * c));
}

// One im2col column (output pixel oy, ox of one image; image at the group's first channel)
// into column `j` of `col`. Rows of a multiple of 4 bytes inside the image are widened straight
// from it; any other window is gathered into `bytes` (depth bytes, the zero point in the
// padding) and widened from there.
void im2col(const ConvParams& p, const Shape4& in, const int8_t* image, const Shape4& filt,
            int32_t oy, int32_t ox, int16_t* col, int32_t j, int32_t blockStride, int8_t* bytes) {
  const int32_t c = filt.c;
  const int32_t depth = filt.h * filt.w * c;
  const int32_t y0 = oy * p.strideH - p.padH;
  const int32_t x0 = ox * p.strideW - p.padW;
  const int32_t rowLen = filt.w * c;
  int16_t* base = col + 4 * j;
  if (const int8_t* pixel = pointwisePixel(p, in, image, filt, oy, ox)) {
    packBlocks(pixel, c, p.inputOffset, base, blockStride);
    return;
  }
  if ((rowLen & 3) != 0) {
    for (int32_t fy = 0; fy < filt.h; ++fy) {
      gatherRow(p, in, image, filt, y0, x0, fy, bytes + fy * rowLen);
    }
    packBlocks(bytes, depth, p.inputOffset, base, blockStride);
    return;
  }
  const bool columnsInside = p.dilationW == 1 && c == in.c && x0 >= 0 && x0 + filt.w <= in.w;
  for (int32_t fy = 0; fy < filt.h; ++fy) {
    const int32_t iy = y0 + fy * p.dilationH;
    int16_t* dst = base + ((fy * rowLen) >> 2) * blockStride;
    if (columnsInside && iy >= 0 && iy < in.h) {
      packBlocks(image + (iy * in.w + x0) * c, rowLen, p.inputOffset, dst, blockStride);
    } else {
      gatherRow(p, in, image, filt, y0, x0, fy, bytes);
      packBlocks(bytes, rowLen, p.inputOffset, dst, blockStride);
    }
  }
}

// Inner loops over `groups` (>= 1) groups of 4 depth; acc is updated in place.
//   2x2: acc = {ch0.col0, ch0.col1, ch1.col0, ch1.col1}; cols interleaved (a02 a13 b02 b13).
//   gemv 1x4: acc = {ch0..ch3}; rows w0 + i * stride; the column is int8 (x0 x1 x2 x3),
//   widened in the loop with SXTAB16 (offsets: the input offset in both halves), no scratch.
#if defined(__ARM_FEATURE_DSP)
extern "C" void tinyscope_cm_gemm2x2(int32_t* acc, const int8_t* w0, const int8_t* w1,
                                     const int32_t* cols, int32_t groups);
extern "C" void tinyscope_cm_gemv1x4(int32_t* acc, const int8_t* w0, int32_t stride,
                                     const int8_t* x, int32_t groups, int32_t offsets);
// 17 instructions per 16 MACs: one LDM of both columns, one LDR per weight row, SXTB16 twice,
// SMLAD 8 times; 14 registers, the accumulator pointer kept on the stack.
asm(R"(
  .text
  .syntax unified
  .thumb
  .p2align 2
  .global tinyscope_cm_gemm2x2
  .type tinyscope_cm_gemm2x2, %function
  .thumb_func
tinyscope_cm_gemm2x2:
  push {r0, r4-r11, lr}
  ldr r4, [sp, #40]
  ldm r0, {r5-r8}
1:
  ldm r3!, {r9-r12}
  ldr r0, [r1], #4
  sxtb16 lr, r0
  smlad r5, lr, r9, r5
  smlad r6, lr, r11, r6
  sxtb16 r0, r0, ror #8
  smlad r5, r0, r10, r5
  smlad r6, r0, r12, r6
  ldr r0, [r2], #4
  sxtb16 lr, r0
  smlad r7, lr, r9, r7
  smlad r8, lr, r11, r8
  sxtb16 r0, r0, ror #8
  smlad r7, r0, r10, r7
  smlad r8, r0, r12, r8
  subs r4, r4, #1
  bne 1b
  ldr r0, [sp]
  stm r0, {r5-r8}
  add sp, sp, #4
  pop {r4-r11, pc}
  .size tinyscope_cm_gemm2x2, .-tinyscope_cm_gemm2x2

// 25 instructions per 16 MACs: one LDR of 4 input bytes and SXTAB16 twice, one LDR per weight
// row, SXTB16 8 times, SMLAD 8 times; rows 1 and 3 are read at [row 0 / row 2 + stride]
// before those pointers advance, which keeps the input offsets in a register.
  .p2align 2
  .global tinyscope_cm_gemv1x4
  .type tinyscope_cm_gemv1x4, %function
  .thumb_func
tinyscope_cm_gemv1x4:
  push {r0, r4-r11, lr}
  ldrd r4, r10, [sp, #40]
  add r9, r1, r2, lsl #1
  ldm r0, {r5-r8}
1:
  ldr r11, [r3], #4
  sxtab16 r12, r10, r11, ror #8
  sxtab16 r11, r10, r11
  ldr r0, [r1, r2]
  sxtb16 lr, r0
  smlad r6, lr, r11, r6
  sxtb16 r0, r0, ror #8
  smlad r6, r0, r12, r6
  ldr r0, [r1], #4
  sxtb16 lr, r0
  smlad r5, lr, r11, r5
  sxtb16 r0, r0, ror #8
  smlad r5, r0, r12, r5
  ldr r0, [r9, r2]
  sxtb16 lr, r0
  smlad r8, lr, r11, r8
  sxtb16 r0, r0, ror #8
  smlad r8, r0, r12, r8
  ldr r0, [r9], #4
  sxtb16 lr, r0
  smlad r7, lr, r11, r7
  sxtb16 r0, r0, ror #8
  smlad r7, r0, r12, r7
  subs r4, r4, #1
  bne 1b
  ldr r0, [sp]
  stm r0, {r5-r8}
  add sp, sp, #4
  pop {r4-r11, pc}
  .size tinyscope_cm_gemv1x4, .-tinyscope_cm_gemv1x4
)");
inline void gemm2x2(int32_t* acc, const int8_t* w0, const int8_t* w1, const int16_t* cols,
                    int32_t groups) {
  tinyscope_cm_gemm2x2(acc, w0, w1, reinterpret_cast<const int32_t*>(cols), groups);
}
inline void gemv1x4(int32_t* acc, const int8_t* w0, int32_t stride, const int8_t* x, int32_t groups,
                    int32_t offsets) {
  tinyscope_cm_gemv1x4(acc, w0, stride, x, groups, offsets);
}
#else
void gemm2x2(int32_t* acc, const int8_t* w0, const int8_t* w1, const int16_t* cols,
             int32_t groups) {
  const Pair* x = reinterpret_cast<const Pair*>(cols);
  for (int32_t g = 0; g < groups; ++g, x += 4, w0 += 4, w1 += 4) {
    const int32_t wa = dsp::read32(w0), wb = dsp::read32(w1);
    acc[0] = dsp::smlad(dsp::sxtb16Ror8(wa), x[1], dsp::smlad(dsp::sxtb16(wa), x[0], acc[0]));
    acc[1] = dsp::smlad(dsp::sxtb16Ror8(wa), x[3], dsp::smlad(dsp::sxtb16(wa), x[2], acc[1]));
    acc[2] = dsp::smlad(dsp::sxtb16Ror8(wb), x[1], dsp::smlad(dsp::sxtb16(wb), x[0], acc[2]));
    acc[3] = dsp::smlad(dsp::sxtb16Ror8(wb), x[3], dsp::smlad(dsp::sxtb16(wb), x[2], acc[3]));
  }
}
void gemv1x4(int32_t* acc, const int8_t* w0, int32_t stride, const int8_t* x, int32_t groups,
             int32_t offsets) {
  for (int32_t g = 0; g < groups; ++g) {
    const int32_t v = dsp::read32(x + 4 * g);
    const int32_t x02 = dsp::sxtab16(offsets, v), x13 = dsp::sxtab16Ror8(offsets, v);
    for (int32_t r = 0; r < 4; ++r) {
      const int32_t w = dsp::read32(w0 + r * stride + 4 * g);
      acc[r] = dsp::smlad(dsp::sxtb16Ror8(w), x13, dsp::smlad(dsp::sxtb16(w), x02, acc[r]));
    }
  }
}
#endif

}  // namespace

void gemm2Columns(const int8_t* weights, int32_t channels, int32_t depth, const int16_t* cols,
                  const GemmOutput& o, int8_t* out0, int8_t* out1) {
  const int32_t groups = depth >> 2;
  const int32_t whole = depth & ~3;
  const int16_t* tail0 = cols + 8 * groups;
  const int16_t* tail1 = tail0 + 4;
  const dsp::OutputStage os = outputStage(o);
  int32_t c = 0;
  for (; c < channels; c += 2) {
    // An odd last channel runs as a pair with itself (its second result is dropped).
    const int32_t c1 = c + 1 < channels ? c + 1 : c;
    const int8_t* w0 = weights + c * depth;
    const int8_t* w1 = weights + c1 * depth;
    int32_t acc[4];
    acc[0] = acc[1] = biasAt(o.bias, c);
    acc[2] = acc[3] = biasAt(o.bias, c1);
    if (groups > 0) gemm2x2(acc, w0, w1, cols, groups);
    for (int32_t k = whole; k < depth; ++k) {
      const int32_t x0 = tail0[k - whole], x1 = tail1[k - whole];
      const int32_t v0 = w0[k], v1 = w1[k];
      acc[0] = dsp::smlabb(v0, x0, acc[0]);
      acc[1] = dsp::smlabb(v0, x1, acc[1]);
      acc[2] = dsp::smlabb(v1, x0, acc[2]);
      acc[3] = dsp::smlabb(v1, x1, acc[3]);
    }
    // Both columns of a channel share its multiplier and shift.
    const int32_t q0 = c * o.quantStride;
    const int32_t m0 = o.multipliers[q0], s0 = o.shifts[q0];
    out0[c] = dsp::finish(acc[0], m0, s0, os);
    out1[c] = dsp::finish(acc[1], m0, s0, os);
    if (c1 != c) {
      const int32_t q1 = c1 * o.quantStride;
      const int32_t m1 = o.multipliers[q1], s1 = o.shifts[q1];
      out0[c1] = dsp::finish(acc[2], m1, s1, os);
      out1[c1] = dsp::finish(acc[3], m1, s1, os);
    }
  }
}

void gemv(const int8_t* weights, int32_t channels, int32_t depth, const int8_t* x,
          int32_t inputOffset, const GemmOutput& o, int8_t* out) {
  const int32_t groups = depth >> 2;
  const int32_t whole = depth & ~3;
  const int32_t offsets = dsp::pair16(inputOffset);
  const dsp::OutputStage os = outputStage(o);
  int32_t c = 0;
  for (; groups > 0 && c + 4 <= channels; c += 4) {
    const int8_t* w0 = weights + c * depth;
    int32_t acc[4];
    for (int32_t r = 0; r < 4; ++r) acc[r] = biasAt(o.bias, c + r);
    gemv1x4(acc, w0, depth, x, groups, offsets);
    for (int32_t r = 0; r < 4; ++r) {
      const int8_t* w = w0 + r * depth;
      for (int32_t k = whole; k < depth; ++k)
        acc[r] = dsp::smlabb(w[k], x[k] + inputOffset, acc[r]);
      const int32_t q = (c + r) * o.quantStride;
      out[c + r] = dsp::finish(acc[r], o.multipliers[q], o.shifts[q], os);
    }
  }
  // The last channels % 4 rows, and every row of a depth below 4, one at a time.
  for (; c < channels; ++c) {
    const int8_t* w = weights + c * depth;
    int32_t acc = biasAt(o.bias, c);
    int32_t k = 0;
    for (; k < whole; k += 4) {
      const int32_t v = dsp::read32(x + k), f = dsp::read32(w + k);
      acc = dsp::smlad(dsp::sxtb16(f), dsp::sxtab16(offsets, v), acc);
      acc = dsp::smlad(dsp::sxtb16Ror8(f), dsp::sxtab16Ror8(offsets, v), acc);
    }
    for (; k < depth; ++k) acc = dsp::smlabb(w[k], x[k] + inputOffset, acc);
    const int32_t q = c * o.quantStride;
    out[c] = dsp::finish(acc, o.multipliers[q], o.shifts[q], os);
  }
}

void convPerChannel(const ConvParams& p, const int32_t* multipliers, const int32_t* shifts,
                    const Shape4& in, const int8_t* input, const Shape4& filt, const int8_t* filter,
                    const int32_t* bias, const Shape4& out, int8_t* output, int16_t* scratch) {
  const int32_t depth = filt.h * filt.w * filt.c;
  int16_t* cols = scratch;  // two interleaved columns, then the gathered window's bytes
  int8_t* bytes = reinterpret_cast<int8_t*>(cols + 2 * columnStride(depth));
  GemmOutput o;
  o.bias = bias;
  o.multipliers = multipliers;
  o.shifts = shifts;
  o.quantStride = 1;
  o.offset = p.outputOffset;
  o.actMin = p.actMin;
  o.actMax = p.actMax;
  // Grouped convolution: group g reads input channels [g * filt.c, (g + 1) * filt.c) and
  // writes output channels [g * perGroup, (g + 1) * perGroup), one GEMM per group.
  const int32_t groups = in.c / filt.c;
  const int32_t perGroup = out.c / groups;
  const int32_t pixels = out.h * out.w;
  for (int32_t b = 0; b < out.n; ++b) {
    for (int32_t g = 0; g < groups; ++g) {
      const int8_t* image = input + b * in.h * in.w * in.c + g * filt.c;
      const int32_t first = g * perGroup;
      int8_t* dst = output + b * pixels * out.c + first;
      GemmOutput og = o;
      og.bias = bias != nullptr ? bias + first : nullptr;
      og.multipliers = multipliers + first;
      og.shifts = shifts + first;
      const int8_t* weights = filter + first * depth;
      for (int32_t i = 0; i < pixels; i += 2) {
        // An odd last pixel: a 1x1 filter reads it in place (GEMV), others pair it with itself.
        const int32_t i1 = i + 1 < pixels ? i + 1 : i;
        const int8_t* pixel =
            i1 == i ? pointwisePixel(p, in, image, filt, i / out.w, i % out.w) : nullptr;
        if (pixel != nullptr) {
          gemv(weights, perGroup, depth, pixel, p.inputOffset, og, dst + i * out.c);
          break;
        }
        im2col(p, in, image, filt, i / out.w, i % out.w, cols, 0, 8, bytes);
        im2col(p, in, image, filt, i1 / out.w, i1 % out.w, cols, 1, 8, bytes);
        gemm2Columns(weights, perGroup, depth, cols, og, dst + i * out.c, dst + i1 * out.c);
      }
    }
  }
}

void fullyConnected(const kernels::FullyConnectedParams& p, const int32_t* multipliers,
                    const int32_t* shifts, bool perChannel, int32_t batches, int32_t accumDepth,
                    int32_t outputDepth, const int8_t* input, const int8_t* filter,
                    const int32_t* bias, int8_t* output) {
  GemmOutput o;
  o.bias = bias;
  o.multipliers = multipliers;
  o.shifts = shifts;
  o.quantStride = perChannel ? 1 : 0;
  o.offset = p.outputOffset;
  o.actMin = p.actMin;
  o.actMax = p.actMax;
  for (int32_t b = 0; b < batches; ++b) {
    gemv(filter, outputDepth, accumDepth, input + b * accumDepth, p.inputOffset, o,
         output + b * outputDepth);
  }
}

}  // namespace tinyscope::runner::cortex_m
