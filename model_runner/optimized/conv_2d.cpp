// CONV_2D, optimized: im2col (or the input rows themselves for 1x1 filters) times weights
// packed at prepare, int8 GEMM with per-channel requantization in the vector unit.
#include "model_runner/kernels/conv_2d.h"

#include "model_runner/optimized/optimized_ops.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

using kernels::Shape4;

struct ConvData {
  const SimdKernels* simd = nullptr;  // nullptr: the reference math on the fields below
  GemmJob job;
  void* scratch = nullptr;
  kernels::ConvParams params;
  Shape4 input, filter, output;
  kernels::PerChannelQuant quant;
  bool hasBias = false;
};

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  // Every check (and every error message) of the reference kernel.
  Status s = kernels::registerConv2d().prepare(ctx);
  if (s != Status::kOk) return s;
  using namespace schema::conv2d_options;
  const TensorDesc input = ctx.input(0), filter = ctx.input(1), output = ctx.output(0);
  auto* d = static_cast<ConvData*>(ctx.allocatePersistent(sizeof(ConvData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = ConvData();
  ctx.setUserData(d);
  d->input = kernels::shape4(input);
  d->filter = kernels::shape4(filter);
  d->output = kernels::shape4(output);
  const fb::Table& o = ctx.options();
  kernels::ConvParams& p = d->params;
  p.strideW = o.i32(kStrideW);
  p.strideH = o.i32(kStrideH);
  p.dilationW = o.i32(kDilationW, 1);
  p.dilationH = o.i32(kDilationH, 1);
  p.padH = kernels::computePadding(p.strideH, p.dilationH, d->input.h, d->filter.h, d->output.h);
  p.padW = kernels::computePadding(p.strideW, p.dilationW, d->input.w, d->filter.w, d->output.w);
  p.inputOffset = -input.zeroPoint();
  p.outputOffset = output.zeroPoint();
  if ((s = kernels::activationRange(ctx, o.u8(kActivation), output, &p.actMin, &p.actMax)) != Status::kOk) return s;
  d->hasBias = ctx.hasInput(2);
  if ((s = kernels::populatePerChannel(ctx, input, filter, output, d->output.c, &d->quant)) != Status::kOk) return s;

  const bool groups = d->filter.c != d->input.c;
  const bool constant = filter.isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || groups || !constant) return Status::kOk;  // reference math

  GemmJob& j = d->job;
  j.batches = d->output.n;
  j.outH = d->output.h;
  j.outW = d->output.w;
  j.inH = d->input.h;
  j.inW = d->input.w;
  j.inC = d->input.c;
  j.filterH = d->filter.h;
  j.filterW = d->filter.w;
  j.strideH = p.strideH;
  j.strideW = p.strideW;
  j.dilationH = p.dilationH;
  j.dilationW = p.dilationW;
  j.padH = p.padH;
  j.padW = p.padW;
  j.direct = j.filterH == 1 && j.filterW == 1 && j.padH == 0 && j.padW == 0;
  j.padValue = static_cast<int8_t>(input.zeroPoint());
  j.depth = d->filter.h * d->filter.w * d->filter.c;
  j.channels = d->output.c;
  auto* sums = static_cast<int32_t*>(ctx.allocatePersistent(sizeof(int32_t) * static_cast<size_t>(j.channels)));
  if (sums == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  j.packed = packGemmWeights(ctx, reinterpret_cast<const int8_t*>(filter.constData), j.channels, j.depth, sums);
  if (j.packed == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  const auto* bias = d->hasBias ? reinterpret_cast<const int32_t*>(ctx.input(2).constData) : nullptr;
  s = buildRequant(ctx, j.channels, d->quant.multipliers, d->quant.shifts, true, bias, sums,
                   p.inputOffset - simd->activationBias, p.outputOffset, p.actMin, p.actMax, &j.rq);
  if (s != Status::kOk) return s;
  // im2col rows, or the input rows staged in the kernel's operand form (VNNI).
  if ((!j.direct || simd->activationBias != 0) &&
      (s = ctx.requestScratch(gemmScratchBytes(j.depth), &d->scratch)) != Status::kOk) {
    return s;
  }
  d->simd = simd;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const ConvData*>(ctx.userData());
  if (d->simd == nullptr) {
    kernels::reference::convPerChannel(d->params, d->quant.multipliers, d->quant.shifts, d->input,
                                       ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1),
                                       d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, d->output,
                                       ctx.outputData<int8_t>(0));
    return;
  }
  GemmJob j = d->job;
  j.input = ctx.inputData<int8_t>(0);
  j.output = ctx.outputData<int8_t>(0);
  j.scratch = static_cast<int8_t*>(d->scratch);
  d->simd->gemm(j);
}

}  // namespace

OpRegistration registerConv2d(Isa isa) {
  OpRegistration r = kernels::registerConv2d();
  r.init = nullptr;
  r.invoke = invoke;
  switch (isa) {
    case Isa::kReference: r.prepare = prepare<0>; break;
    case Isa::kAvx2: r.prepare = prepare<1>; break;
    case Isa::kAvxVnni: r.prepare = prepare<2>; break;
    case Isa::kAvx512Vnni: r.prepare = prepare<3>; break;
  }
  return r;
}

}  // namespace tinyscope::runner::optimized
