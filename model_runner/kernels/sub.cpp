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

template <typename T>
void subQuantized(const SubData& d, const T* a, const T* b, T* out) {
  forEachElement(d.layout, [&](size_t i, size_t i1, size_t i2) {
    out[i] = reference::subElement(d.params, a[i1], b[i2]);
  });
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const SubData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      subQuantized(*d, ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1),
                   ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      subQuantized(*d, ctx.inputData<int16_t>(0), ctx.inputData<int16_t>(1),
                   ctx.outputData<int16_t>(0));
      break;
    case TensorType::kInt32: {
      const int32_t* a = ctx.inputData<int32_t>(0);
      const int32_t* b = ctx.inputData<int32_t>(1);
      int32_t* out = ctx.outputData<int32_t>(0);
      const int32_t lo = d->params.actMin, hi = d->params.actMax;
      forEachElement(d->layout, [&](size_t i, size_t i1, size_t i2) {
        int32_t v =
            static_cast<int32_t>(static_cast<uint32_t>(a[i1]) - static_cast<uint32_t>(b[i2]));
        v = v < lo ? lo : v;
        out[i] = hi < v ? hi : v;
      });
      break;
    }
    default: {
      const float* a = ctx.inputData<float>(0);
      const float* b = ctx.inputData<float>(1);
      float* out = ctx.outputData<float>(0);
      const float lo = d->floatMin, hi = d->floatMax;
      forEachElement(d->layout, [&](size_t i, size_t i1, size_t i2) {
        float v = a[i1] - b[i2];
        v = v < lo ? lo : v;  // NaN passes, as std::max/std::min do in TFLM
        out[i] = hi < v ? hi : v;
      });
      break;
    }
  }
}

}  // namespace

OpRegistration registerSub() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kSub);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
