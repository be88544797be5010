// DEPTHWISE_CONV_2D, optimized: 8 channels per vector, taps taken in pairs through an int16
// multiply-add (exact), per-channel requantization in the vector unit. Weights are read in place
// from the model. Out-of-image taps read a row of input zero points, which contributes nothing,
// so every pixel runs the same loop. A single input channel runs, with a host cache, a kernel
// that broadcasts 4 input bytes of a filter row against 8 channels' packed weights (VPDPBUSD)
// over a padded copy of the image; without one, as a GEMM.
#include "model_runner/kernels/depthwise_conv_2d.h"

#include <algorithm>
#include <cstring>
#include <utility>

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

// The input copied with its padding on every side (host cache), so that every tap of every
// output pixel lies inside: height x width pixels of `channels` bytes per batch.
struct PaddedImage {
  int8_t* data = nullptr;
  int32_t height = 0, width = 0;
};

// Sizes the image for the layer (at least minWidth pixels across) and takes its memory from the
// host cache; false without one, when exhausted, or beyond maxBytes.
bool planPaddedImage(const OpContext& ctx, const kernels::WindowOpData& d, int64_t minWidth,
                     int32_t channels, int64_t maxBytes, PaddedImage* image) {
  const kernels::ConvParams& p = d.params;
  const int64_t height =
      std::max<int64_t>(int64_t{p.padH} + d.input.h, int64_t{d.output.h - 1} * p.strideH +
                                                         int64_t{d.filter.h - 1} * p.dilationH + 1);
  const int64_t width = std::max<int64_t>(int64_t{p.padW} + d.input.w, minWidth);
  const int64_t bytes = int64_t{d.input.n} * height * width * channels;
  if (bytes > maxBytes) return false;
  image->data = static_cast<int8_t*>(ctx.allocateHostCache(static_cast<size_t>(bytes) + 16));
  image->height = static_cast<int32_t>(height);
  image->width = static_cast<int32_t>(width);
  return image->data != nullptr;
}

// Fills `image` from `input` (`channels` bytes a pixel): each byte plus `addend` (the kernel
// form), the padding the input zero point plus `addend`.
void fillPaddedImage(const kernels::WindowOpData& d, const PaddedImage& image, const int8_t* input,
                     int32_t channels, int32_t addend) {
  const auto add = static_cast<uint8_t>(addend);
  const auto pad = static_cast<int8_t>(static_cast<uint8_t>(-d.params.inputOffset) + add);
  const size_t c = static_cast<size_t>(channels);
  const size_t width = static_cast<size_t>(image.width) * c;
  const size_t inRow = static_cast<size_t>(d.input.w) * c;
  const size_t left = static_cast<size_t>(d.params.padW) * c;
  int8_t* dst = image.data;
  for (int32_t b = 0; b < d.input.n; ++b) {
    for (int32_t y = 0; y < image.height; ++y, dst += width) {
      const int32_t iy = y - d.params.padH;
      if (iy < 0 || iy >= d.input.h) {
        std::memset(dst, pad, width);
        continue;
      }
      const int8_t* src = input + (static_cast<size_t>(b) * d.input.h + iy) * inRow;
      std::memset(dst, pad, left);
      if (add == 0) {
        std::memcpy(dst + left, src, inRow);
      } else {
        for (size_t x = 0; x < inRow; ++x) {
          dst[left + x] = static_cast<int8_t>(static_cast<uint8_t>(src[x]) + add);
        }
      }
      std::memset(dst + left + inRow, pad, width - left - inRow);
    }
  }
}

// A job over a padded image: no padding left, every window inside.
void usePaddedImage(const PaddedImage& image, DepthwiseJob* j) {
  j->inH = image.height;
  j->inW = image.width;
  j->padH = j->padW = 0;
  j->input = image.data;
}

// A one-pixel-wide image under a one-tap-wide filter (temporal Kx1 filters over [n, T, 1, C], as
// streaming keyword models use) has the memory layout of a one-row image under a 1xK filter, both
// for pixels and taps: run it as that row, so the kernel keeps weights and requantization in
// registers across its T pixels instead of starting again at every one-pixel row.
void asRow(DepthwiseJob* j) {
  if (j->inW != 1 || j->outW != 1 || j->filterW != 1 || j->padW != 0 || j->inH == 1) return;
  std::swap(j->inH, j->inW);
  std::swap(j->outH, j->outW);
  std::swap(j->filterH, j->filterW);
  std::swap(j->strideH, j->strideW);
  std::swap(j->dilationH, j->dilationW);
  std::swap(j->padH, j->padW);
}

