#include "model_runner/kernels/select_v2.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr uint32_t kMaxSelectRank = 5;

struct SelectData {
  int32_t outDims[kMaxDims] = {1, 1, 1, 1, 1, 1};
  int32_t strides[3][kMaxDims] = {};  // condition, x, y; 0 where broadcast
  size_t count = 0;
  size_t elementSize = 1;
};

// Strides of `t` walked along the output's dims (right-aligned); false when `t` does not
// broadcast to them.
bool stridesFor(const TensorDesc& t, const int32_t outDims[kMaxDims], int32_t strides[kMaxDims]) {
  int32_t dims[kMaxDims];
  for (uint32_t i = 0; i < kMaxDims; ++i) dims[i] = 1;
  for (uint32_t i = 0; i < t.rank; ++i) dims[kMaxDims - t.rank + i] = t.dims[i];
  int32_t stride = 1;
  for (int32_t i = static_cast<int32_t>(kMaxDims) - 1; i >= 0; --i) {
    if (dims[i] != 1 && dims[i] != outDims[i]) return false;
    strides[i] = dims[i] == 1 ? 0 : stride;
    stride *= dims[i];
  }
  return true;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 3, 3, 1);
  if (s != Status::kOk) return s;
  const TensorDesc cond = ctx.input(0), x = ctx.input(1), y = ctx.input(2), out = ctx.output(0);
  if ((s = requireType(ctx, cond, TensorType::kBool, "condition")) != Status::kOk) return s;
  if (x.type != TensorType::kFloat32 && x.type != TensorType::kInt8 &&
      x.type != TensorType::kInt16) {
    return ctx.failValue(Status::kUnsupportedOpType, "x", static_cast<int64_t>(x.type), x.index);
  }
  if ((s = requireType(ctx, y, x.type, "y")) != Status::kOk ||
      (s = requireType(ctx, out, x.type, "output")) != Status::kOk) {
    return s;
  }
  const TensorDesc* operands[3] = {&cond, &x, &y};
  uint8_t maxRank = 0;
  for (const TensorDesc* t : operands) {
    if (t->rank > kMaxSelectRank)
      return ctx.failValue(Status::kShapeMismatch, "rank", t->rank, t->index);
    maxRank = t->rank > maxRank ? t->rank : maxRank;
  }
  SelectData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->elementSize = schema::tensorTypeSize(x.type);
  d->count = out.elementCount;
  // Every operand a single element: TFLM keeps the output's own (one-element) shape.
  if (cond.elementCount == 1 && x.elementCount == 1 && y.elementCount == 1 && out.elementCount == 1)
    return Status::kOk;
  if (out.rank != maxRank) return ctx.fail(Status::kShapeMismatch, "output", out.index);
  for (uint32_t i = 0; i < out.rank; ++i) d->outDims[kMaxDims - out.rank + i] = out.dims[i];
  for (uint32_t k = 0; k < 3; ++k) {
    if (!stridesFor(*operands[k], d->outDims, d->strides[k]))
      return ctx.fail(Status::kShapeMismatch, "output", out.index);
  }
  // The output must be exactly the broadcast shape: each of its dims comes from an operand.
  for (uint32_t i = 0; i < kMaxDims; ++i) {
    bool reached = d->outDims[i] == 1;
    for (uint32_t k = 0; k < 3 && !reached; ++k) reached = d->strides[k][i] != 0;
    if (!reached) return ctx.fail(Status::kShapeMismatch, "output", out.index);
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const SelectData*>(ctx.userData());
  const auto* cond = ctx.inputData<uint8_t>(0);
  const auto* x = ctx.inputData<uint8_t>(1);
  const auto* y = ctx.inputData<uint8_t>(2);
  auto* out = ctx.outputData<uint8_t>(0);
  const size_t size = d->elementSize;
  int32_t idx[kMaxDims] = {};
  size_t off[3] = {0, 0, 0};
  for (size_t i = 0; i < d->count; ++i) {
    const uint8_t* from = cond[off[0]] != 0 ? x + off[1] * size : y + off[2] * size;
    std::memcpy(out + i * size, from, size);
    for (int32_t dim = static_cast<int32_t>(kMaxDims) - 1; dim >= 0; --dim) {
      for (uint32_t k = 0; k < 3; ++k) off[k] += static_cast<size_t>(d->strides[k][dim]);
      if (++idx[dim] < d->outDims[dim]) break;
      for (uint32_t k = 0; k < 3; ++k)
        off[k] -= static_cast<size_t>(d->strides[k][dim]) * static_cast<size_t>(d->outDims[dim]);
      idx[dim] = 0;
    }
  }
}

}  // namespace

OpRegistration registerSelectV2() {
  return builtinRegistration(schema::BuiltinOperator::kSelectV2, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
