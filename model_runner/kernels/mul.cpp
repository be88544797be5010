#include "model_runner/kernels/mul.h"

#include "model_runner/kernels/broadcast.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

using MulOpData = BinaryArithmeticData;

// TFLM broadcasts MUL through a 4-D reference loop.
constexpr uint8_t kMaxBroadcastRank = 4;

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kMulOptions)) != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  const TensorType type = in1.type;
  if (type != TensorType::kInt8 && type != TensorType::kInt16 && type != TensorType::kInt32 &&
      type != TensorType::kFloat32)
    return ctx.failValue(Status::kUnsupportedOpType, "input1", static_cast<int64_t>(type),
                         in1.index);
  if ((s = requireType(ctx, in2, type, "input2")) != Status::kOk ||
      (s = requireType(ctx, output, type, "output")) != Status::kOk) {
    return s;
  }
  MulOpData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk ||
      (s = prepareElementwise(ctx, in1, in2, output, kMaxBroadcastRank, &d->layout)) !=
          Status::kOk) {
    return s;
  }
  d->type = type;
  const uint8_t activation = ctx.options().u8(schema::mul_options::kActivation);
  if (type == TensorType::kInt32) {
    activationRangeInt32(activation, &d->actMin, &d->actMax);
    return Status::kOk;
  }
  if (type == TensorType::kFloat32) {
    activationRangeFloat(activation, &d->floatMin, &d->floatMax);
    return Status::kOk;
  }
  if ((s = requirePerTensorQuantOf(ctx, in1, type, "input1")) != Status::kOk ||
      (s = requirePerTensorQuantOf(ctx, in2, type, "input2")) != Status::kOk ||
      (s = requirePerTensorQuantOf(ctx, output, type, "output")) != Status::kOk ||
      (s = activationRangeOf(ctx, activation, output, &d->actMin, &d->actMax)) != Status::kOk) {
    return s;
  }
  if (type == TensorType::kInt16) {
    if (in1.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "input1", in1.zeroPoint(), in1.index);
    if (in2.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "input2", in2.zeroPoint(), in2.index);
    if (output.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "output", output.zeroPoint(), output.index);
  }
  d->input1Offset = -in1.zeroPoint();
  d->input2Offset = -in2.zeroPoint();
  d->outputOffset = output.zeroPoint();
  const double real = static_cast<double>(in1.scale()) * static_cast<double>(in2.scale()) /
                      static_cast<double>(output.scale());
  int shift = 0;
  if (!quant::quantizeMultiplier(real, &d->multiplier, &shift))
    return ctx.fail(Status::kBadQuantization, "scale", output.index);
  d->shift = shift;
  return Status::kOk;
}

template <typename T>
T mulQuantized(const MulOpData* d, T x, T y) {
  const int32_t product = (d->input1Offset + x) * (d->input2Offset + y);
  const int32_t raw =
      d->outputOffset + quant::multiplyByQuantizedMultiplier(product, d->multiplier, d->shift);
  return static_cast<T>(raw < d->actMin ? d->actMin : (raw > d->actMax ? d->actMax : raw));
}

int32_t mulInt32(const MulOpData* d, int32_t x, int32_t y) {
  const auto p = static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(y));
  return p < d->actMin ? d->actMin : (p > d->actMax ? d->actMax : p);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MulOpData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt16:
      reference::elementwise<int16_t>(ctx, d->layout,
                                      [d](int16_t x, int16_t y) { return mulQuantized(d, x, y); });
      break;
    case TensorType::kInt32:
      reference::elementwise<int32_t>(ctx, d->layout,
                                      [d](int32_t x, int32_t y) { return mulInt32(d, x, y); });
      break;
    case TensorType::kFloat32:
      reference::elementwise<float>(ctx, d->layout, [d](float x, float y) {
        return clampActivation(x * y, d->floatMin, d->floatMax);
      });
      break;
    default:
      reference::elementwise<int8_t>(ctx, d->layout,
                                     [d](int8_t x, int8_t y) { return mulQuantized(d, x, y); });
      break;
  }
}

}  // namespace

OpRegistration registerMul() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kMul);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
