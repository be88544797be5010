#include "model_runner/kernels/logical.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct LogicalData {
  BinaryLayout layout;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), out = ctx.output(0);
  if ((s = requireType(ctx, in1, TensorType::kBool, "input1")) != Status::kOk ||
      (s = requireType(ctx, in2, TensorType::kBool, "input2")) != Status::kOk ||
      (s = requireType(ctx, out, TensorType::kBool, "output")) != Status::kOk) {
    return s;
  }
  LogicalData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  return prepareBinaryLayout(ctx, in1, in2, out, 4, &d->layout);
}

template <bool kAnd>
void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const LogicalData*>(ctx.userData());
  const auto* a = ctx.inputData<uint8_t>(0);
  const auto* b = ctx.inputData<uint8_t>(1);
  auto* out = ctx.outputData<uint8_t>(0);
  forEachElement(d->layout, [&](size_t i, size_t i1, size_t i2) {
    const bool x = a[i1] != 0, y = b[i2] != 0;
    out[i] = (kAnd ? (x && y) : (x || y)) ? 1 : 0;
  });
}

}  // namespace

OpRegistration registerLogicalAnd() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kLogicalAnd);
  r.prepare = prepare;
  r.invoke = invoke<true>;
  return r;
}

OpRegistration registerLogicalOr() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kLogicalOr);
  r.prepare = prepare;
  r.invoke = invoke<false>;
  return r;
}

}  // namespace tinyscope::runner::kernels
