#include "model_runner/kernels/split_pack.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr uint32_t kSplitTypes = typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) |
                                 typeBit(TensorType::kInt16) | typeBit(TensorType::kInt32);
constexpr uint32_t kPackTypes = kSplitTypes | typeBit(TensorType::kInt64);
constexpr uint32_t kUnpackTypes = kSplitTypes;

// One whole tensor and its parts, interleaved along an axis: for each of `outer` slices, part 0's
// block, then part 1's, ...
struct AxisParts {
  int32_t outer = 1;
  uint32_t parts = 0;
  bool stack = false;       // parts are the inputs and the whole the output (PACK)
  uint32_t wholeInput = 0;  // input index of the whole when the parts are the outputs
  size_t* partBytes = nullptr;
};

enum class PartShape : uint8_t {
  kEqualSlices,  // SPLIT: the axis cut in equal parts
  kSlices,       // SPLIT_V: any sizes along the axis that add up
  kDropAxis,     // PACK, UNPACK: one part per index of the axis, without that dimension
};

// Reads a constant int32 axis operand (one element), normalized to [0, rank).
Status constantAxis(const OpContext& ctx, uint32_t inputIndex, int32_t rank, int32_t* axis) {
  const TensorDesc a = ctx.input(inputIndex);
  Status s = requireType(ctx, a, TensorType::kInt32, "axis");
  if (s != Status::kOk) return s;
  if (!a.isConstant()) return ctx.fail(Status::kBadOpParams, "axis (not constant)", a.index);
  if (a.rank > 1 || a.elementCount < 1)
    return ctx.fail(Status::kShapeMismatch, "axis (one element)", a.index);
  const int32_t raw = quant::loadInt32(a.constData);
  *axis = raw < 0 ? raw + rank : raw;
  if (*axis < 0 || *axis >= rank) return ctx.failValue(Status::kBadOpParams, "axis", raw, a.index);
  return Status::kOk;
}

