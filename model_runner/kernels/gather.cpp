#include "model_runner/kernels/gather.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct GatherData {
  const uint8_t* positions = nullptr;  // int32, in the model bytes; nullptr: read at invoke
  size_t batches = 1, outer = 1, coords = 1, axisSize = 1;
  size_t sliceBytes = 0;  // one position's slice (the dimensions after the axis)
};

Status prepare(OpContext& ctx) {
  using namespace schema::gather_options;
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk ||
      (s = requireOptions(ctx, schema::BuiltinOptionsType::kGatherOptions)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), positions = ctx.input(1), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, input, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, positions, TensorType::kInt32, "positions")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk) {
    return s;
  }
  const int32_t rank = input.rank, coordsRank = positions.rank;
  const int32_t rawAxis = ctx.options().i32(kAxis);
  const int32_t axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (axis < 0 || axis >= rank) return ctx.failValue(Status::kBadOpParams, "axis", rawAxis);
  const int32_t rawBatch = ctx.options().i32(kBatchDims);
  const int32_t batchDims = rawBatch < 0 ? rawBatch + coordsRank : rawBatch;
  if (batchDims < 0 || batchDims > axis || batchDims > coordsRank)
    return ctx.failValue(Status::kBadOpParams, "batch_dims", rawBatch);
  for (int32_t d = 0; d < batchDims; ++d) {
    if (input.dims[d] != positions.dims[d])
      return ctx.fail(Status::kShapeMismatch, "positions (batch dimensions)", positions.index);
  }
  // Output shape: input[:axis] + positions[batch_dims:] + input[axis+1:].
  const int32_t outRank = rank + coordsRank - 1 - batchDims;
  bool same = output.rank == outRank;
  int32_t o = 0;
  for (int32_t d = 0; same && d < axis; ++d) same = output.dims[o++] == input.dims[d];
  for (int32_t d = batchDims; same && d < coordsRank; ++d)
    same = output.dims[o++] == positions.dims[d];
  for (int32_t d = axis + 1; same && d < rank; ++d) same = output.dims[o++] == input.dims[d];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  auto* data = static_cast<GatherData*>(ctx.allocatePersistent(sizeof(GatherData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = GatherData();
  ctx.setUserData(data);
  data->positions = positions.isConstant() ? positions.constData : nullptr;
  data->axisSize = static_cast<size_t>(input.dims[axis]);
  for (int32_t d = 0; d < batchDims; ++d) data->batches *= static_cast<size_t>(input.dims[d]);
  for (int32_t d = batchDims; d < axis; ++d) data->outer *= static_cast<size_t>(input.dims[d]);
  for (int32_t d = batchDims; d < coordsRank; ++d)
    data->coords *= static_cast<size_t>(positions.dims[d]);
  data->sliceBytes = schema::tensorTypeSize(input.type);
  for (int32_t d = axis + 1; d < rank; ++d) data->sliceBytes *= static_cast<size_t>(input.dims[d]);
  for (size_t i = 0; data->positions != nullptr && i < positions.elementCount; ++i) {
    const int32_t p = quant::loadInt32(positions.constData + 4 * i);
    if (p < 0 || static_cast<size_t>(p) >= data->axisSize)
      return ctx.failValue(Status::kBadOpParams, "positions", p, positions.index);
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const GatherData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  const uint8_t* positions = d->positions != nullptr ? d->positions : ctx.inputData<uint8_t>(1);
  if (d->sliceBytes == 0) return;
  for (size_t b = 0; b < d->batches; ++b) {
    for (size_t o = 0; o < d->outer; ++o) {
      const uint8_t* block = in + ((b * d->outer + o) * d->axisSize) * d->sliceBytes;
      for (size_t c = 0; c < d->coords; ++c) {
        const int32_t p = quant::loadInt32(positions + 4 * (b * d->coords + c));
        // Constant positions were checked in prepare; a computed one outside the axis (TFLM
        // stops the inference there) gives a slice of zero bytes.
        if (p < 0 || static_cast<size_t>(p) >= d->axisSize) {
          std::memset(out, 0, d->sliceBytes);
        } else {
          std::memcpy(out, block + static_cast<size_t>(p) * d->sliceBytes, d->sliceBytes);
        }
        out += d->sliceBytes;
      }
    }
  }
}

}  // namespace

OpRegistration registerGather() {
  return builtinRegistration(schema::BuiltinOperator::kGather, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
