#include "model_runner/kernels/activations.h"

#include <limits>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

// --- 16-bit fixed point with gemmlowp's semantics (HARD_SWISH) -------------------------------

int16_t saturatingRoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return 32767;
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// Rounds toward zero (the "SQDMULH" form TFLM uses for the final product).
int16_t saturatingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return 32767;
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}

// gemmlowp's RoundingDivideByPOT on int16 lanes (the mask is truncated to 16 bits).
int16_t roundingDivideByPOT16(int16_t x, int exponent) {
  if (exponent > 31) exponent = 31;
  const auto mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const auto remainder = static_cast<int16_t>(x & mask);
  const auto threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((int32_t{x} >> exponent) + (remainder > threshold ? 1 : 0));
}

int16_t saturatingLeftShift16(int16_t v, int amount) {
  return saturateTo<int16_t>(int64_t{v} * (int64_t{1} << amount));
}

// TFLite's DownScaleInt32ToInt16Multiplier.
int16_t downScaleMultiplier(int32_t m) {
  constexpr int32_t kRound = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRound) return 32767;
  return static_cast<int16_t>((m + kRound) >> 16);
}

// --- shared prepare pieces ---------------------------------------------------------------------

struct UnaryData {
  size_t count = 0;
  TensorType type = TensorType::kInt8;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier = 0, shift = 0;            // RELU, LEAKY_RELU x >= 0
  int32_t alphaMultiplier = 0, alphaShift = 0;  // LEAKY_RELU x < 0
  int32_t low = 0, high = 0;                    // RELU / RELU6 clamp
  float alpha = 0.0f;                           // float LEAKY_RELU
  HardSwishParams hardSwish;
};

// One input, one output of the same type (float32, int8, int16 when allowed), same size.
Status prepareUnary(OpContext& ctx, bool allowInt16, UnaryData** out) {
  const uint32_t types = typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) |
                         (allowInt16 ? typeBit(TensorType::kInt16) : 0u);
  Status s = requireUnaryOperands(ctx, types);
  if (s != Status::kOk || (s = allocateOpData(ctx, out)) != Status::kOk) return s;
  (*out)->count = ctx.input(0).elementCount;
  (*out)->type = ctx.input(0).type;
  return Status::kOk;
}

bool isQuantized(TensorType t) {
  return t == TensorType::kInt8 || t == TensorType::kInt16;
}

Status multiplierOf(const OpContext& ctx, double real, int32_t* m, int32_t* shift,
                    const char* field, int32_t tensor) {
  int sh = 0;
  if (!quant::quantizeMultiplier(real, m, &sh))
    return ctx.fail(Status::kBadQuantization, field, tensor);
  *shift = sh;
  return Status::kOk;
}

// --- RELU --------------------------------------------------------------------------------------

Status prepareRelu(OpContext& ctx) {
  UnaryData* d = nullptr;
  Status s = prepareUnary(ctx, true, &d);
  if (s != Status::kOk || !isQuantized(d->type)) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  if ((s = requireQuantizedInputOutput(ctx, d->type == TensorType::kInt16)) != Status::kOk)
    return s;
  d->inputZeroPoint = in.zeroPoint();
  d->outputZeroPoint = out.zeroPoint();
  const double real = static_cast<double>(in.scale()) / static_cast<double>(out.scale());
  if ((s = multiplierOf(ctx, real, &d->multiplier, &d->shift, "output scale", out.index)) !=
      Status::kOk) {
    return s;
  }
  const int32_t typeMin = d->type == TensorType::kInt16 ? -32768 : -128;
  d->low = out.zeroPoint() > typeMin ? out.zeroPoint() : typeMin;
  d->high = d->type == TensorType::kInt16 ? 32767 : 127;
  return Status::kOk;
}

template <typename T>
void reluQuantized(const UnaryData& d, const T* in, T* out) {
  for (size_t i = 0; i < d.count; ++i) {
    int32_t v = d.outputZeroPoint + quant::multiplyByQuantizedMultiplier(
                                        int32_t{in[i]} - d.inputZeroPoint, d.multiplier, d.shift);
    v = v < d.low ? d.low : v;
    out[i] = static_cast<T>(v > d.high ? d.high : v);
  }
}