// A single input channel with a host cache and dilation 1 across runs the broadcast kernel
// (DepthwiseJob::packedTaps): the weights packed once at prepare, and an image buffer that each
// invoke fills with the input padded on every side and in kernel form.
struct BroadcastPlan {
  PackedGemm packed;  // groups of 4 taps along each filter row, zero past its width
  PaddedImage image;  // in kernel form
  int32_t rowGroups = 0;
};
// WindowOpData::panel of an operator whose host data is a BroadcastPlan (the GEMM's is >= 0).
constexpr int32_t kBroadcastPanel = -1;

// Builds the plan in the host cache; false without one (or when it is exhausted).
bool buildBroadcastPlan(const OpContext& ctx, const kernels::WindowOpData& d, const int8_t* weights,
                        const int32_t* bias, int32_t activationBias) {
  const kernels::ConvParams& p = d.params;
  if (p.dilationW != 1) return false;
  const int32_t fh = d.filter.h, fw = d.filter.w, channels = d.output.c;
  const int32_t groups = roundUp(fw, 4) / 4;
  PaddedImage image;
  if (!planPaddedImage(ctx, d, int64_t{d.output.w - 1} * p.strideW + 4 * groups, 1,
                       int64_t{1} << 28, &image)) {
    return false;
  }
  auto* plan = static_cast<BroadcastPlan*>(ctx.allocateHostCache(sizeof(BroadcastPlan)));
  const size_t depth = static_cast<size_t>(fh) * 4 * static_cast<size_t>(groups);
  // The filter as [channel][row][4 * groups taps] rows, zero past the width, for the packing.
  auto* rows = static_cast<int8_t*>(ctx.allocateHostCache(depth * static_cast<size_t>(channels)));
  if (plan == nullptr || rows == nullptr) return false;
  std::memset(rows, 0, depth * static_cast<size_t>(channels));
  for (int32_t c = 0; c < channels; ++c) {
    for (int32_t fy = 0; fy < fh; ++fy) {
      for (int32_t fx = 0; fx < fw; ++fx) {
        rows[static_cast<size_t>(c) * depth + static_cast<size_t>(fy) * 4 * groups + fx] =
            weights[(static_cast<size_t>(fy) * fw + fx) * channels + c];
      }
    }
  }
  GemmJob g = gemmJob(d, weights, bias, activationBias);
  g.weights = rows;
  g.depth = static_cast<int32_t>(depth);
  g.strideO = g.depth;
  g.strideK = 1;
  *plan = BroadcastPlan{};
  if (!buildPackedGemm(ctx, g, &plan->packed)) return false;
  plan->image = image;
  plan->rowGroups = groups;
  ctx.setHostData(plan);
  return true;
}

// Several input channels with a host cache: the requantization arrays and the weights as int16
// tap pairs, prepared once (DepthwiseJob::cachedRq, pairWeights).
// With padding, a multiplier of 1 and a small image, also an image buffer for the input padded on
// every side (one column more across for the 3x3 row loop), so that no pixel takes the border
// path. Small: copying larger images into buffers of their own costs more than their borders
// (mobilenet_v2's 112x112x96 layers ran 20% slower).
constexpr int64_t kMaxPaddedImageBytes = 32 * 1024;
struct PairPlan {
  CachedGemv rq;  // its weights: the filter as [channel][tap] rows (unused by the kernel)
  int16_t* pairWeights = nullptr;
  PaddedImage image;  // data null: the input is used as it is
};

