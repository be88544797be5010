// DEPTHWISE_CONV_2D, optimized: 8 channels per vector, taps taken in pairs through an int16
// multiply-add (exact), per-channel requantization in the vector unit. Weights are read in place
// from the model. Out-of-image taps read a row of input zero points, which contributes nothing,
// so every pixel runs the same loop. A single input channel runs as a GEMM.
#include "model_runner/kernels/depthwise_conv_2d.h"

#include "model_runner/kernels/window_op.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/parallel.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

// One input channel: out[oc] = sum_t w[t][oc] * x[t], a convolution whose weight of channel oc
// at depth t sits at w[t * channels + oc].
GemmJob gemmJob(const kernels::WindowOpData& d, const int8_t* weights, const int32_t* bias,
                int32_t activationBias) {
  const kernels::ConvParams& p = d.params;
  GemmJob g;
  g.batches = d.output.n;
  g.outH = d.output.h;
  g.outW = d.output.w;
  g.inH = d.input.h;
  g.inW = d.input.w;
  g.inC = 1;
  g.filterH = d.filter.h;
  g.filterW = d.filter.w;
  g.strideH = p.strideH;
  g.strideW = p.strideW;
  g.dilationH = p.dilationH;
  g.dilationW = p.dilationW;
  g.padH = p.padH;
  g.padW = p.padW;
  g.direct = g.filterH == 1 && g.filterW == 1 && g.padH == 0 && g.padW == 0;
  g.padValue = static_cast<int8_t>(-p.inputOffset);
  g.depth = d.filter.h * d.filter.w;
  g.channels = d.output.c;
  g.weights = weights;
  g.strideO = 1;
  g.strideK = d.output.c;
  g.panel = d.panel;
  g.src.multipliers = d.quant.multipliers;
  g.src.shifts = d.quant.shifts;
  g.src.bias = bias;
  g.src.inputTerm = p.inputOffset - activationBias;
  g.src.outputOffset = p.outputOffset;
  g.src.actMin = p.actMin;
  g.src.actMax = p.actMax;
  return g;
}

DepthwiseJob depthwiseJob(const kernels::WindowOpData& d, const int8_t* weights,
                          const int32_t* bias) {
  const kernels::ConvParams& p = d.params;
  DepthwiseJob j;
  j.batches = d.output.n;
  j.inH = d.input.h;
  j.inW = d.input.w;
  j.channels = d.output.c;
  j.outH = d.output.h;
  j.outW = d.output.w;
  j.filterH = d.filter.h;
  j.filterW = d.filter.w;
  j.strideH = p.strideH;
  j.strideW = p.strideW;
  j.dilationH = p.dilationH;
  j.dilationW = p.dilationW;
  j.padH = p.padH;
  j.padW = p.padW;
  j.depthMultiplier = d.depthMultiplier;
  j.weights = weights;
  j.inputZero = static_cast<int8_t>(-p.inputOffset);
  // The loop multiplies raw input bytes: sum w * (x + offset) = sum w * x + offset * sum w.
  j.src.multipliers = d.quant.multipliers;
  j.src.shifts = d.quant.shifts;
  j.src.bias = bias;
  j.src.inputTerm = p.inputOffset;
  j.src.outputOffset = p.outputOffset;
  j.src.actMin = p.actMin;
  j.src.actMax = p.actMax;
  return j;
}

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  kernels::WindowOpData* d = nullptr;
  Status s = kernels::prepareWindowOp(ctx, true, &d);
  if (s != Status::kOk) return s;
  const bool constant = ctx.input(1).isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || !constant) return Status::kOk;  // reference math
  size_t bytes = 0;
  if (d->input.c == 1) {
    const size_t activations =
        static_cast<size_t>(d->input.flatSize()) + static_cast<size_t>(d->output.flatSize());
    GemmJob g = gemmJob(*d, ctx.inputData<int8_t>(1),
                        d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, simd->activationBias);
    bytes = planPackedGemm(ctx, g, gemmScratchCap(activations), simd->tileRows);
    d->panel = g.panel;
  } else {
    bytes = depthwiseScratchBytes(depthwiseJob(*d, nullptr, nullptr));
  }
  if ((s = ctx.requestScratch(bytes, &d->scratch)) != Status::kOk) return s;
  d->fast = true;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

template <uint8_t kIsa>
void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const kernels::WindowOpData*>(ctx.userData());
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(2) : nullptr;
  if (!d->fast) {
    kernels::reference::depthwiseConvPerChannel(d->params, d->depthMultiplier, d->quant.multipliers,
                                                d->quant.shifts, d->input, ctx.inputData<int8_t>(0),
                                                d->filter, ctx.inputData<int8_t>(1), bias,
                                                d->output, ctx.outputData<int8_t>(0));
    return;
  }
  const SimdKernels* simd = simdKernels(kIsa);
  if (d->input.c == 1) {
    GemmJob g = gemmJob(*d, ctx.inputData<int8_t>(1), bias, simd->activationBias);
    planGemmInvoke(ctx, g,
                   gemmScratchCap(static_cast<size_t>(d->input.flatSize()) +
                                  static_cast<size_t>(d->output.flatSize())),
                   simd->tileRows);
    g.input = ctx.inputData<int8_t>(0);
    g.output = ctx.outputData<int8_t>(0);
    g.scratch = static_cast<int8_t*>(d->scratch);
    if (!gemmInBands(g, simd->gemm)) simd->gemm(g);
    return;
  }
  DepthwiseJob j = depthwiseJob(*d, ctx.inputData<int8_t>(1), bias);
  j.input = ctx.inputData<int8_t>(0);
  j.output = ctx.outputData<int8_t>(0);
  j.scratch = static_cast<uint8_t*>(d->scratch);
  if (!depthwiseInBands(j, simd->depthwise)) simd->depthwise(j);
}

}  // namespace

OpRegistration registerDepthwiseConv2d(Isa isa) {
  OpRegistration r = kernels::registerDepthwiseConv2d();
  r.init = nullptr;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  r.invoke = forIsa(isa, invoke<0>, invoke<1>, invoke<2>, invoke<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