void invokeRelu(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      reluQuantized(*d, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      reluQuantized(*d, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
      break;
    default:
      mapUnary<float>(ctx, d->count, [](float x) { return x < 0.0f ? 0.0f : x; });
      break;
  }
}

// --- RELU6 -------------------------------------------------------------------------------------

Status prepareRelu6(OpContext& ctx) {
  UnaryData* d = nullptr;
  Status s = prepareUnary(ctx, true, &d);
  if (s != Status::kOk || !isQuantized(d->type)) return s;
  const TensorDesc in = ctx.input(0);
  if ((s = requireQuantizedTensor(ctx, in, "input", false)) != Status::kOk) return s;
  // TFLM's FloatToQuantizedType: round(6 / scale) + zero point, converted and saturated.
  const double six = quant::roundHalfAway(static_cast<double>(6.0f / in.scale())) + in.zeroPoint();
  const int64_t q = quant::truncateToInt32LikeX86(six);
  d->low = in.zeroPoint();
  d->high = d->type == TensorType::kInt16 ? saturateTo<int16_t>(q) : saturateTo<int8_t>(q);
  return Status::kOk;
}

template <typename T>
void relu6Quantized(const UnaryData& d, const T* in, T* out) {
  const auto lo = static_cast<T>(d.low), hi = static_cast<T>(d.high);
  for (size_t i = 0; i < d.count; ++i) out[i] = in[i] > hi ? hi : (in[i] < lo ? lo : in[i]);
}

void invokeRelu6(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      relu6Quantized(*d, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      relu6Quantized(*d, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
      break;
    default:
      mapUnary<float>(ctx, d->count,
                      [](float x) { return x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x); });
      break;
  }
}

// --- LEAKY_RELU --------------------------------------------------------------------------------

Status prepareLeakyRelu(OpContext& ctx) {
  UnaryData* d = nullptr;
  Status s = prepareUnary(ctx, true, &d);
  if (s != Status::kOk) return s;
  d->alpha = ctx.options().f32(schema::leaky_relu_options::kAlpha);
  if (!isQuantized(d->type)) return Status::kOk;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  if ((s = requireQuantizedInputOutput(ctx, false)) != Status::kOk) return s;
  d->inputZeroPoint = in.zeroPoint();
  d->outputZeroPoint = out.zeroPoint();
  // The ratios are computed in float, as TFLM does.
  const double alphaReal = static_cast<double>(in.scale() * d->alpha / out.scale());
  const double identityReal = static_cast<double>(in.scale() / out.scale());
  if ((s = multiplierOf(ctx, alphaReal, &d->alphaMultiplier, &d->alphaShift, "alpha", out.index)) !=
      Status::kOk) {
    return s;
  }
  return multiplierOf(ctx, identityReal, &d->multiplier, &d->shift, "output scale", out.index);
}

template <typename T>
void leakyReluQuantized(const UnaryData& d, const T* in, T* out) {
  for (size_t i = 0; i < d.count; ++i) {
    const int32_t x = int32_t{in[i]} - d.inputZeroPoint;
    const int32_t y =
        x >= 0 ? quant::multiplyByQuantizedMultiplier(x, d.multiplier, d.shift)
               : quant::multiplyByQuantizedMultiplier(x, d.alphaMultiplier, d.alphaShift);
    out[i] = saturateTo<T>(int64_t{y} + d.outputZeroPoint);
  }
}

void invokeLeakyRelu(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      leakyReluQuantized(*d, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      leakyReluQuantized(*d, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
      break;
    default: {
      const float alpha = d->alpha;
      mapUnary<float>(ctx, d->count, [alpha](float x) { return x > 0.0f ? x : x * alpha; });
      break;
    }
  }
}

// --- HARD_SWISH --------------------------------------------------------------------------------

Status prepareHardSwish(OpContext& ctx) {
  UnaryData* d = nullptr;
  Status s = prepareUnary(ctx, false, &d);
  if (s != Status::kOk || d->type != TensorType::kInt8) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  if ((s = requireQuantizedInputOutput(ctx, false)) != Status::kOk) return s;
  HardSwishParams& p = d->hardSwish;
  p.inputZeroPoint = in.zeroPoint();
  p.outputZeroPoint = out.zeroPoint();
  const float hiresInputScale = (1.0f / 128.0f) * in.scale();
  const float reluishScale = 3.0f / 32768.0f;
  int32_t m = 0;
  if ((s = multiplierOf(ctx, static_cast<double>(hiresInputScale / out.scale()), &m,
                        &p.outputExponent, "output scale", out.index)) != Status::kOk) {
    return s;
  }
  p.outputMultiplier = downScaleMultiplier(m);
  // TFLM refuses an output scale finer than 1/128 of the input scale.
  if (p.outputExponent > 0)
    return ctx.failValue(Status::kBadQuantization, "output scale", p.outputExponent, out.index);
  if ((s = multiplierOf(ctx, static_cast<double>(hiresInputScale / reluishScale), &m,
                        &p.reluishExponent, "input scale", in.index)) != Status::kOk) {
    return s;
  }
  p.reluishMultiplier = downScaleMultiplier(m);
  return Status::kOk;
}

void invokeHardSwish(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryData*>(ctx.userData());
  if (d->type == TensorType::kInt8) {
    const HardSwishParams& p = d->hardSwish;
    mapUnary<int8_t>(ctx, d->count, [&p](int8_t x) { return reference::hardSwishInt8(p, x); });
    return;
  }
  mapUnary<float>(ctx, d->count, [](float x) {
    const float shifted = x + 3.0f;
    const float relu = 0.0f < shifted ? shifted : 0.0f;  // std::max(0, x + 3)
    const float relu6 = relu < 6.0f ? relu : 6.0f;       // std::min(6, ...)
    return x * relu6 / 6.0f;
  });
}

// --- PRELU -------------------------------------------------------------------------------------

struct PreluData {
  BinaryLayout layout;
  TensorType type = TensorType::kInt8;
  int32_t inputOffset = 0, alphaOffset = 0, outputOffset = 0;
  int32_t multiplier1 = 0, shift1 = 0, multiplier2 = 0, shift2 = 0;
};

Status preparePrelu(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in = ctx.input(0), alpha = ctx.input(1), out = ctx.output(0);
  const TensorType t = in.type;
  if (t != TensorType::kFloat32 && t != TensorType::kInt8 && t != TensorType::kInt16)
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(t), in.index);
  if ((s = requireType(ctx, out, t, "output")) != Status::kOk ||
      (s = requireType(ctx, alpha, t == TensorType::kFloat32 ? t : TensorType::kInt8, "alpha")) !=
          Status::kOk) {
    return s;
  }
  PreluData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = t;
  // TFLM's PRELU always walks a 4-D broadcast.
  if (in.rank > 4 || alpha.rank > 4 || out.rank > 4)
    return ctx.failValue(Status::kShapeMismatch, "rank",
                         in.rank > alpha.rank ? in.rank : alpha.rank);
  if ((s = prepareBinaryLayout(ctx, in, alpha, out, 4, &d->layout)) != Status::kOk) return s;
  if (t == TensorType::kFloat32) return Status::kOk;
  if ((s = requireQuantizedTensor(ctx, in, "input", false)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, alpha, "alpha", false)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, out, "output", false)) != Status::kOk) {
    return s;
  }
  d->inputOffset = -in.zeroPoint();
  d->alphaOffset = -alpha.zeroPoint();
  d->outputOffset = out.zeroPoint();
  const double inScale = static_cast<double>(in.scale());
  const double outScale = static_cast<double>(out.scale());
  if ((s = multiplierOf(ctx, inScale / outScale, &d->multiplier1, &d->shift1, "output scale",
                        out.index)) != Status::kOk) {
    return s;
  }
  return multiplierOf(ctx, inScale * static_cast<double>(alpha.scale()) / outScale, &d->multiplier2,
                      &d->shift2, "alpha scale", alpha.index);
}

