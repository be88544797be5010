#include "model_runner/kernels/transpose.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kTransposeOptions)) != Status::kOk)
    return s;
  const TensorDesc input = ctx.input(0), perm = ctx.input(1), output = ctx.output(0);
  if ((s = requireType(ctx, output, input.type, "output")) != Status::kOk) return s;
  const size_t elementSize = schema::tensorTypeSize(input.type);
  if (elementSize != 1 && elementSize != 2 && elementSize != 4) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  if (perm.type != TensorType::kInt32 && perm.type != TensorType::kInt64) {
    return ctx.failValue(Status::kUnsupportedOpType, "perm", static_cast<int64_t>(perm.type),
                         perm.index);
  }
  if (!perm.isConstant()) return ctx.fail(Status::kBadOpParams, "perm (not constant)", perm.index);
  if (perm.rank != 1 || perm.dims[0] != input.rank || output.rank != input.rank) {
    return ctx.fail(Status::kShapeMismatch, "perm", perm.index);
  }
  if (input.numChannels() > 1 || output.scale() != input.scale() ||
      output.zeroPoint() != input.zeroPoint()) {
    return ctx.fail(Status::kBadQuantization, "output", output.index);
  }
  auto* data = static_cast<TransposeOpData*>(ctx.allocatePersistent(sizeof(TransposeOpData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = TransposeOpData();
  ctx.setUserData(data);
  TransposeParams& p = data->params;
  p.rank = input.rank;
  size_t inStride[kMaxDims];
  size_t stride = 1;
  for (int32_t d = p.rank - 1; d >= 0; --d) {
    inStride[d] = stride;
    stride *= static_cast<size_t>(input.dims[d]);
  }
  bool used[kMaxDims] = {};
  for (int32_t i = 0; i < p.rank; ++i) {
    int64_t axis;
    if (perm.type == TensorType::kInt32) {
      axis = quant::loadInt32(perm.constData + 4 * i);
    } else {
      std::memcpy(&axis, perm.constData + 8 * i, sizeof axis);
    }
    if (axis < 0) axis += p.rank;  // TFLite accepts negative axes
    if (axis < 0 || axis >= p.rank || used[axis])
      return ctx.failValue(Status::kBadOpParams, "perm", i, perm.index);
    used[axis] = true;
    if (output.dims[i] != input.dims[axis])
      return ctx.failValue(Status::kShapeMismatch, "output", i, output.index);
    p.outDims[i] = output.dims[i];
    p.inStrides[i] = inStride[axis];
  }
  data->elementSize = static_cast<uint8_t>(elementSize);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const TransposeOpData*>(ctx.userData());
  switch (d->elementSize) {
    case 1:
      reference::transpose(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
      break;
    case 2:
      reference::transpose(d->params, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
      break;
    default:
      reference::transpose(d->params, ctx.inputData<int32_t>(0), ctx.outputData<int32_t>(0));
      break;
  }
}

}  // namespace

OpRegistration registerTranspose() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kTranspose);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
