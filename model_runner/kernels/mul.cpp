#include "model_runner/kernels/mul.h"

#include "model_runner/kernels/broadcast.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct MulOpData {
  TensorType type = TensorType::kInt8;
  bool broadcast = false;
  size_t count = 0;
  BroadcastShape shape;
  int32_t input1Offset = 0, input2Offset = 0, outputOffset = 0;
  int32_t multiplier = 0, shift = 0;
  int32_t actMin = 0, actMax = 0;
};

// TFLM broadcasts MUL through a 4-D reference loop.
constexpr uint8_t kMaxBroadcastRank = 4;

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kMulOptions)) != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  const TensorType type = in1.type;
  if (type != TensorType::kInt8 && type != TensorType::kInt16 && type != TensorType::kInt32)
    return ctx.failValue(Status::kUnsupportedOpType, "input1", static_cast<int64_t>(type),
                         in1.index);
  if ((s = requireType(ctx, in2, type, "input2")) != Status::kOk ||
      (s = requireType(ctx, output, type, "output")) != Status::kOk) {
    return s;
  }
  auto* d = static_cast<MulOpData*>(ctx.allocatePersistent(sizeof(MulOpData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = MulOpData();
  ctx.setUserData(d);
  d->type = type;
  if (sameShape(in1, in2)) {
    if (!sameShape(in1, output)) return ctx.fail(Status::kShapeMismatch, "output", output.index);
    d->count = output.elementCount;
  } else {
    if (in1.rank > kMaxBroadcastRank || in2.rank > kMaxBroadcastRank)
      return ctx.failValue(Status::kShapeMismatch, "broadcast rank",
                           in1.rank > in2.rank ? in1.rank : in2.rank, output.index);
    d->broadcast = true;
    if (!computeBroadcastShape(in1, in2, output, &d->shape))
      return ctx.fail(Status::kShapeMismatch, "output", output.index);
  }
  const uint8_t activation = ctx.options().u8(schema::mul_options::kActivation);
  if (type == TensorType::kInt32) {
    activationRangeInt32(activation, &d->actMin, &d->actMax);
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
void invokeQuantized(const OpContext& ctx, const MulOpData* d) {
  const auto element = [d](T x, T y) {
    const int32_t product = (d->input1Offset + x) * (d->input2Offset + y);
    const int32_t raw =
        d->outputOffset + quant::multiplyByQuantizedMultiplier(product, d->multiplier, d->shift);
    return static_cast<T>(raw < d->actMin ? d->actMin : (raw > d->actMax ? d->actMax : raw));
  };
  const T* a = ctx.inputData<T>(0);
  const T* b = ctx.inputData<T>(1);
  T* out = ctx.outputData<T>(0);
  if (d->broadcast) {
    reference::broadcastApply(d->shape, a, b, out, element);
  } else {
    for (size_t i = 0; i < d->count; ++i) out[i] = element(a[i], b[i]);
  }
}

void invokeInt32(const OpContext& ctx, const MulOpData* d) {
  const auto element = [d](int32_t x, int32_t y) {
    const auto p = static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(y));
    return p < d->actMin ? d->actMin : (p > d->actMax ? d->actMax : p);
  };
  const int32_t* a = ctx.inputData<int32_t>(0);
  const int32_t* b = ctx.inputData<int32_t>(1);
  int32_t* out = ctx.outputData<int32_t>(0);
  if (d->broadcast) {
    reference::broadcastApply(d->shape, a, b, out, element);
  } else {
    for (size_t i = 0; i < d->count; ++i) out[i] = element(a[i], b[i]);
  }
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MulOpData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt16:
      invokeQuantized<int16_t>(ctx, d);
      break;
    case TensorType::kInt32:
      invokeInt32(ctx, d);
      break;
    default:
      invokeQuantized<int8_t>(ctx, d);
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
