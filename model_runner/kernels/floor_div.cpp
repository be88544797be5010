#include "model_runner/kernels/floor_div.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

Status prepareFloatBinary(OpContext& ctx, bool refuseZeroDivisor) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), out = ctx.output(0);
  if ((s = requireType(ctx, in1, TensorType::kFloat32, "input1")) != Status::kOk ||
      (s = requireType(ctx, in2, TensorType::kFloat32, "input2")) != Status::kOk ||
      (s = requireType(ctx, out, TensorType::kFloat32, "output")) != Status::kOk) {
    return s;
  }
  BinaryLayout* layout = nullptr;
  if ((s = allocateOpData(ctx, &layout)) != Status::kOk ||
      (s = prepareBinaryLayout(ctx, in1, in2, out, 4, layout)) != Status::kOk) {
    return s;
  }
  if (refuseZeroDivisor && in2.isConstant()) {
    for (size_t i = 0; i < in2.elementCount; ++i) {
      float v = 0.0f;
      std::memcpy(&v, in2.constData + 4 * i, 4);
      if (v == 0.0f) return ctx.fail(Status::kBadOpParams, "input2 (divisor holds 0)", in2.index);
    }
  }
  return Status::kOk;
}

Status prepareFloorDiv(OpContext& ctx) {
  return prepareFloatBinary(ctx, true);
}

Status prepareFloorMod(OpContext& ctx) {
  return prepareFloatBinary(ctx, false);
}

void invokeFloorDiv(const OpContext& ctx) {
  const auto& layout = *static_cast<const BinaryLayout*>(ctx.userData());
  mapBinary<float>(ctx, layout, [](float a, float b) {
    return static_cast<float>(__builtin_floor(static_cast<double>(a) / static_cast<double>(b)));
  });
}

void invokeFloorMod(const OpContext& ctx) {
  const auto& layout = *static_cast<const BinaryLayout*>(ctx.userData());
  mapBinary<float>(ctx, layout, [](float a, float b) {
    const float mod = __builtin_fmodf(a, b);
    return mod != 0.0f && ((b < 0.0f) != (mod < 0.0f)) ? mod + b : mod;
  });
}

}  // namespace

OpRegistration registerFloorDiv() {
  return builtinRegistration(schema::BuiltinOperator::kFloorDiv, prepareFloorDiv, invokeFloorDiv);
}

OpRegistration registerFloorMod() {
  return builtinRegistration(schema::BuiltinOperator::kFloorMod, prepareFloorMod, invokeFloorMod);
}

}  // namespace tinyscope::runner::kernels
