// FULLY_CONNECTED, optimized: the batches are the rows of an int8 GEMM against the weights read
// in place (one row: dot products straight from the weight rows; more: a packed panel in
// scratch); a non-zero filter zero point adds a per-row term computed at invoke.
#include "model_runner/kernels/fully_connected.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

using namespace kernels;

// sum (w + fo)(x + io) = sum w (x + a) + (io - a) sum w + fo (sum x + depth io), where a is what
// the kernel adds to each activation byte: the second term goes with the bias, the third is
// computed per row at invoke when fo != 0.
GemmJob fcJob(const FullyConnectedOpData& d, const int8_t* weights, const int32_t* bias,
              int32_t activationBias) {
  const FullyConnectedParams& p = d.params;
  GemmJob j;
  j.batches = d.batches;
  j.inC = d.accumDepth;
  j.direct = true;
  j.depth = d.accumDepth;
  j.channels = d.outputDepth;
  j.filterOffset = p.filterOffset;
  j.inputOffset = p.inputOffset;
  j.weights = weights;
  j.strideO = d.accumDepth;
  j.strideK = 1;
  j.panel = d.panel;
  j.src.multipliers = d.perChannel ? d.quant.multipliers : &d.multiplier;
  j.src.shifts = d.perChannel ? d.quant.shifts : &d.shift;
  j.src.perChannel = d.perChannel;
  j.src.bias = bias;
  j.src.inputTerm = p.inputOffset - activationBias;
  j.src.outputOffset = p.outputOffset;
  j.src.actMin = p.actMin;
  j.src.actMax = p.actMax;
  return j;
}

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  FullyConnectedOpData* d = nullptr;
  Status s = prepareFullyConnectedOp(ctx, &d);
  if (s != Status::kOk) return s;
  const bool constant = ctx.input(1).isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || !constant) return Status::kOk;  // reference math
  const size_t activations =
      static_cast<size_t>(d->batches) *
      (static_cast<size_t>(d->accumDepth) + static_cast<size_t>(d->outputDepth));
  GemmJob j = fcJob(*d, nullptr, nullptr, simd->activationBias);
  planGemm(j, gemmScratchCap(activations), simd->tileRows);
  d->panel = j.panel;
  // Several rows: staged rows and the packed panel. Few rows (or no panel) read input and
  // weights in place.
  const size_t bytes = gemmScratchBytes(j);
  if (bytes > 0 && (s = ctx.requestScratch(bytes, &d->scratch)) != Status::kOk) return s;
  d->fast = true;
  // Desktop host cache: padded weights and requantization constants built once (few rows
  // only; a zero filter offset, as TFLM's int8 path has).
  if (d->batches <= kGemvMaxRows && d->params.filterOffset == 0) {
    auto* cached = static_cast<CachedGemv*>(ctx.allocateHostCache(sizeof(CachedGemv)));
    const FullyConnectedParams& p = d->params;
    if (cached != nullptr &&
        buildCachedGemv(ctx, ctx.inputData<int8_t>(1), d->outputDepth, d->accumDepth,
                        d->hasBias ? ctx.inputData<int32_t>(2) : nullptr,
                        p.inputOffset - simd->activationBias, j.src.multipliers, j.src.shifts,
                        d->perChannel, p.outputOffset, p.actMin, p.actMax, cached)) {
      ctx.setHostData(cached);
    }
  }
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

template <uint8_t kIsa>
void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const FullyConnectedOpData*>(ctx.userData());
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(2) : nullptr;
  if (!d->fast) {
    reference::fullyConnected(d->params, d->perChannel ? d->quant.multipliers : &d->multiplier,
                              d->perChannel ? d->quant.shifts : &d->shift, d->perChannel,
                              d->batches, d->accumDepth, d->outputDepth, ctx.inputData<int8_t>(0),
                              ctx.inputData<int8_t>(1), bias, ctx.outputData<int8_t>(0));
    return;
  }
  const SimdKernels* simd = simdKernels(kIsa);
  if (const auto* cached = static_cast<const CachedGemv*>(ctx.hostData())) {
    simd->gemvCached(*cached, ctx.inputData<int8_t>(0), d->batches, ctx.outputData<int8_t>(0),
                     nullptr);
    return;
  }
  GemmJob j = fcJob(*d, ctx.inputData<int8_t>(1), bias, simd->activationBias);
  planGemm(j,
           gemmScratchCap(static_cast<size_t>(d->batches) * (static_cast<size_t>(d->accumDepth) +
                                                             static_cast<size_t>(d->outputDepth))),
           simd->tileRows);
  j.input = ctx.inputData<int8_t>(0);
  j.output = ctx.outputData<int8_t>(0);
  j.scratch = static_cast<int8_t*>(d->scratch);
  simd->gemm(j);
}

}  // namespace

OpRegistration registerFullyConnected(Isa isa) {
  OpRegistration r = kernels::registerFullyConnected();
  r.init = nullptr;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  r.invoke = forIsa(isa, invoke<0>, invoke<1>, invoke<2>, invoke<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
