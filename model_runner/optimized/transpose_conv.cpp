// TRANSPOSE_CONV, optimized for desktop hosts with a host cache: int8 data as a GEMM plus a
// col2im scatter. Each input row of pixels meets the filter, reordered at prepare to
// [tap][out channel][in channel], through the cached int8 GEMV kernel (int32 results, the
// input zero point folded into the per-row constant); each pixel's taps are then added into
// the output accumulators, and every output pixel is requantized per channel by the vector
// requantization. The reference accumulates in wrapping int32 too, so the different order of
// the sums gives the same bits. int16 and float32 data, a filter or bias that is not constant,
// or no host cache: the reference kernel.
#include "model_runner/kernels/transpose_conv.h"

#include <cstring>

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

// Tap results kept per GEMV call: a few pixels' worth stays in the L1 cache.
constexpr size_t kRowAccBytes = size_t{16} << 10;

// Host-cache data of the fast path (nullptr hostData: the reference).
struct TransposeConvFast {
  const SimdKernels* simd = nullptr;
  kernels::Shape4 input, filter, output;
  int32_t strideH = 1, strideW = 1, padH = 0, padW = 0;
  CachedGemv taps;            // rows (tap, out channel), depth = input channels
  RequantParams rq;           // per output channel: bias, multiplier, shifts; zero point and clamp
  int32_t* sums = nullptr;    // output elements + kChannelBlock slack
  int32_t chunk = 1;          // input pixels per GEMV call (at most a row)
  int32_t* rowAcc = nullptr;  // chunk x taps x out channels
  int32_t* pixel = nullptr;   // roundUp(out channels, 8) requantized values
};

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  Status s = kernels::registerTransposeConv().prepare(ctx);
  if (s != Status::kOk || simd == nullptr) return s;
  const TensorDesc filter = ctx.input(1), input = ctx.input(2), output = ctx.output(0);
  const bool hasBias = ctx.hasInput(3);
  if (input.type != TensorType::kInt8 || !filter.isConstant() ||
      (hasBias && !ctx.input(3).isConstant())) {
    return Status::kOk;
  }
  auto* f = static_cast<TransposeConvFast*>(ctx.allocateHostCache(sizeof(TransposeConvFast)));
  if (f == nullptr) return Status::kOk;
  *f = TransposeConvFast();
  f->simd = simd;
  f->input = kernels::shape4(input);
  f->filter = kernels::shape4(filter);
  f->output = kernels::shape4(output);
  const kernels::Shape4& in = f->input;
  const kernels::Shape4& fs = f->filter;
  const kernels::Shape4& out = f->output;
  // The geometry and quantization as the reference prepare derived them (it accepted them).
  const fb::Table& o = ctx.options();
  const auto padding = static_cast<schema::Padding>(o.u8(schema::transpose_conv_options::kPadding));
  f->strideW = o.i32(schema::transpose_conv_options::kStrideW);
  f->strideH = o.i32(schema::transpose_conv_options::kStrideH);
  f->padH = kernels::computePadding(f->strideH, 1, out.h, fs.h,
                                    kernels::computeOutSize(padding, out.h, fs.h, f->strideH, 1));
  f->padW = kernels::computePadding(f->strideW, 1, out.w, fs.w,
                                    kernels::computeOutSize(padding, out.w, fs.w, f->strideW, 1));
  int32_t actMin = 0, actMax = 0;
  kernels::PerChannelQuant q;
  if ((s = kernels::activationRangeOf(ctx, o.u8(schema::transpose_conv_options::kActivation),
                                      output, &actMin, &actMax)) != Status::kOk ||
      (s = kernels::populatePerChannel(ctx, input, filter, output, out.c, &q)) != Status::kOk) {
    return s;
  }
  const int32_t taps = fs.h * fs.w;
  const size_t rows = static_cast<size_t>(taps) * static_cast<size_t>(out.c);
  const size_t depth = static_cast<size_t>(in.c);
  // The filter [oc][fy][fx][ic] reordered to [fy][fx][oc][ic]: one tap's channels contiguous.
  auto* reordered = static_cast<int8_t*>(ctx.allocateHostCache(rows * depth));
  f->sums = static_cast<int32_t*>(ctx.allocateHostCache(
      sizeof(int32_t) * (static_cast<size_t>(out.flatSize()) + kChannelBlock)));
  // Tap results for up to a row of input pixels per call, at most kRowAccBytes unless one pixel
  // needs more (4 bytes per weight / input channel: bounded by the model's own filter).
  const size_t perPixel = sizeof(int32_t) * rows;
  const size_t fit = kRowAccBytes / perPixel;
  f->chunk = fit < 1 ? 1 : (fit < static_cast<size_t>(in.w) ? static_cast<int32_t>(fit) : in.w);
  f->rowAcc =
      static_cast<int32_t*>(ctx.allocateHostCache(perPixel * static_cast<size_t>(f->chunk)));
  f->pixel = static_cast<int32_t*>(
      ctx.allocateHostCache(sizeof(int32_t) * static_cast<size_t>(roundUp(out.c, kChannelBlock))));
  if (reordered == nullptr || f->sums == nullptr || f->rowAcc == nullptr || f->pixel == nullptr)
    return Status::kOk;
  const int8_t* w = ctx.inputData<int8_t>(1);
  for (int32_t oc = 0; oc < out.c; ++oc) {
    for (int32_t t = 0; t < taps; ++t) {
      std::memcpy(reordered + (static_cast<size_t>(t) * out.c + oc) * depth,
                  w + (static_cast<size_t>(oc) * taps + t) * depth, depth);
    }
  }
  // GEMV constants: (x + inputOffset) * w summed = kernel form sum + (inputOffset - bias) * sum w.
  if (!buildCachedGemv(ctx, reordered, static_cast<int32_t>(rows), in.c, nullptr,
                       -input.zeroPoint() - simd->activationBias, q.multipliers, q.shifts, false, 0,
                       -128, 127, &f->taps) ||
      !buildUniformRequant(ctx, out.c, q.multipliers[0], q.shifts[0], output.zeroPoint(), actMin,
                           actMax, &f->rq)) {
    return Status::kOk;
  }
  // Per-channel constants over the uniform ones: the bias is added before requantizing.
  const int32_t* bias = hasBias ? ctx.inputData<int32_t>(3) : nullptr;
  auto* offsetBias = const_cast<int32_t*>(f->rq.offsetBias);
  auto* multiplier = const_cast<int32_t*>(f->rq.multiplier);
  auto* leftShift = const_cast<int32_t*>(f->rq.leftShift);
  auto* rightShift = const_cast<int32_t*>(f->rq.rightShift);
  auto* roundMask = const_cast<int32_t*>(f->rq.roundMask);
  for (int32_t c = 0; c < out.c; ++c) {
    const int32_t shift = q.shifts[c];
    offsetBias[c] = bias != nullptr ? bias[c] : 0;
    multiplier[c] = q.multipliers[c];
    leftShift[c] = shift > 0 ? shift : 0;
    rightShift[c] = shift > 0 ? 0 : -shift;
    roundMask[c] = static_cast<int32_t>((int64_t{1} << rightShift[c]) - 1);
  }
  ctx.setHostData(f);
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