// Checks every part against the whole and records the copy plan. `axis` is in [0, whole.rank).
Status prepareParts(OpContext& ctx, const TensorDesc& whole, int32_t axis, PartShape shape,
                    bool stack, uint32_t wholeInput) {
  const uint32_t parts = stack ? ctx.numInputs() : ctx.numOutputs();
  if (parts < 1) return ctx.failValue(Status::kBadOpArity, stack ? "inputs" : "outputs", parts);
  auto* data = static_cast<AxisParts*>(ctx.allocatePersistent(sizeof(AxisParts)));
  size_t* partBytes = static_cast<size_t*>(ctx.allocatePersistent(sizeof(size_t) * parts));
  if (data == nullptr || partBytes == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = AxisParts();
  data->parts = parts;
  data->stack = stack;
  data->wholeInput = wholeInput;
  data->partBytes = partBytes;
  ctx.setUserData(data);
  size_t outer = 1, inner = schema::tensorTypeSize(whole.type);
  for (int32_t d = 0; d < axis; ++d) outer *= static_cast<size_t>(whole.dims[d]);
  for (int32_t d = axis + 1; d < whole.rank; ++d) inner *= static_cast<size_t>(whole.dims[d]);
  data->outer = static_cast<int32_t>(outer);
  const int32_t axisSize = whole.dims[axis];
  const char* field = stack ? "input" : "output";
  int64_t covered = 0;
  for (uint32_t i = 0; i < parts; ++i) {
    const int32_t index = stack ? ctx.inputIndex(i) : ctx.outputIndex(i);
    if (index < 0) return ctx.failValue(Status::kBadOpArity, field, i);
    const TensorDesc part = stack ? ctx.input(i) : ctx.output(i);
    if (part.type != whole.type) {
      return ctx.failValue(Status::kUnsupportedOpType, field, static_cast<int64_t>(part.type),
                           part.index);
    }
    const bool dropAxis = shape == PartShape::kDropAxis;
    bool same = part.rank == whole.rank - (dropAxis ? 1 : 0);
    for (int32_t d = 0, p = 0; same && d < whole.rank; ++d) {
      if (d == axis && dropAxis) continue;
      if (d != axis) same = part.dims[p] == whole.dims[d];
      ++p;
    }
    int32_t along = 1;
    if (!dropAxis && same) {
      along = part.dims[axis];
      if (shape == PartShape::kEqualSlices) same = int64_t{along} * parts == axisSize;
    }
    if (!same) return ctx.fail(Status::kShapeMismatch, field, part.index);
    covered += along;
    partBytes[i] = static_cast<size_t>(along) * inner;
  }
  if (covered != axisSize)
    return ctx.failValue(Status::kShapeMismatch, "parts along axis", covered);
  return Status::kOk;
}

void invokeParts(const OpContext& ctx) {
  const auto* d = static_cast<const AxisParts*>(ctx.userData());
  if (d->stack) {
    auto* dst = ctx.outputData<uint8_t>(0);
    for (int32_t k = 0; k < d->outer; ++k) {
      for (uint32_t i = 0; i < d->parts; ++i) {
        const size_t n = d->partBytes[i];
        if (n > 0) std::memcpy(dst, ctx.inputData<uint8_t>(i) + n * static_cast<size_t>(k), n);
        dst += n;
      }
    }
  } else {
    const auto* src = ctx.inputData<uint8_t>(d->wholeInput);
    for (int32_t k = 0; k < d->outer; ++k) {
      for (uint32_t i = 0; i < d->parts; ++i) {
        const size_t n = d->partBytes[i];
        if (n > 0) std::memcpy(ctx.outputData<uint8_t>(i) + n * static_cast<size_t>(k), src, n);
        src += n;
      }
    }
  }
}

Status prepareSplit(OpContext& ctx) {
  // Inputs: axis, input.
  if (ctx.numInputs() != 2 || !ctx.hasInput(0) || !ctx.hasInput(1))
    return ctx.failValue(Status::kBadOpArity, "inputs", ctx.numInputs());
  const TensorDesc input = ctx.input(1);
  Status s = requireTypeIn(ctx, input, kSplitTypes, "input");
  int32_t axis = 0;
  if (s != Status::kOk || (s = constantAxis(ctx, 0, input.rank, &axis)) != Status::kOk) return s;
  return prepareParts(ctx, input, axis, PartShape::kEqualSlices, false, 1);
}

Status prepareSplitV(OpContext& ctx) {
  // Inputs: input, size_splits, axis.
  if (ctx.numInputs() != 3 || !ctx.hasInput(0) || !ctx.hasInput(2))
    return ctx.failValue(Status::kBadOpArity, "inputs", ctx.numInputs());
  const TensorDesc input = ctx.input(0);
  Status s = requireTypeIn(ctx, input, kSplitTypes, "input");
  int32_t axis = 0;
  if (s != Status::kOk || (s = constantAxis(ctx, 2, input.rank, &axis)) != Status::kOk) return s;
  return prepareParts(ctx, input, axis, PartShape::kSlices, false, 0);
}

Status preparePack(OpContext& ctx) {
  using namespace schema::pack_options;
  Status s = requireOptions(ctx, schema::BuiltinOptionsType::kPackOptions);
  if (s != Status::kOk) return s;
  if (ctx.numOutputs() != 1) return ctx.failValue(Status::kBadOpArity, "outputs", ctx.numOutputs());
  const int32_t count = ctx.options().i32(kValuesCount);
  if (count < 1 || static_cast<uint32_t>(count) != ctx.numInputs())
    return ctx.failValue(Status::kBadOpParams, "values_count", count);
  const TensorDesc output = ctx.output(0);
  if ((s = requireTypeIn(ctx, output, kPackTypes, "output")) != Status::kOk) return s;
  const int32_t raw = ctx.options().i32(kAxis);
  const int32_t axis = raw < 0 ? raw + output.rank : raw;
  if (axis < 0 || axis >= output.rank) return ctx.failValue(Status::kBadOpParams, "axis", raw);
  return prepareParts(ctx, output, axis, PartShape::kDropAxis, true, 0);
}

Status prepareUnpack(OpContext& ctx) {
  using namespace schema::unpack_options;
  Status s = requireOptions(ctx, schema::BuiltinOptionsType::kUnpackOptions);
  if (s != Status::kOk || (s = requireArity(ctx, 1, 1, ctx.numOutputs())) != Status::kOk) return s;
  const int32_t num = ctx.options().i32(kNum);
  if (num < 1 || static_cast<uint32_t>(num) != ctx.numOutputs())
    return ctx.failValue(Status::kBadOpParams, "num", num);
  const TensorDesc input = ctx.input(0);
  if ((s = requireTypeIn(ctx, input, kUnpackTypes, "input")) != Status::kOk) return s;
  const int32_t raw = ctx.options().i32(kAxis);
  const int32_t axis = raw < 0 ? raw + input.rank : raw;
  if (axis < 0 || axis >= input.rank) return ctx.failValue(Status::kBadOpParams, "axis", raw);
  return prepareParts(ctx, input, axis, PartShape::kDropAxis, false, 0);
}

}  // namespace

OpRegistration registerSplit() {
  return builtinRegistration(schema::BuiltinOperator::kSplit, prepareSplit, invokeParts);
}
OpRegistration registerSplitV() {
  return builtinRegistration(schema::BuiltinOperator::kSplitV, prepareSplitV, invokeParts);
}
OpRegistration registerPack() {
  return builtinRegistration(schema::BuiltinOperator::kPack, preparePack, invokeParts);
}
OpRegistration registerUnpack() {
  return builtinRegistration(schema::BuiltinOperator::kUnpack, prepareUnpack, invokeParts);
}

}  // namespace tinyscope::runner::kernels
