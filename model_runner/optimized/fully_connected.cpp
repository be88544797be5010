// FULLY_CONNECTED, optimized: the batches are the rows of an int8 GEMM against weights packed at
// prepare; a non-zero filter zero point adds a per-row term computed at invoke.
#include "model_runner/kernels/fully_connected.h"

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

struct FullyConnectedData {
  const SimdKernels* simd = nullptr;  // nullptr: the reference math on the fields below
  GemmJob job;
  void* scratch = nullptr;
  kernels::FullyConnectedParams params;
  int32_t batches = 0, accumDepth = 0, outputDepth = 0;
  int32_t multiplier = 0, shift = 0;  // per-tensor case
  kernels::PerChannelQuant quant;     // per-channel case
  bool perChannel = false;
  bool hasBias = false;
};

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  // Every check (and every error message) of the reference kernel.
  Status s = kernels::registerFullyConnected().prepare(ctx);
  if (s != Status::kOk) return s;
  using namespace schema::fully_connected_options;
  const TensorDesc input = ctx.input(0), filter = ctx.input(1), output = ctx.output(0);
  auto* d = static_cast<FullyConnectedData*>(ctx.allocatePersistent(sizeof(FullyConnectedData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = FullyConnectedData();
  ctx.setUserData(d);
  d->outputDepth = filter.dims[0];
  d->accumDepth = filter.dims[1];
  d->batches = static_cast<int32_t>(output.elementCount / static_cast<size_t>(d->outputDepth));
  kernels::FullyConnectedParams& p = d->params;
  p.inputOffset = -input.zeroPoint();
  p.filterOffset = -filter.zeroPoint();
  p.outputOffset = output.zeroPoint();
  const fb::Table& o = ctx.options();
  if ((s = kernels::activationRange(ctx, o.u8(kActivation), output, &p.actMin, &p.actMax)) != Status::kOk) return s;
  d->hasBias = ctx.hasInput(2);
  if (filter.numChannels() > 1) {
    d->perChannel = true;
    if ((s = kernels::populatePerChannel(ctx, input, filter, output, d->outputDepth, &d->quant)) != Status::kOk) {
      return s;
    }
  } else {
    const double real = static_cast<double>(input.scale()) * static_cast<double>(filter.scale()) /
                        static_cast<double>(output.scale());
    int shift = 0;
    if (!quant::quantizeMultiplier(real, &d->multiplier, &shift)) {
      return ctx.fail(Status::kBadQuantization, "effective scale", filter.index);
    }
    d->shift = shift;
  }

  const bool constant = filter.isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || !constant) return Status::kOk;  // reference math

  GemmJob& j = d->job;
  j.batches = d->batches;
  j.inC = d->accumDepth;
  j.direct = true;
  j.depth = d->accumDepth;
  j.channels = d->outputDepth;
  j.filterOffset = p.filterOffset;
  j.inputOffset = p.inputOffset;
  auto* sums = static_cast<int32_t*>(ctx.allocatePersistent(sizeof(int32_t) * static_cast<size_t>(j.channels)));
  if (sums == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  j.packed = packGemmWeights(ctx, reinterpret_cast<const int8_t*>(filter.constData), j.channels, j.depth, sums);
  if (j.packed == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  const auto* bias = d->hasBias ? reinterpret_cast<const int32_t*>(ctx.input(2).constData) : nullptr;
  // sum (w + fo)(x + io) = sum w (x + a) + (io - a) sum w + fo (sum x + depth io), where a is
  // what the kernel adds to each activation byte: the second term goes into offsetBias, the
  // third is computed per row at invoke when fo != 0.
  s = buildRequant(ctx, j.channels, d->perChannel ? d->quant.multipliers : &d->multiplier,
                   d->perChannel ? d->quant.shifts : &d->shift, d->perChannel, bias, sums,
                   p.inputOffset - simd->activationBias, p.outputOffset, p.actMin, p.actMax, &j.rq);
  if (s != Status::kOk) return s;
  // The input rows staged in the kernel's operand form (VNNI).
  if (simd->activationBias != 0 && (s = ctx.requestScratch(gemmScratchBytes(j.depth), &d->scratch)) != Status::kOk) {
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
  const auto* d = static_cast<const FullyConnectedData*>(ctx.userData());
  if (d->simd == nullptr) {
    kernels::reference::fullyConnected(d->params, d->perChannel ? d->quant.multipliers : &d->multiplier,
                                       d->perChannel ? d->quant.shifts : &d->shift, d->perChannel, d->batches,
                                       d->accumDepth, d->outputDepth, ctx.inputData<int8_t>(0),
                                       ctx.inputData<int8_t>(1), d->hasBias ? ctx.inputData<int32_t>(2) : nullptr,
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

OpRegistration registerFullyConnected(Isa isa) {
  OpRegistration r = kernels::registerFullyConnected();
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
