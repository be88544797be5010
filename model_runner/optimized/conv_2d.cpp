// CONV_2D, optimized: im2col (or the input rows themselves for 1x1 filters) times the weights,
// int8 GEMM with per-channel requantization in the vector unit. The weights are read in place
// from the model; at invoke a panel of them is packed into the operator's scratch.
#include "model_runner/kernels/conv_2d.h"

#include "model_runner/optimized/optimized_ops.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/simd_kernels.h"
#include "model_runner/kernels/window_op.h"

namespace tinyscope::runner::optimized {

// Output channels packed at a time: the whole layer while its packed weights stay under
// kPanelBytes, else panels of a multiple of 32 channels (im2col repeats per panel).
int32_t choosePanel(int32_t channels, int32_t depth, size_t budget) {
  const int32_t all = roundUp(channels, kChannelBlock);
  const size_t row = static_cast<size_t>(roundUp(depth, 4));
  if (static_cast<size_t>(all) * row <= budget) return all;
  int32_t panel = static_cast<int32_t>(budget / row) / 32 * 32;
  if (panel < 32) panel = 32;
  return panel < all ? panel : all;
}

// The GEMM view of a convolution (input, output and scratch set at invoke).
static GemmJob convJob(const kernels::WindowOpData& d, const int8_t* weights, const int32_t* bias, int32_t activationBias) {
  const kernels::ConvParams& p = d.params;
  GemmJob j;
  j.batches = d.output.n;
  j.outH = d.output.h;
  j.outW = d.output.w;
  j.inH = d.input.h;
  j.inW = d.input.w;
  j.inC = d.input.c;
  j.filterH = d.filter.h;
  j.filterW = d.filter.w;
  j.strideH = p.strideH;
  j.strideW = p.strideW;
  j.dilationH = p.dilationH;
  j.dilationW = p.dilationW;
  j.padH = p.padH;
  j.padW = p.padW;
  j.direct = j.filterH == 1 && j.filterW == 1 && j.padH == 0 && j.padW == 0;
  j.padValue = static_cast<int8_t>(-p.inputOffset);
  j.depth = d.filter.h * d.filter.w * d.filter.c;
  j.channels = d.output.c;
  j.weights = weights;
  j.strideO = j.depth;
  j.strideK = 1;
  j.panel = d.panel;
  j.src.multipliers = d.quant.multipliers;
  j.src.shifts = d.quant.shifts;
  j.src.perChannel = true;
  j.src.bias = bias;
  j.src.inputTerm = p.inputOffset - activationBias;
  j.src.outputOffset = p.outputOffset;
  j.src.actMin = p.actMin;
  j.src.actMax = p.actMax;
  return j;
}

namespace {

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  kernels::WindowOpData* d = nullptr;
  Status s = kernels::prepareWindowOp(ctx, false, &d);
  if (s != Status::kOk) return s;
  const bool groups = d->filter.c != d->input.c;
  const bool constant = ctx.input(1).isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || groups || !constant) return Status::kOk;  // reference math
  const size_t activations = static_cast<size_t>(d->input.flatSize()) + static_cast<size_t>(d->output.flatSize());
  d->panel = choosePanel(d->output.c, d->filter.h * d->filter.w * d->filter.c, panelBudget(activations));
  const GemmJob j = convJob(*d, nullptr, nullptr, simd->activationBias);
  if ((s = ctx.requestScratch(gemmScratchBytes(j), &d->scratch)) != Status::kOk) return s;
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
    kernels::reference::convPerChannel(d->params, d->quant.multipliers, d->quant.shifts, d->input,
                                       ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1), bias,
                                       d->output, ctx.outputData<int8_t>(0));
    return;
  }
  const SimdKernels* simd = simdKernels(kIsa);
  GemmJob j = convJob(*d, ctx.inputData<int8_t>(1), bias, simd->activationBias);
  j.input = ctx.inputData<int8_t>(0);
  j.output = ctx.outputData<int8_t>(0);
  j.scratch = static_cast<int8_t*>(d->scratch);
  simd->gemm(j);
}

}  // namespace

OpRegistration registerConv2d(Isa isa) {
  OpRegistration r = kernels::registerConv2d();
  r.init = nullptr;
  switch (isa) {
    case Isa::kReference: r.prepare = prepare<0>; r.invoke = invoke<0>; break;
    case Isa::kAvx2: r.prepare = prepare<1>; r.invoke = invoke<1>; break;
    case Isa::kAvxVnni: r.prepare = prepare<2>; r.invoke = invoke<2>; break;
    case Isa::kAvx512Vnni: r.prepare = prepare<3>; r.invoke = invoke<3>; break;
  }
  return r;
}

}  // namespace tinyscope::runner::optimized
