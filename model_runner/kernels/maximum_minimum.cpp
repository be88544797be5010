#include "model_runner/kernels/maximum_minimum.h"

#include "model_runner/kernels/broadcast.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct MinMaxOpData {
  TensorType type = TensorType::kInt8;
  bool broadcast = false;
  size_t count = 0;
  BroadcastShape shape;
};

constexpr uint8_t kMaxBroadcastRank = 5;

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kMaximumMinimumOptions)) != Status::kOk)
    return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  const TensorType type = output.type;
  switch (type) {
    case TensorType::kInt8:
    case TensorType::kInt16:
    case TensorType::kInt32:
    case TensorType::kInt64:
    case TensorType::kFloat32:
      break;
    default:
      return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(type),
                           output.index);
  }
  if ((s = requireType(ctx, in1, type, "input1")) != Status::kOk ||
      (s = requireType(ctx, in2, type, "input2")) != Status::kOk) {
    return s;
  }
  auto* d = static_cast<MinMaxOpData*>(ctx.allocatePersistent(sizeof(MinMaxOpData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = MinMaxOpData();
  ctx.setUserData(d);
  d->type = type;
  if (sameShape(in1, in2)) {
    if (output.elementCount != in1.elementCount)
      return ctx.fail(Status::kShapeMismatch, "output", output.index);
    d->count = output.elementCount;
    return Status::kOk;
  }
  if (in1.rank > kMaxBroadcastRank || in2.rank > kMaxBroadcastRank)
    return ctx.failValue(Status::kShapeMismatch, "broadcast rank",
                         in1.rank > in2.rank ? in1.rank : in2.rank, output.index);
  d->broadcast = true;
  if (!computeBroadcastShape(in1, in2, output, &d->shape))
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  return Status::kOk;
}

template <typename T, bool kMax>
void run(const OpContext& ctx, const MinMaxOpData* d) {
  const auto element = [](T x, T y) {
    if (kMax) return x > y ? x : y;
    return x < y ? x : y;
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

template <bool kMax>
void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MinMaxOpData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt16:
      run<int16_t, kMax>(ctx, d);
      break;
    case TensorType::kInt32:
      run<int32_t, kMax>(ctx, d);
      break;
    case TensorType::kInt64:
      run<int64_t, kMax>(ctx, d);
      break;
    case TensorType::kFloat32:
      run<float, kMax>(ctx, d);
      break;
    default:
      run<int8_t, kMax>(ctx, d);
      break;
  }
}

}  // namespace

OpRegistration registerMaximum() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kMaximum);
  r.prepare = prepare;
  r.invoke = invoke<true>;
  return r;
}

OpRegistration registerMinimum() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kMinimum);
  r.prepare = prepare;
  r.invoke = invoke<false>;
  return r;
}

}  // namespace tinyscope::runner::kernels
