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
  mapBinary<uint8_t>(ctx, d->layout, [](uint8_t a, uint8_t b) {
    const bool x = a != 0, y = b != 0;
    return static_cast<uint8_t>((kAnd ? (x && y) : (x || y)) ? 1 : 0);
  });
}

}  // namespace

OpRegistration registerLogicalAnd() {
  return builtinRegistration(schema::BuiltinOperator::kLogicalAnd, prepare, invoke<true>);
}

OpRegistration registerLogicalOr() {
  return builtinRegistration(schema::BuiltinOperator::kLogicalOr, prepare, invoke<false>);
}

}  // namespace tinyscope::runner::kernels
