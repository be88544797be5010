#include "model_runner/kernels/dynamic_update_slice.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct UpdateSliceData {
  int32_t rank = 0;
  int32_t operandDims[kMaxDims] = {};
  int32_t updateDims[kMaxDims] = {};
  size_t elementSize = 0;
  size_t operandBytes = 0;
  size_t updateCount = 0;
  bool wideIndices = false;  // int64
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 3, 3, 1);
  if (s != Status::kOk) return s;
  const TensorDesc operand = ctx.input(0), update = ctx.input(1), start = ctx.input(2),
                   output = ctx.output(0);
  if ((s = requireTypeIn(
           ctx, operand,
           typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) | typeBit(TensorType::kInt32),
           "operand")) != Status::kOk ||
      (s = requireType(ctx, update, operand.type, "update")) != Status::kOk ||
      (s = requireType(ctx, output, operand.type, "output")) != Status::kOk ||
      (s = requireTypeIn(ctx, start, typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64),
                         "start_indices")) != Status::kOk) {
    return s;
  }
  if (start.rank != 1 || start.elementCount != operand.rank)
    return ctx.fail(Status::kShapeMismatch, "start_indices (one per operand dimension)",
                    start.index);
  if (update.rank != operand.rank)
    return ctx.failValue(Status::kShapeMismatch, "update rank", update.rank, update.index);
  bool same = output.rank == operand.rank;
  for (int32_t k = 0; same && k < operand.rank; ++k) same = output.dims[k] == operand.dims[k];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  UpdateSliceData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->rank = operand.rank;
  for (int32_t k = 0; k < operand.rank; ++k) {
    if (update.dims[k] > operand.dims[k])
      return ctx.failValue(Status::kShapeMismatch, "update (larger than the operand)",
                           update.dims[k], update.index);
    d->operandDims[k] = operand.dims[k];
    d->updateDims[k] = update.dims[k];
  }
  d->elementSize = schema::tensorTypeSize(operand.type);
  d->operandBytes = operand.bytes;
  d->updateCount = update.elementCount;
  d->wideIndices = start.type == TensorType::kInt64;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const UpdateSliceData*>(ctx.userData());
  const auto* operand = ctx.inputData<uint8_t>(0);
  const auto* update = ctx.inputData<uint8_t>(1);
  auto* out = ctx.outputData<uint8_t>(0);
  if (out != operand) std::memmove(out, operand, d->operandBytes);
  // Start of the update in the output, each index clamped to [0, operand - update].
  size_t offset = 0;
  size_t strides[kMaxDims] = {};
  size_t stride = 1;
  for (int32_t k = d->rank - 1; k >= 0; --k) {
    strides[k] = stride;
    stride *= static_cast<size_t>(d->operandDims[k]);
  }
  for (int32_t k = 0; k < d->rank; ++k) {
    int64_t v = 0;
    if (d->wideIndices) {
      std::memcpy(&v, ctx.inputData<uint8_t>(2) + 8 * k, 8);
    } else {
      int32_t v32 = 0;
      std::memcpy(&v32, ctx.inputData<uint8_t>(2) + 4 * k, 4);
      v = v32;
    }
    const int64_t hi = d->operandDims[k] - d->updateDims[k];
    v = v < 0 ? 0 : (v > hi ? hi : v);
    offset += static_cast<size_t>(v) * strides[k];
  }
  // Rows of the update's last dimension, in order.
  const int32_t last = d->rank - 1;
  const size_t rowBytes = static_cast<size_t>(last >= 0 ? d->updateDims[last] : 1) * d->elementSize;
  const size_t rows = rowBytes == 0 ? 0 : d->updateCount * d->elementSize / rowBytes;
  int32_t index[kMaxDims] = {};
  for (size_t r = 0; r < rows; ++r) {
    size_t at = offset;
    for (int32_t k = 0; k < last; ++k) at += static_cast<size_t>(index[k]) * strides[k];
    std::memcpy(out + at * d->elementSize, update + r * rowBytes, rowBytes);
    for (int32_t k = last - 1; k >= 0; --k) {
      if (++index[k] < d->updateDims[k]) break;
      index[k] = 0;
    }
  }
}

}  // namespace

OpRegistration registerDynamicUpdateSlice() {
  return builtinRegistration(schema::BuiltinOperator::kDynamicUpdateSlice, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
