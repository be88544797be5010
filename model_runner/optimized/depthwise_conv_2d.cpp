// DEPTHWISE_CONV_2D, optimized: 8 channels per vector, taps taken in pairs through an int16
// multiply-add (exact), per-channel requantization in the vector unit. Out-of-image taps read
// a row of input zero points, which contributes nothing, so every pixel runs the same loop.
#include "model_runner/kernels/depthwise_conv_2d.h"

#include <cstring>

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/packing.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

using kernels::Shape4;

struct DepthwiseData {
  const SimdKernels* simd = nullptr;  // nullptr: the reference math on the fields below
  bool viaGemm = false;               // one input channel: a convolution with `depthMultiplier` filters
  GemmJob gemm;
  DepthwiseJob job;
  void* scratch = nullptr;
  kernels::ConvParams params;
  int32_t depthMultiplier = 1;
  Shape4 input, filter, output;
  kernels::PerChannelQuant quant;
  bool hasBias = false;
};

// [block of 8 channels][pair of taps][channel][tap a, tap b], int16; sums[c] = sum of taps.
const int16_t* packDepthwise(const OpContext& ctx, const int8_t* filter, int32_t taps, int32_t channels,
                             int32_t* sums) {
  const int32_t pairs = static_cast<int32_t>(depthwiseTaps(1, taps)) / 2;
  const int32_t blocks = roundUp(channels, kChannelBlock) / kChannelBlock;
  const size_t count = static_cast<size_t>(blocks) * static_cast<size_t>(pairs) * 16;
  auto* packed = static_cast<int16_t*>(ctx.allocatePersistent(sizeof(int16_t) * count));
  if (packed == nullptr) return nullptr;
  std::memset(packed, 0, sizeof(int16_t) * count);
  for (int32_t c = 0; c < channels; ++c) {
    uint32_t sum = 0;
    int16_t* block = packed + static_cast<size_t>(c / kChannelBlock) * static_cast<size_t>(pairs) * 16;
    for (int32_t t = 0; t < taps; ++t) {
      const int8_t w = filter[static_cast<size_t>(t) * static_cast<size_t>(channels) + static_cast<size_t>(c)];
      block[static_cast<size_t>(t / 2) * 16 + static_cast<size_t>(c % kChannelBlock) * 2 + static_cast<size_t>(t % 2)] = w;
      sum += static_cast<uint32_t>(static_cast<int32_t>(w));
    }
    sums[c] = static_cast<int32_t>(sum);
  }
  return packed;
}

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  // Every check (and every error message) of the reference kernel.
  Status s = kernels::registerDepthwiseConv2d().prepare(ctx);
  if (s != Status::kOk) return s;
  using namespace schema::depthwise_options;
  const TensorDesc input = ctx.input(0), filter = ctx.input(1), output = ctx.output(0);
  auto* d = static_cast<DepthwiseData*>(ctx.allocatePersistent(sizeof(DepthwiseData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = DepthwiseData();
  ctx.setUserData(d);
  d->input = kernels::shape4(input);
  d->filter = kernels::shape4(filter);
  d->output = kernels::shape4(output);
  d->depthMultiplier = d->output.c / d->input.c;
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

  const bool constant = filter.isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || !constant) return Status::kOk;  // reference math

  const auto* bias = d->hasBias ? reinterpret_cast<const int32_t*>(ctx.input(2).constData) : nullptr;
  const auto* weights = reinterpret_cast<const int8_t*>(filter.constData);
  if (d->input.c == 1) {
    // out[oc] = sum_t w[t][oc] * x[t]: CONV_2D with one input channel, filters transposed to OHWI.
    GemmJob& g = d->gemm;
    g.batches = d->output.n;
    g.outH = d->output.h;
    g.outW = d->output.w;
    g.inH = d->input.h;
    g.inW = d->input.w;
    g.inC = 1;
    g.filterH = d->filter.h;
    g.filterW = d->filter.w;
    g.strideH = p.strideH;
    g.strideW = p.strideW;
    g.dilationH = p.dilationH;
    g.dilationW = p.dilationW;
    g.padH = p.padH;
    g.padW = p.padW;
    g.direct = g.filterH == 1 && g.filterW == 1 && g.padH == 0 && g.padW == 0;
    g.padValue = static_cast<int8_t>(input.zeroPoint());
    g.depth = d->filter.h * d->filter.w;
    g.channels = d->output.c;
    const size_t count = static_cast<size_t>(g.depth) * static_cast<size_t>(g.channels);
    auto* transposed = static_cast<int8_t*>(ctx.allocatePersistent(count));
    auto* sums = static_cast<int32_t*>(ctx.allocatePersistent(sizeof(int32_t) * static_cast<size_t>(g.channels)));
    if (transposed == nullptr || sums == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
    for (int32_t t = 0; t < g.depth; ++t) {
      for (int32_t oc = 0; oc < g.channels; ++oc) {
        transposed[static_cast<size_t>(oc) * static_cast<size_t>(g.depth) + static_cast<size_t>(t)] =
            weights[static_cast<size_t>(t) * static_cast<size_t>(g.channels) + static_cast<size_t>(oc)];
      }
    }
    // The transposed copy is only needed while packing; it stays in the tail (prepare cannot
    // free), which costs depth x channels bytes.
    g.packed = packGemmWeights(ctx, transposed, g.channels, g.depth, sums);
    if (g.packed == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
    s = buildRequant(ctx, g.channels, d->quant.multipliers, d->quant.shifts, true, bias, sums,
                     p.inputOffset - simd->activationBias, p.outputOffset, p.actMin, p.actMax, &g.rq);
    if (s != Status::kOk) return s;
    if ((!g.direct || simd->activationBias != 0) &&
        (s = ctx.requestScratch(gemmScratchBytes(g.depth), &d->scratch)) != Status::kOk) {
      return s;
    }
    d->viaGemm = true;
    d->simd = simd;
    return Status::kOk;
  }

  DepthwiseJob& j = d->job;
  j.batches = d->output.n;
  j.inH = d->input.h;
  j.inW = d->input.w;
  j.channels = d->output.c;
  j.outH = d->output.h;
  j.outW = d->output.w;
  j.filterH = d->filter.h;
  j.filterW = d->filter.w;
  j.strideH = p.strideH;
  j.strideW = p.strideW;
  j.dilationH = p.dilationH;
  j.dilationW = p.dilationW;
  j.padH = p.padH;
  j.padW = p.padW;
  j.depthMultiplier = d->depthMultiplier;
  auto* sums = static_cast<int32_t*>(ctx.allocatePersistent(sizeof(int32_t) * static_cast<size_t>(j.channels)));
  if (sums == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  j.packed = packDepthwise(ctx, weights, j.filterH * j.filterW, j.channels, sums);
  if (j.packed == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  auto* zeroRow = static_cast<int8_t*>(ctx.allocatePersistent(static_cast<size_t>(j.channels) + 16));
  if (zeroRow == nullptr) return ctx.fail(Status::kArenaTooSmall, "optimized weights");
  std::memset(zeroRow, input.zeroPoint(), static_cast<size_t>(j.channels) + 16);
  j.zeroRow = zeroRow;
  // The loop multiplies raw input bytes: sum w * (x + offset) = sum w * x + offset * sum w.
  s = buildRequant(ctx, j.channels, d->quant.multipliers, d->quant.shifts, true, bias, sums, p.inputOffset,
                   p.outputOffset, p.actMin, p.actMax, &j.rq);
  if (s != Status::kOk) return s;
  if ((s = ctx.requestScratch(depthwiseScratchBytes(j), &d->scratch)) != Status::kOk) return s;
  d->simd = simd;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const DepthwiseData*>(ctx.userData());
  if (d->simd == nullptr) {
    kernels::reference::depthwiseConvPerChannel(d->params, d->depthMultiplier, d->quant.multipliers,
                                                d->quant.shifts, d->input, ctx.inputData<int8_t>(0), d->filter,
                                                ctx.inputData<int8_t>(1),
                                                d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, d->output,
                                                ctx.outputData<int8_t>(0));
    return;
  }
  if (d->viaGemm) {
    GemmJob g = d->gemm;
    g.input = ctx.inputData<int8_t>(0);
    g.output = ctx.outputData<int8_t>(0);
    g.scratch = static_cast<int8_t*>(d->scratch);
    d->simd->gemm(g);
    return;
  }
  DepthwiseJob j = d->job;
  j.input = ctx.inputData<int8_t>(0);
  j.output = ctx.outputData<int8_t>(0);
  j.scratch = static_cast<uint8_t*>(d->scratch);
  d->simd->depthwise(j);
}

}  // namespace

OpRegistration registerDepthwiseConv2d(Isa isa) {
  OpRegistration r = kernels::registerDepthwiseConv2d();
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
