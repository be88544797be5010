#include "model_runner/kernels/squeeze_expand_dims.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/kernels/reshape.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

// The output has exactly `rank` dimensions `dims` and the input's type and byte count.
Status requireOutputShape(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                          const int32_t* dims, int32_t rank) {
  Status s = requireType(ctx, output, input.type, "output");
  if (s != Status::kOk) return s;
  bool same = output.rank == rank && output.bytes == input.bytes;
  for (int32_t d = 0; same && d < rank; ++d) same = output.dims[d] == dims[d];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  setByteCopy(ctx, output.bytes);
  return Status::kOk;
}

Status prepareSqueeze(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk ||
      (s = requireOptions(ctx, schema::BuiltinOptionsType::kSqueezeOptions)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if (schema::tensorTypeSize(input.type) == 0) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  const fb::Vector squeezeDims = ctx.options().vector(schema::squeeze_options::kSqueezeDims, 4);
  const int32_t rank = input.rank;
  bool squeeze[kMaxDims] = {};
  if (squeezeDims.size() == 0) {
    for (int32_t d = 0; d < rank; ++d) squeeze[d] = input.dims[d] == 1;
  }
  for (uint32_t i = 0; i < squeezeDims.size(); ++i) {
    const int32_t raw = squeezeDims.i32(i);
    const int32_t d = raw < 0 ? raw + rank : raw;
    if (d < 0 || d >= rank || input.dims[d] != 1)
      return ctx.failValue(Status::kBadOpParams, "squeeze_dims", raw, input.index);
    squeeze[d] = true;
  }
  // As TFLM: each kept dimension must fit in the output's dimension at its place, and the
  // byte counts must agree (so an output with extra trailing size-1 dimensions is accepted).
  int32_t outRank = 0;
  bool fits = output.bytes == input.bytes;
  for (int32_t d = 0; fits && d < rank; ++d) {
    if (squeeze[d]) continue;
    fits = outRank < output.rank && output.dims[outRank] >= input.dims[d];
    ++outRank;
  }
  if ((s = requireType(ctx, output, input.type, "output")) != Status::kOk) return s;
  if (!fits) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  setByteCopy(ctx, output.bytes);
  return Status::kOk;
}

Status prepareExpandDims(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), axis = ctx.input(1), output = ctx.output(0);
  constexpr uint32_t kTypes =
      typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16);
  if ((s = requireTypeIn(ctx, input, kTypes, "input")) != Status::kOk ||
      (s = requireType(ctx, axis, TensorType::kInt32, "axis")) != Status::kOk) {
    return s;
  }
  if (!axis.isConstant()) return ctx.fail(Status::kBadOpParams, "axis (not constant)", axis.index);
  if (axis.rank > 1 || axis.elementCount < 1)
    return ctx.fail(Status::kShapeMismatch, "axis (one element)", axis.index);
  const int32_t rank = input.rank;
  const int32_t raw = quant::loadInt32(axis.constData);
  const int32_t at = raw < 0 ? raw + rank + 1 : raw;
  if (at < 0 || at > rank || rank + 1 > static_cast<int32_t>(kMaxDims))
    return ctx.failValue(Status::kBadOpParams, "axis", raw, axis.index);
  int32_t dims[kMaxDims] = {};
  for (int32_t d = 0, i = 0; d <= rank; ++d) dims[d] = d == at ? 1 : input.dims[i++];
  return requireOutputShape(ctx, input, output, dims, rank + 1);
}

}  // namespace

OpRegistration registerSqueeze() {
  return builtinRegistration(schema::BuiltinOperator::kSqueeze, prepareSqueeze, invokeByteCopy);
}

OpRegistration registerExpandDims() {
  return builtinRegistration(schema::BuiltinOperator::kExpandDims, prepareExpandDims,
                             invokeByteCopy);
}

}  // namespace tinyscope::runner::kernels
