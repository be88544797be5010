#include "model_runner/kernels/concatenation.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr uint32_t kMaxInputs = 10;
constexpr uint8_t kMaxRank = kMaxDims;

struct ConcatOpData {
  uint32_t inputs = 0;
  size_t outer = 1;                    // product of the dims before the axis
  size_t chunkBytes[kMaxInputs] = {};  // bytes each input contributes per outer step
};

Status prepare(OpContext& ctx) {
  Status s = Status::kOk;
  if (ctx.numInputs() < 1 || ctx.numInputs() > kMaxInputs)
    return ctx.failValue(Status::kBadOpArity, "inputs", ctx.numInputs());
  if ((s = requireArity(ctx, ctx.numInputs(), ctx.numInputs(), 1)) != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kConcatenationOptions)) != Status::kOk)
    return s;
  const uint8_t activation = ctx.options().u8(schema::concatenation_options::kActivation);
  if (activation != 0)
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", activation);
  const TensorDesc output = ctx.output(0);
  const TensorType type = output.type;
  switch (type) {
    case TensorType::kFloat32:
    case TensorType::kInt8:
    case TensorType::kInt16:
    case TensorType::kInt32:
    case TensorType::kInt64:
    case TensorType::kBool:
      break;
    default:
      return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(type),
                           output.index);
  }
  if (output.rank > kMaxRank)
    return ctx.failValue(Status::kShapeMismatch, "output", output.rank, output.index);
  int32_t axis = ctx.options().i32(schema::concatenation_options::kAxis);
  if (axis < 0) axis += output.rank;
  if (axis < 0 || axis >= output.rank)
    return ctx.failValue(Status::kBadOpParams, "axis",
                         ctx.options().i32(schema::concatenation_options::kAxis));
  const size_t elemSize = schema::tensorTypeSize(type);
  size_t inner = 1, outer = 1;
  for (int32_t i = 0; i < axis; ++i) outer *= static_cast<size_t>(output.dims[i]);
  for (int32_t i = axis + 1; i < output.rank; ++i) inner *= static_cast<size_t>(output.dims[i]);

  ConcatOpData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->inputs = ctx.numInputs();
  d->outer = outer;
  int64_t axisSum = 0;
  for (uint32_t k = 0; k < d->inputs; ++k) {
    const TensorDesc in = ctx.input(k);
    if ((s = requireType(ctx, in, type, "input")) != Status::kOk) return s;
    // TFLM copies int8 without rescaling, so it insists on the output's quantization; int16
    // must be symmetric.
    if (type == TensorType::kInt8 &&
        (static_cast<double>(in.scale()) != static_cast<double>(output.scale()) ||
         in.zeroPoint() != output.zeroPoint())) {
      return ctx.fail(Status::kBadQuantization, "input", in.index);
    }
    if (type == TensorType::kInt16 && in.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "input", in.zeroPoint(), in.index);
    if (in.rank != output.rank)
      return ctx.failValue(Status::kShapeMismatch, "input", in.rank, in.index);
    for (int32_t j = 0; j < output.rank; ++j) {
      if (j != axis && in.dims[j] != output.dims[j])
        return ctx.failValue(Status::kShapeMismatch, "input", in.dims[j], in.index);
    }
    axisSum += in.dims[axis];
    d->chunkBytes[k] = static_cast<size_t>(in.dims[axis]) * inner * elemSize;
  }
  if (type == TensorType::kInt16 && output.zeroPoint() != 0)
    return ctx.failValue(Status::kBadQuantization, "output", output.zeroPoint(), output.index);
  if (axisSum != output.dims[axis])
    return ctx.failValue(Status::kShapeMismatch, "output", output.dims[axis], output.index);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const ConcatOpData*>(ctx.userData());
  auto* out = ctx.outputData<uint8_t>(0);
  for (size_t k = 0; k < d->outer; ++k) {
    for (uint32_t i = 0; i < d->inputs; ++i) {
      const size_t n = d->chunkBytes[i];
      if (n == 0) continue;
      std::memcpy(out, ctx.inputData<uint8_t>(i) + k * n, n);
      out += n;
    }
  }
}

}  // namespace

OpRegistration registerConcatenation() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kConcatenation);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
