#include "model_runner/kernels/kernel_util.h"

#include <cstring>

#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

Status requireArity(const OpContext& ctx, uint32_t minInputs, uint32_t maxInputs,
                    uint32_t outputs) {
  if (ctx.numInputs() < minInputs || ctx.numInputs() > maxInputs) {
    return ctx.failValue(Status::kBadOpArity, "inputs", ctx.numInputs());
  }
  if (ctx.numOutputs() != outputs)
    return ctx.failValue(Status::kBadOpArity, "outputs", ctx.numOutputs());
  for (uint32_t i = 0; i < minInputs; ++i) {
    if (!ctx.hasInput(i)) return ctx.failValue(Status::kBadOpArity, "inputs", i);
  }
  return Status::kOk;
}

Status requireType(const OpContext& ctx, const TensorDesc& t, TensorType type, const char* field) {
  if (t.type != type)
    return ctx.failValue(Status::kUnsupportedOpType, field, static_cast<int64_t>(t.type), t.index);
  return Status::kOk;
}

Status requireRank(const OpContext& ctx, const TensorDesc& t, uint8_t rank, const char* field) {
  if (t.rank != rank) return ctx.failValue(Status::kShapeMismatch, field, t.rank, t.index);
  return Status::kOk;
}

Status requireTypeIn(const OpContext& ctx, const TensorDesc& t, uint32_t types, const char* field) {
  if (static_cast<uint32_t>(t.type) >= 32 || (types & typeBit(t.type)) == 0)
    return ctx.failValue(Status::kUnsupportedOpType, field, static_cast<int64_t>(t.type), t.index);
  return Status::kOk;
}

Status requireSameTypeIn(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                         uint32_t types) {
  const Status s = requireTypeIn(ctx, input, types, "input");
  return s != Status::kOk ? s : requireType(ctx, output, input.type, "output");
}

Status requireConvTensors(const OpContext& ctx, const TensorDesc& input, const TensorDesc& filter,
                          const TensorDesc& output, TensorType dataType) {
  Status s = Status::kOk;
  if ((s = requireType(ctx, input, dataType, "input")) != Status::kOk ||
      (s = requireType(ctx, filter, TensorType::kInt8, "filter")) != Status::kOk ||
      (s = requireType(ctx, output, dataType, "output")) != Status::kOk ||
      (s = requireRank(ctx, input, 4, "input")) != Status::kOk ||
      (s = requireRank(ctx, filter, 4, "filter")) != Status::kOk ||
      (s = requireRank(ctx, output, 4, "output")) != Status::kOk ||
      (s = requirePerTensorQuantOf(ctx, input, dataType, "input")) != Status::kOk) {
    return s;
  }
  return requirePerTensorQuantOf(ctx, output, dataType, "output");
}

int64_t constantInt(const TensorDesc& t, size_t i) {
  switch (t.type) {
    case TensorType::kInt8:
      return static_cast<int8_t>(t.constData[i]);
    case TensorType::kInt16: {
      int16_t v = 0;
      std::memcpy(&v, t.constData + 2 * i, sizeof v);
      return v;
    }
    case TensorType::kInt32:
      return quant::loadInt32(t.constData + 4 * i);
    case TensorType::kInt64: {
      int64_t v = 0;
      std::memcpy(&v, t.constData + 8 * i, sizeof v);
      return v;
    }
    default:
      return 0;
  }
}

OpRegistration builtinRegistration(schema::BuiltinOperator op, Status (*prepare)(OpContext&),
                                   void (*invoke)(const OpContext&)) {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(op);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

Status requirePerTensorQuant(const OpContext& ctx, const TensorDesc& t, const char* field) {
  const float s = t.scale();
  if (t.numChannels() != 1 || !(s > 0.0f && s < 1e30f)) {
    return ctx.fail(Status::kBadQuantization, field, t.index);
  }
  const int32_t zp = t.zeroPoint();
  if (zp < -128 || zp > 127) return ctx.failValue(Status::kBadQuantization, field, zp, t.index);
  return Status::kOk;
}

Status requireOptions(const OpContext& ctx, schema::BuiltinOptionsType type) {
  if (ctx.op().optionsType != static_cast<uint8_t>(type) && ctx.op().optionsType != 0) {
    return ctx.failValue(Status::kBadOpParams, "builtin_options_type", ctx.op().optionsType);
  }
  return Status::kOk;
}

Status activationRange(const OpContext& ctx, uint8_t activation, const TensorDesc& output,
                       int32_t* actMin, int32_t* actMax) {
  if (!quant::activationRangeQuantized(activation, output.scale(), output.zeroPoint(), -128, 127,
                                       actMin, actMax)) {
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", activation,
                         output.index);
  }
  return Status::kOk;
}

