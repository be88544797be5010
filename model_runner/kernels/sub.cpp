#include "model_runner/kernels/sub.h"

#include <limits>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct SubData {
  SubParams params;
  BinaryLayout layout;
  TensorType type = TensorType::kInt8;
  float floatMin = 0.0f, floatMax = 0.0f;  // float32: the fused activation's range
};

// TFLM computes the common scale and the ratios in float, then widens them.
Status prepareQuantized(OpContext& ctx, const TensorDesc& in1, const TensorDesc& in2,
                        const TensorDesc& output, SubData* d) {
  Status s;
  if ((s = requireQuantizedTensor(ctx, in1, "input1", false)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, in2, "input2", false)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, output, "output", false)) != Status::kOk) {
    return s;
  }
  SubParams& p = d->params;
  const bool is16 = output.type == TensorType::kInt16;
  p.input1Offset = -in1.zeroPoint();
  p.input2Offset = -in2.zeroPoint();
  p.outputOffset = output.zeroPoint();
  p.leftShift = is16 ? 15 : 20;
  const float s1 = in1.scale(), s2 = in2.scale();
  const float twiceMax = 2.0f * (s1 > s2 ? s1 : s2);
  const double real1 = static_cast<double>(s1 / twiceMax);
  const double real2 = static_cast<double>(s2 / twiceMax);
  const double realOut =
      static_cast<double>(twiceMax / (static_cast<float>(1 << p.leftShift) * output.scale()));
  int shift1 = 0, shift2 = 0, shiftOut = 0;
  if (!quant::quantizeMultiplierSmallerThanOneExp(real1, &p.input1Multiplier, &shift1) ||
      !quant::quantizeMultiplierSmallerThanOneExp(real2, &p.input2Multiplier, &shift2) ||
      !quant::quantizeMultiplierSmallerThanOneExp(realOut, &p.outputMultiplier, &shiftOut)) {
    return ctx.fail(Status::kBadQuantization, "output scale", output.index);
  }
  p.input1Shift = shift1;
  p.input2Shift = shift2;
  p.outputShift = shiftOut;
  const uint8_t act = ctx.options().u8(schema::sub_options::kActivation);
  if (!quant::activationRangeQuantized(act, output.scale(), output.zeroPoint(),
                                       is16 ? -32768 : -128, is16 ? 32767 : 127, &p.actMin,
                                       &p.actMax)) {
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", act, output.index);
  }
  return Status::kOk;
}

// float32 and int32: the fused activation clamps to [0, inf), [0, 6] or [-1, 1].
Status prepareUnquantized(OpContext& ctx, const TensorDesc& in1, const TensorDesc& in2,
                          const TensorDesc& output, SubData* d) {
  const uint8_t act = ctx.options().u8(schema::sub_options::kActivation);
  int32_t lo = quant::kInt32Min, hi = quant::kInt32Max;
  d->floatMin = -std::numeric_limits<float>::max();
  d->floatMax = std::numeric_limits<float>::max();
  switch (static_cast<schema::Activation>(act)) {
    case schema::Activation::kNone:
      break;
    case schema::Activation::kRelu:
      lo = 0;
      d->floatMin = 0.0f;
      d->floatMax = std::numeric_limits<float>::infinity();
      break;
    case schema::Activation::kRelu6:
      lo = 0;
      hi = 6;
      d->floatMin = 0.0f;
      d->floatMax = 6.0f;
      break;
    case schema::Activation::kReluN1To1:
      lo = -1;
      hi = 1;
      d->floatMin = -1.0f;
      d->floatMax = 1.0f;
      break;
    default:
      return ctx.failValue(Status::kBadOpParams, "fused_activation_function", act, output.index);
  }
  d->params.actMin = lo;
  d->params.actMax = hi;
  if (output.type == TensorType::kInt32) {
    // TFLM runs int32 SUB only without quantization parameters.
    if (in1.numChannels() != 0) return ctx.fail(Status::kBadQuantization, "input1", in1.index);
    if (in2.numChannels() != 0) return ctx.fail(Status::kBadQuantization, "input2", in2.index);
    if (output.numChannels() != 0)
      return ctx.fail(Status::kBadQuantization, "output", output.index);
  }
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kSubOptions)) != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  const TensorType t = output.type;
  if (t != TensorType::kInt8 && t != TensorType::kInt16 && t != TensorType::kFloat32 &&
      t != TensorType::kInt32) {
    return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(t),
                         output.index);
  }
  if ((s = requireType(ctx, in1, t, "input1")) != Status::kOk ||
      (s = requireType(ctx, in2, t, "input2")) != Status::kOk) {
    return s;
  }
  SubData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = t;
  if ((s = prepareBinaryLayout(ctx, in1, in2, output, kMaxDims, &d->layout)) != Status::kOk)
    return s;
  if (t == TensorType::kInt8 || t == TensorType::kInt16)
    return prepareQuantized(ctx, in1, in2, output, d);
  return prepareUnquantized(ctx, in1, in2, output, d);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const SubData*>(ctx.userData());
  const SubParams& p = d->params;
  switch (d->type) {
    case TensorType::kInt8:
      mapBinary<int8_t>(ctx, d->layout,
                        [&p](int8_t a, int8_t b) { return reference::subElement(p, a, b); });
      break;
    case TensorType::kInt16:
      mapBinary<int16_t>(ctx, d->layout,
                         [&p](int16_t a, int16_t b) { return reference::subElement(p, a, b); });
      break;
    case TensorType::kInt32:
      mapBinary<int32_t>(ctx, d->layout, [&p](int32_t a, int32_t b) {
        const auto v = static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
        const int32_t low = v < p.actMin ? p.actMin : v;
        return p.actMax < low ? p.actMax : low;
      });
      break;
    default: {
      const float lo = d->floatMin, hi = d->floatMax;
      mapBinary<float>(ctx, d->layout, [lo, hi](float a, float b) {
        const float v = a - b;
        const float low = v < lo ? lo : v;  // NaN passes, as std::max/std::min do in TFLM
        return hi < low ? hi : low;
      });
      break;
    }
  }
}

}  // namespace

OpRegistration registerSub() {
  return builtinRegistration(schema::BuiltinOperator::kSub, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
