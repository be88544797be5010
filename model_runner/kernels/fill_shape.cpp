#include "model_runner/kernels/fill_shape.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

// SHAPE keeps the dimensions it writes; FILL and ZEROS_LIKE the element count and size.
struct FillData {
  int32_t dims[kMaxDims] = {};
  size_t elements = 0;
  size_t elementBytes = 0;
};

FillData* newData(OpContext& ctx) {
  auto* data = static_cast<FillData*>(ctx.allocatePersistent(sizeof(FillData)));
  if (data != nullptr) {
    *data = FillData();
    ctx.setUserData(data);
  }
  return data;
}

Status prepareShape(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireType(ctx, output, TensorType::kInt32, "output")) != Status::kOk) return s;
  if (output.rank != 1 || output.dims[0] != input.rank)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  FillData* data = newData(ctx);
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  for (int32_t d = 0; d < input.rank; ++d) data->dims[d] = input.dims[d];
  data->elements = input.rank;
  return Status::kOk;
}

void invokeShape(const OpContext& ctx) {
  const auto* d = static_cast<const FillData*>(ctx.userData());
  int32_t* out = ctx.outputData<int32_t>(0);
  for (size_t i = 0; i < d->elements; ++i) out[i] = d->dims[i];
}

Status prepareFill(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc dims = ctx.input(0), value = ctx.input(1), output = ctx.output(0);
  if (value.rank != 0) return ctx.fail(Status::kShapeMismatch, "value (not a scalar)", value.index);
  if ((s = requireType(ctx, output, value.type, "output")) != Status::kOk) return s;
  constexpr uint32_t kValueTypes =
      typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt32) | typeBit(TensorType::kInt8);
  if ((s = requireTypeIn(ctx, value, kValueTypes, "value")) != Status::kOk) return s;
  // TFLM takes the shape from the model: dims must be constant (a zero-element one counts as
  // absent) and equal the output's shape.
  if (!dims.isConstant()) return ctx.fail(Status::kBadOpParams, "dims (not constant)", dims.index);
  constexpr uint32_t kDimsTypes = typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16) |
                                  typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64);
  if ((s = requireTypeIn(ctx, dims, kDimsTypes, "dims")) != Status::kOk) return s;
  bool same = dims.rank == 1 && dims.dims[0] == output.rank;
  for (int32_t d = 0; same && d < output.rank; ++d)
    same = constantInt(dims, static_cast<size_t>(d)) == output.dims[d];
  if (!same) {
    return ctx.fail(Status::kShapeMismatch, "dims (differ from the output's shape)", dims.index);
  }
  FillData* data = newData(ctx);
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  data->elements = output.elementCount;
  data->elementBytes = schema::tensorTypeSize(output.type);
  return Status::kOk;
}

void invokeFill(const OpContext& ctx) {
  const auto* d = static_cast<const FillData*>(ctx.userData());
  const auto* value = ctx.inputData<uint8_t>(1);
  auto* out = ctx.outputData<uint8_t>(0);
  for (size_t i = 0; i < d->elements; ++i)
    std::memcpy(out + i * d->elementBytes, value, d->elementBytes);
}

Status prepareZerosLike(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  constexpr uint32_t kTypes = typeBit(TensorType::kInt64) | typeBit(TensorType::kInt32) |
                              typeBit(TensorType::kInt8) | typeBit(TensorType::kFloat32);
  if ((s = requireTypeIn(ctx, input, kTypes, "input")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk) {
    return s;
  }
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  FillData* data = newData(ctx);
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  data->elements = output.elementCount;
  data->elementBytes = schema::tensorTypeSize(output.type);
  return Status::kOk;
}

void invokeZerosLike(const OpContext& ctx) {
  const auto* d = static_cast<const FillData*>(ctx.userData());
  const size_t bytes = d->elements * d->elementBytes;
  if (bytes > 0) std::memset(ctx.outputData<uint8_t>(0), 0, bytes);
}

}  // namespace

OpRegistration registerShape() {
  return builtinRegistration(schema::BuiltinOperator::kShape, prepareShape, invokeShape);
}
OpRegistration registerFill() {
  return builtinRegistration(schema::BuiltinOperator::kFill, prepareFill, invokeFill);
}
OpRegistration registerZerosLike() {
  return builtinRegistration(schema::BuiltinOperator::kZerosLike, prepareZerosLike,
                             invokeZerosLike);
}

}  // namespace tinyscope::runner::kernels
