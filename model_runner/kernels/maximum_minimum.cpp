#include "model_runner/kernels/maximum_minimum.h"

#include "model_runner/kernels/broadcast.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct MinMaxOpData {
  TensorType type = TensorType::kInt8;
  ElementwiseLayout layout;
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
  MinMaxOpData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = type;
  return prepareElementwise(ctx, in1, in2, output, kMaxBroadcastRank, &d->layout);
}

template <typename T, bool kMax>
void run(const OpContext& ctx, const MinMaxOpData* d) {
  const auto element = [](T x, T y) {
    if (kMax) return x > y ? x : y;
    return x < y ? x : y;
  };
  reference::elementwise<T>(ctx, d->layout, element);
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