// Builds the plan in the host cache; false without one (or when it is exhausted).
bool buildPairPlan(const OpContext& ctx, const kernels::WindowOpData& d, const int8_t* weights,
                   const int32_t* bias) {
  const int32_t channels = d.output.c, taps = d.filter.h * d.filter.w;
  const size_t padded = static_cast<size_t>(roundUp(channels, kChannelBlock));
  const size_t pairs = depthwiseTaps(d.filter.h, d.filter.w) / 2;
  auto* plan = static_cast<PairPlan*>(ctx.allocateHostCache(sizeof(PairPlan)));
  auto* rows = static_cast<int8_t*>(
      ctx.allocateHostCache(static_cast<size_t>(channels) * static_cast<size_t>(taps)));
  auto* pairWeights =
      static_cast<int16_t*>(ctx.allocateHostCache(sizeof(int16_t) * 2 * pairs * padded));
  if (plan == nullptr || rows == nullptr || pairWeights == nullptr) return false;
  std::memset(pairWeights, 0, sizeof(int16_t) * 2 * pairs * padded);
  for (int32_t t = 0; t < taps; ++t) {
    for (int32_t c = 0; c < channels; ++c) {
      const int8_t w = weights[static_cast<size_t>(t) * channels + c];
      rows[static_cast<size_t>(c) * taps + t] = w;
      pairWeights[(static_cast<size_t>(t / 2) * padded + c) * 2 + t % 2] = w;
    }
  }
  *plan = PairPlan{};
  const kernels::ConvParams& p = d.params;
  if (!buildCachedGemv(ctx, rows, channels, taps, bias, p.inputOffset, d.quant.multipliers,
                       d.quant.shifts, true, p.outputOffset, p.actMin, p.actMax, &plan->rq)) {
    return false;
  }
  plan->pairWeights = pairWeights;
  if ((p.padH > 0 || p.padW > 0) && d.depthMultiplier == 1) {
    const int64_t span = int64_t{d.filter.w - 1} * p.dilationW + 1;
    const int64_t width = int64_t{d.output.w - 1} * p.strideW + std::max<int64_t>(span, 4);
    if (!planPaddedImage(ctx, d, width, channels, kMaxPaddedImageBytes, &plan->image))
      plan->image = PaddedImage{};
  }
  ctx.setHostData(plan);
  return true;
}

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  kernels::WindowOpData* d = nullptr;
  Status s = kernels::prepareWindowOp(ctx, true, &d);
  if (s != Status::kOk) return s;
  const bool constant = ctx.input(1).isConstant() && (!d->hasBias || ctx.input(2).isConstant());
  if (simd == nullptr || !constant) return Status::kOk;  // reference math
  size_t bytes = 0;
  if (d->input.c == 1 &&
      buildBroadcastPlan(ctx, *d, ctx.inputData<int8_t>(1),
                         d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, simd->activationBias)) {
    d->panel = kBroadcastPanel;  // no scratch
  } else if (d->input.c == 1) {
    const size_t activations =
        static_cast<size_t>(d->input.flatSize()) + static_cast<size_t>(d->output.flatSize());
    GemmJob g = gemmJob(*d, ctx.inputData<int8_t>(1),
                        d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, simd->activationBias);
    bytes = planPackedGemm(ctx, g, gemmScratchCap(activations), simd->tileRows);
    d->panel = g.panel;
  } else {
    buildPairPlan(ctx, *d, ctx.inputData<int8_t>(1),
                  d->hasBias ? ctx.inputData<int32_t>(2) : nullptr);  // else sums per invoke
    bytes = depthwiseScratchBytes(depthwiseJob(*d, nullptr, nullptr));
  }
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
    kernels::reference::depthwiseConvPerChannel(d->params, d->depthMultiplier, d->quant.multipliers,
                                                d->quant.shifts, d->input, ctx.inputData<int8_t>(0),
                                                d->filter, ctx.inputData<int8_t>(1), bias,
                                                d->output, ctx.outputData<int8_t>(0));
    return;
  }
  const SimdKernels* simd = simdKernels(kIsa);
  if (d->panel == kBroadcastPanel) {
    const auto* plan = static_cast<const BroadcastPlan*>(ctx.hostData());
    fillPaddedImage(*d, plan->image, ctx.inputData<int8_t>(0), 1, simd->activationBias);
    DepthwiseJob j = depthwiseJob(*d, nullptr, bias);
    usePaddedImage(plan->image, &j);
    j.packedTaps = plan->packed.panel;
    j.cachedRq = &plan->packed.rq;
    j.rowGroups = plan->rowGroups;
    j.output = ctx.outputData<int8_t>(0);
    if (!depthwiseInBands(j, simd->depthwise)) simd->depthwise(j);
    return;
  }
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
  if (const auto* plan = static_cast<const PairPlan*>(ctx.hostData())) {
    j.cachedRq = &plan->rq.rq;
    j.pairWeights = plan->pairWeights;
  }
  j.input = ctx.inputData<int8_t>(0);
  if (const auto* plan = static_cast<const PairPlan*>(ctx.hostData());
      plan != nullptr && plan->image.data != nullptr) {
    fillPaddedImage(*d, plan->image, j.input, d->output.c, 0);
    usePaddedImage(plan->image, &j);
  }
  asRow(&j);
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
