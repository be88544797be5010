#include "model_runner/kernels/reverse_v2.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct ReverseData {
  size_t outer = 1, span = 1, innerBytes = 0;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), axis = ctx.input(1), output = ctx.output(0);
  constexpr uint32_t kTypes = typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) |
                              typeBit(TensorType::kUInt8) | typeBit(TensorType::kInt16) |
                              typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64) |
                              typeBit(TensorType::kBool);
  if ((s = requireTypeIn(ctx, input, kTypes, "input")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk ||
      (s = requireType(ctx, axis, TensorType::kInt32, "axis")) != Status::kOk) {
    return s;
  }
  if (axis.rank != 1)
    return ctx.failValue(Status::kShapeMismatch, "axis rank", axis.rank, axis.index);
  if (axis.elementCount > input.rank)
    return ctx.failValue(Status::kShapeMismatch, "axis (more axes than the input has)",
                         static_cast<int64_t>(axis.elementCount), axis.index);
  bool sameShape = output.rank == input.rank;
  for (int32_t k = 0; sameShape && k < input.rank; ++k) sameShape = output.dims[k] == input.dims[k];
  if (!sameShape) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  if (!axis.isConstant()) {
    return ctx.fail(Status::kBadOpParams,
                    "axis (not constant: cannot be range-checked before invoke)", axis.index);
  }
  bool reversed[kMaxDims] = {};
  int32_t first = input.rank, last = -1;
  for (size_t i = 0; i < axis.elementCount; ++i) {
    const auto raw = static_cast<int32_t>(constantInt(axis, i));
    const int32_t a = raw < 0 ? raw + input.rank : raw;
    if (a < 0 || a >= input.rank)
      return ctx.failValue(Status::kBadOpParams, "axis", raw, axis.index);
    if (reversed[a])
      return ctx.failValue(Status::kBadOpParams, "axis (repeated: not contiguous)", raw,
                           axis.index);
    reversed[a] = true;
    first = a < first ? a : first;
    last = a > last ? a : last;
  }
  for (int32_t a = first; a <= last; ++a) {
    if (!reversed[a])
      return ctx.failValue(Status::kBadOpParams, "axis (not contiguous)", a, axis.index);
  }
  ReverseData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->innerBytes = schema::tensorTypeSize(input.type);
  for (int32_t k = 0; k < input.rank; ++k) {
    const auto n = static_cast<size_t>(input.dims[k]);
    if (k < first) {
      d->outer *= n;
    } else if (k <= last) {
      d->span *= n;
    } else {
      d->innerBytes *= n;
    }
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const ReverseData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  const size_t block = d->span * d->innerBytes;
  for (size_t o = 0; o < d->outer; ++o) {
    const uint8_t* src = in + o * block;
    uint8_t* dst = out + o * block;
    for (size_t m = 0; m < d->span; ++m)
      std::memcpy(dst + m * d->innerBytes, src + (d->span - 1 - m) * d->innerBytes, d->innerBytes);
  }
}

}  // namespace

OpRegistration registerReverseV2() {
  return builtinRegistration(schema::BuiltinOperator::kReverseV2, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