template <typename T>
void preluQuantized(const PreluData& d, const T* in, const int8_t* alpha, T* out) {
  forEachElement(d.layout, [&](size_t i, size_t i1, size_t i2) {
    const int32_t x = d.inputOffset + in[i1];
    const int32_t y = x >= 0 ? quant::multiplyByQuantizedMultiplier(x, d.multiplier1, d.shift1)
                             : quant::multiplyByQuantizedMultiplier(x * (d.alphaOffset + alpha[i2]),
                                                                    d.multiplier2, d.shift2);
    out[i] = saturateTo<T>(int64_t{y} + d.outputOffset);
  });
}

void invokePrelu(const OpContext& ctx) {
  const auto* d = static_cast<const PreluData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      preluQuantized(*d, ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1),
                     ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      preluQuantized(*d, ctx.inputData<int16_t>(0), ctx.inputData<int8_t>(1),
                     ctx.outputData<int16_t>(0));
      break;
    default:
      mapBinary<float>(ctx, d->layout,
                       [](float x, float alpha) { return x >= 0.0f ? x : x * alpha; });
      break;
  }
}

}  // namespace

namespace reference {

int8_t hardSwishInt8(const HardSwishParams& p, int8_t x) {
  const auto input = static_cast<int16_t>(int32_t{x} - p.inputZeroPoint);
  const auto hires = static_cast<int16_t>(input * (1 << 7));
  const int16_t preshiftOutput = saturatingRoundingDoublingHighMul16(hires, p.outputMultiplier);
  int16_t reluish = hires;
  if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, p.reluishExponent - 1);
  reluish = saturatingRoundingDoublingHighMul16(reluish, p.reluishMultiplier);
  if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, 1);
  if (p.reluishExponent < 0) reluish = roundingDivideByPOT16(reluish, -p.reluishExponent);
  reluish = static_cast<int16_t>((int32_t{reluish} + (1 << 15)) >> 1);
  const int16_t preshift = saturatingDoublingHighMul16(reluish, preshiftOutput);
  auto y = roundingDivideByPOT16(preshift, -p.outputExponent);
  y = static_cast<int16_t>(y + p.outputZeroPoint);
  return static_cast<int8_t>(y > 127 ? 127 : (y < -128 ? -128 : y));
}

}  // namespace reference

OpRegistration registerRelu() {
  return builtinRegistration(schema::BuiltinOperator::kRelu, prepareRelu, invokeRelu);
}
OpRegistration registerRelu6() {
  return builtinRegistration(schema::BuiltinOperator::kRelu6, prepareRelu6, invokeRelu6);
}
OpRegistration registerLeakyRelu() {
  return builtinRegistration(schema::BuiltinOperator::kLeakyRelu, prepareLeakyRelu,
                             invokeLeakyRelu);
}
OpRegistration registerHardSwish() {
  return builtinRegistration(schema::BuiltinOperator::kHardSwish, prepareHardSwish,
                             invokeHardSwish);
}
OpRegistration registerPrelu() {
  return builtinRegistration(schema::BuiltinOperator::kPrelu, preparePrelu, invokePrelu);
}

}  // namespace tinyscope::runner::kernels