bool integerRange(TensorType type, int32_t* min, int32_t* max) {
  switch (type) {
    case TensorType::kInt8:
      *min = -128, *max = 127;
      return true;
    case TensorType::kUInt8:
      *min = 0, *max = 255;
      return true;
    case TensorType::kInt16:
      *min = -32768, *max = 32767;
      return true;
    case TensorType::kInt32:
      *min = quant::kInt32Min, *max = quant::kInt32Max;
      return true;
    default:
      return false;
  }
}

Status requirePerTensorQuantOf(const OpContext& ctx, const TensorDesc& t, TensorType type,
                               const char* field) {
  const float s = t.scale();
  if (t.numChannels() != 1 || !(s > 0.0f && s < 1e30f)) {
    return ctx.fail(Status::kBadQuantization, field, t.index);
  }
  int32_t lo = 0, hi = 0;
  const int32_t zp = t.zeroPoint();
  if (!integerRange(type, &lo, &hi) || zp < lo || zp > hi)
    return ctx.failValue(Status::kBadQuantization, field, zp, t.index);
  return Status::kOk;
}

Status activationRangeOf(const OpContext& ctx, uint8_t activation, const TensorDesc& output,
                         int32_t* actMin, int32_t* actMax) {
  int32_t lo = 0, hi = 0;
  if (!integerRange(output.type, &lo, &hi) ||
      !quant::activationRangeQuantized(activation, output.scale(), output.zeroPoint(), lo, hi,
                                       actMin, actMax)) {
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", activation,
                         output.index);
  }
  return Status::kOk;
}

void activationRangeInt32(uint8_t activation, int32_t* actMin, int32_t* actMax) {
  // The quantized rule with scale 1 and zero point 0 is the plain one.
  if (!quant::activationRangeQuantized(activation, 1.0f, 0, quant::kInt32Min, quant::kInt32Max,
                                       actMin, actMax)) {
    *actMin = quant::kInt32Min;
    *actMax = quant::kInt32Max;
  }
}

void activationRangeFloat(uint8_t activation, float* actMin, float* actMax) {
  constexpr float kMax = 3.40282347e38f;
  *actMin = -kMax;
  *actMax = kMax;
  switch (static_cast<schema::Activation>(activation)) {
    case schema::Activation::kRelu:
      *actMin = 0.0f;
      break;
    case schema::Activation::kRelu6:
      *actMin = 0.0f;
      *actMax = 6.0f;
      break;
    case schema::Activation::kReluN1To1:
      *actMin = -1.0f;
      *actMax = 1.0f;
      break;
    default:
      break;
  }
}

Status populatePerChannel(const OpContext& ctx, const TensorDesc& input, const TensorDesc& filter,
                          const TensorDesc& output, int32_t channels, PerChannelQuant* out) {
  const uint32_t n = filter.numChannels();
  if (channels <= 0 || (n != 1 && n != static_cast<uint32_t>(channels))) {
    return ctx.failValue(Status::kBadQuantization, "filter scale", n, filter.index);
  }
  const size_t bytes = sizeof(int32_t) * static_cast<size_t>(channels);
  out->multipliers = static_cast<int32_t*>(ctx.allocatePersistent(bytes));
  out->shifts = static_cast<int32_t*>(ctx.allocatePersistent(bytes));
  if (out->multipliers == nullptr || out->shifts == nullptr) {
    return ctx.fail(Status::kArenaTooSmall, "per-channel multipliers");
  }
  const double inScale = static_cast<double>(input.scale());
  const double outScale = static_cast<double>(output.scale());
  for (int32_t c = 0; c < channels; ++c) {
    const float fs = filter.scales.f32(n == 1 ? 0u : static_cast<uint32_t>(c));
    if (!(fs >= 0.0f && fs < 1e30f))
      return ctx.fail(Status::kBadQuantization, "filter scale", filter.index);
    const double effective = inScale * static_cast<double>(fs) / outScale;
    int shift = 0;
    if (!quant::quantizeMultiplier(effective, &out->multipliers[c], &shift)) {
      return ctx.fail(Status::kBadQuantization, "effective scale", filter.index);
    }
    out->shifts[c] = shift;
  }
  return Status::kOk;
}

Status checkBias(const OpContext& ctx, const TensorDesc& bias, int32_t channels) {
  if (bias.type != TensorType::kInt32) {
    return ctx.failValue(Status::kUnsupportedOpType, "bias", static_cast<int64_t>(bias.type),
                         bias.index);
  }
  if (bias.elementCount != static_cast<size_t>(channels)) {
    return ctx.failValue(Status::kShapeMismatch, "bias", static_cast<int64_t>(bias.elementCount),
                         bias.index);
  }
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
