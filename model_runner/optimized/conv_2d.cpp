// CONV_2D, optimized: im2col (or the input rows themselves for 1x1 filters) times the weights,
// int8 GEMM with per-channel requantization in the vector unit. With a host cache the weights
// are packed there once at prepare; otherwise they are read in place from the model and at
// invoke a panel of them is packed into the operator's scratch.
#include "model_runner/kernels/conv_2d.h"

#include "model_runner/kernels/window_op.h"
#include "model_runner/optimized/optimized_ops.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/parallel.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

void planGemm(GemmJob& j, size_t cap, int32_t tileRows) {
  const int32_t all = roundUp(j.channels, kChannelBlock);
  j.rows = tileRows < kGemmMaxRows ? tileRows : kGemmMaxRows;
  j.panel = all;
  if (gemmInPlace(j)) return;  // few rows: the dot-product kernel whatever the panel
  const size_t k4 = static_cast<size_t>(roundUp(j.depth, 4));
  auto bytes = [&j](int32_t panel, int32_t rows) {
    GemmJob t = j;
    t.panel = panel;
    t.rows = rows;
    return gemmScratchBytes(t);
  };
  if (bytes(all, j.rows) <= cap) return;
  const size_t rowsOnly =
      static_cast<size_t>(roundUp(static_cast<int32_t>(static_cast<size_t>(j.rows) * k4 + 16), 16));
  const size_t fit = cap > rowsOnly ? (cap - rowsOnly) / (k4 + sizeof(int32_t)) : 0;
  if (j.strideK == 1) {
    const int32_t panel = static_cast<int32_t>(fit) / 32 * 32;
    if (panel >= 32 && 2 * panel >= all) {
      j.panel = panel;
    } else {
      j.panel = 0;  // weights in place
      j.rows = 1;
    }
    return;
  }
  int32_t panel = static_cast<int32_t>(fit) / kChannelBlock * kChannelBlock;
  if (panel >= kChannelBlock) {
    j.panel = panel;
    return;
  }
  // Panels of 8 channels; fewer im2col rows.
  j.panel = kChannelBlock;
  while (j.rows > 1 && bytes(kChannelBlock, j.rows) > cap) --j.rows;
}

// Three input channels (an RGB first layer): each filter tap becomes one group of 4 depth values
// (27 -> 36 for 3x3), read in place from a strip of padded input rows, when the strip fits the
// scratch cap. Fewer channels would multiply the depth by more than 4/3 (and filter rows of a
// multiple of 4 bytes are read in place anyway).
static bool stripFits(GemmJob& c, size_t cap) {
  const bool windowRows = c.dilationW == 1 && (c.inC * c.filterW) % 4 == 0;
  if (c.direct || c.inC != 3 || windowRows || c.strideK != 1 || c.filterOffset != 0 ||
      c.filterH * c.filterW > 1024 || c.strideO != c.depth) {
    return false;
  }
  c.stripC = 4;
  c.depth = c.filterH * c.filterW * c.stripC;
  return gemmStripBytes(c) <= cap;
}

size_t planPackedGemm(const OpContext& ctx, GemmJob& j, size_t cap, int32_t tileRows) {
  planGemm(j, cap, tileRows);
  const size_t plain = gemmScratchBytes(j);
  if (gemmRows(j) <= kGemvMaxRows) return plain;  // few rows: weights in place
  const size_t limit = plain < cap ? plain : cap;
  GemmJob c = j;
  c.cachedPanel = j.weights;  // any non-null pointer: the scratch of the cached form
  c.panel = roundUp(j.channels, kChannelBlock);
  c.rows = tileRows < kGemmMaxRows ? tileRows : kGemmMaxRows;
  GemmJob strip = c;
  if (stripFits(strip, cap)) {
    c = strip;
  } else {
    while (c.rows > 1 && gemmScratchBytes(c) > limit) --c.rows;
    if (gemmScratchBytes(c) > limit) return plain;
  }
  auto* cache = static_cast<PackedGemm*>(ctx.allocateHostCache(sizeof(PackedGemm)));
  if (cache == nullptr || !buildPackedGemm(ctx, c, cache)) return plain;
  cache->rows = c.rows;
  ctx.setHostData(cache);
  c.cachedPanel = cache->panel;
  c.cachedRq = &cache->rq;
  j = c;
  return gemmScratchBytes(j);
}

void planGemmInvoke(const OpContext& ctx, GemmJob& j, size_t cap, int32_t tileRows) {
  if (const auto* cache = static_cast<const PackedGemm*>(ctx.hostData())) {
    j.cachedPanel = cache->panel;
    j.cachedRq = &cache->rq;
    j.panel = roundUp(j.channels, kChannelBlock);
    j.rows = cache->rows;
    if (cache->stripC > 0) {
      j.stripC = cache->stripC;
      j.depth = j.filterH * j.filterW * j.stripC;
    }
    return;
  }
  planGemm(j, cap, tileRows);
}

// The GEMM view of a convolution (input, output and scratch set at invoke).
static GemmJob convJob(const kernels::WindowOpData& d, const int8_t* weights, const int32_t* bias,
                       int32_t activationBias) {
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
  const size_t activations =
      static_cast<size_t>(d->input.flatSize()) + static_cast<size_t>(d->output.flatSize());
  GemmJob j = convJob(*d, ctx.inputData<int8_t>(1),
                      d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, simd->activationBias);
  const size_t bytes = planPackedGemm(ctx, j, gemmScratchCap(activations), simd->tileRows);
  d->panel = j.panel;
  if (bytes > 0 && (s = ctx.requestScratch(bytes, &d->scratch)) != Status::kOk) return s;
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
    kernels::reference::convPerChannel(
        d->params, d->quant.multipliers, d->quant.shifts, d->input, ctx.inputData<int8_t>(0),
        d->filter, ctx.inputData<int8_t>(1), bias, d->output, ctx.outputData<int8_t>(0));
    return;
  }
  const SimdKernels* simd = simdKernels(kIsa);
  GemmJob j = convJob(*d, ctx.inputData<int8_t>(1), bias, simd->activationBias);
  planGemmInvoke(ctx, j,
                 gemmScratchCap(static_cast<size_t>(d->input.flatSize()) +
                                static_cast<size_t>(d->output.flatSize())),
                 simd->tileRows);
  j.input = ctx.inputData<int8_t>(0);
  j.output = ctx.outputData<int8_t>(0);
  j.scratch = static_cast<int8_t*>(d->scratch);
  if (!gemmInBands(j, simd->gemm)) simd->gemm(j);
}

}  // namespace

OpRegistration registerConv2d(Isa isa) {
  OpRegistration r = kernels::registerConv2d();
  r.init = nullptr;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  r.invoke = forIsa(isa, invoke<0>, invoke<1>, invoke<2>, invoke<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
