// Cortex-M4 (ARMv7E-M DSP) int8 kernel math: the same parameters as the reference templates in
// model_runner/kernels/ plus caller-provided scratch, and the same results bit for bit.
//
// int8 operands are widened to int16 pairs (SXTB16 / SXTAB16, the input zero point folded in
// on the way) and multiplied with SMLAD (two MACs per instruction), SMLABB/SMLATT/SMLATB for
// depthwise. Context-free: no allocation, no failure, any thread. The registrations
// (cortex_m_ops.h) choose these or the reference math at prepare.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "model_runner/kernels/conv_2d.h"
#include "model_runner/kernels/fully_connected.h"

namespace tinyscope::runner::cortex_m {

// ---- GEMM on int16 columns ------------------------------------------------------------------
// A column holds `depth` values (x + input offset) as int16, reordered in whole groups of 4 as
// x0 x2 x1 x3 (what SXTB16 / SXTB16 ROR #8 make of 4 weight bytes); a tail of depth % 4 stays
// in order.

// Requantization of one GEMM: per-channel (stride 1) or per-tensor (stride 0) multipliers.
struct GemmOutput {
  const int32_t* bias = nullptr;  // per channel, may be null
  const int32_t* multipliers = nullptr;
  const int32_t* shifts = nullptr;
  int32_t quantStride = 1;
  int32_t offset = 0, actMin = -128, actMax = 127;
};

// out0[c] and out1[c] = requantized bias[c] + sum_k weights[c * depth + k] * column[k], for
// c in [0, channels). weights: int8, row-major (OHWI filters flattened). Two columns share
// every weight load (2 channels x 2 columns per inner loop, the columns interleaved by blocks
// of 4: a02 a13 b02 b13 ..., then both tails at 4 elements each). out0 == out1 with two equal
// columns computes one.
void gemm2Columns(const int8_t* weights, int32_t channels, int32_t depth, const int16_t* cols,
                  const GemmOutput& o, int8_t* out0, int8_t* out1);
// The same for one int8 column x (x[k] + inputOffset), 4 channels per step, widened to int16
// pairs inside the inner loop: no scratch. The last channels % 4 (all of them when depth < 4)
// run one at a time.
void gemv(const int8_t* weights, int32_t channels, int32_t depth, const int8_t* x,
          int32_t inputOffset, const GemmOutput& o, int8_t* out);

// Elements from one column to the next in a scratch buffer (columns stay 8-byte aligned).
inline int32_t columnStride(int32_t depth) {
  return (depth + 3) & ~3;
}

// ---- operators ------------------------------------------------------------------------------
// Scratch for convPerChannel: two interleaved int16 im2col columns, then the int8 bytes of one
// window being gathered: one filter row when a row is a multiple of 4 bytes, else the whole
// window.
inline size_t convScratchBytes(const kernels::Shape4& filt) {
  const int32_t rowLen = filt.w * filt.c;
  const int32_t gathered = (rowLen & 3) == 0 ? rowLen : filt.h * rowLen;
  return 2u * sizeof(int16_t) * static_cast<size_t>(columnStride(filt.h * rowLen)) +
         static_cast<size_t>(columnStride(gathered));
}
// reference::convPerChannel for int8/int32 bias, grouped convolution included (filt.c divides
// in.c: one GEMM per group), for an input
// zero point (-p.inputOffset) that fits int8 (the model verifier's rule): padding is gathered
// as that byte.
void convPerChannel(const kernels::ConvParams& p, const int32_t* multipliers, const int32_t* shifts,
                    const kernels::Shape4& in, const int8_t* input, const kernels::Shape4& filt,
                    const int8_t* filter, const int32_t* bias, const kernels::Shape4& out,
                    int8_t* output, int16_t* scratch);

// reference::depthwiseConvPerChannel, int8 with int32 bias. No scratch. Channel multiplier 1
// runs 4 channels per step (3x3 windows inside the image fully unrolled), multipliers that are
// a multiple of 4 run 4 outputs of one input channel per step; others run one output at a time.
void depthwiseConvPerChannel(const kernels::ConvParams& p, int32_t depthMultiplier,
                             const int32_t* multipliers, const int32_t* shifts,
                             const kernels::Shape4& in, const int8_t* input,
                             const kernels::Shape4& filt, const int8_t* filter, const int32_t* bias,
                             const kernels::Shape4& out, int8_t* output);

// DEPTHWISE_CONV_2D on a one-channel input (in.c == 1, any depth multiplier) is a CONV_2D with
// filt.c outputs whose filter is the depthwise filter transposed ([1, h, w, m] -> [m, h, w, 1]):
// depthwiseOneChannel transposes the filter into scratch on every call (filt.c x h x w bytes)
// and runs convPerChannel on it. Scratch: the conv columns, then the transposed filter.
inline size_t depthwiseOneChannelScratchBytes(const kernels::Shape4& filt) {
  const kernels::Shape4 conv{filt.c, filt.h, filt.w, 1};
  return convScratchBytes(conv) + static_cast<size_t>(filt.c) * filt.h * filt.w;
}
void depthwiseOneChannel(const kernels::ConvParams& p, const int32_t* multipliers,
                         const int32_t* shifts, const kernels::Shape4& in, const int8_t* input,
                         const kernels::Shape4& filt, const int8_t* filter, const int32_t* bias,
                         const kernels::Shape4& out, int8_t* output, void* scratch);

// reference::fullyConnected for int8 with int32 bias and p.filterOffset == 0 (symmetric weights).
// No scratch: 4 rows x 1 batch row per step, the int8 input widened (input offset added)
// inside the inner loop; batches run one after the other.
void fullyConnected(const kernels::FullyConnectedParams& p, const int32_t* multipliers,
                    const int32_t* shifts, bool perChannel, int32_t batches, int32_t accumDepth,
                    int32_t outputDepth, const int8_t* input, const int8_t* filter,
                    const int32_t* bias, int8_t* output);

}  // namespace tinyscope::runner::cortex_m