// sums[i] += add[i] for i < n, wrapping like the reference's int32 accumulators.
inline void addWrapping(int32_t* sums, const int32_t* add, int32_t n) {
  for (int32_t i = 0; i < n; ++i) {
    sums[i] = static_cast<int32_t>(static_cast<uint32_t>(sums[i]) + static_cast<uint32_t>(add[i]));
  }
}

void invoke(const OpContext& ctx) {
  const auto* f = static_cast<const TransposeConvFast*>(ctx.hostData());
  if (f == nullptr) {
    kernels::registerTransposeConv().invoke(ctx);
    return;
  }
  const kernels::Shape4& in = f->input;
  const kernels::Shape4& fs = f->filter;
  const kernels::Shape4& out = f->output;
  const int8_t* input = ctx.inputData<int8_t>(2);
  int8_t* output = ctx.outputData<int8_t>(0);
  std::memset(f->sums, 0, sizeof(int32_t) * static_cast<size_t>(out.flatSize()));
  const size_t tapRow = static_cast<size_t>(fs.h) * static_cast<size_t>(fs.w) * out.c;
  for (int32_t b = 0; b < in.n; ++b) {
    for (int32_t iy = 0; iy < in.h; ++iy) {
      const int8_t* row = input + ((static_cast<size_t>(b) * in.h + iy) * in.w) * in.c;
      const int32_t oy0 = iy * f->strideH - f->padH;
      for (int32_t ix = 0; ix < in.w; ++ix) {
        const int32_t first = ix % f->chunk;
        if (first == 0) {
          const int32_t count = in.w - ix < f->chunk ? in.w - ix : f->chunk;
          f->simd->gemvCached(f->taps, row + static_cast<size_t>(ix) * in.c, count, nullptr,
                              f->rowAcc);
        }
        const int32_t* acc = f->rowAcc + static_cast<size_t>(first) * tapRow;
        const int32_t ox0 = ix * f->strideW - f->padW;
        for (int32_t fy = 0; fy < fs.h; ++fy) {
          const int32_t oy = oy0 + fy;
          if (oy < 0 || oy >= out.h) continue;
          for (int32_t fx = 0; fx < fs.w; ++fx) {
            const int32_t ox = ox0 + fx;
            if (ox < 0 || ox >= out.w) continue;
            addWrapping(f->sums + ((static_cast<size_t>(b) * out.h + oy) * out.w + ox) * out.c,
                        acc + static_cast<size_t>(fy * fs.w + fx) * out.c, out.c);
          }
        }
      }
    }
  }
  const int32_t padded = roundUp(out.c, kChannelBlock);
  const int32_t pixels = out.n * out.h * out.w;
  for (int32_t p = 0; p < pixels; ++p) {
    const size_t at = static_cast<size_t>(p) * out.c;
    f->simd->requant(f->sums + at, padded, f->rq, f->pixel);
    for (int32_t c = 0; c < out.c; ++c) output[at + c] = static_cast<int8_t>(f->pixel[c]);
  }
}

}  // namespace

OpRegistration registerTransposeConv(Isa isa) {
  OpRegistration r = kernels::registerTransposeConv();
  r.invoke = invoke;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
