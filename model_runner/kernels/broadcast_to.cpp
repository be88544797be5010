#include "model_runner/kernels/broadcast_to.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int32_t kMaxBroadcastRank = 5;

struct BroadcastToData {
  int32_t rank = 0;  // output rank; the input is right-aligned to it
  int32_t outDims[kMaxBroadcastRank] = {};
  size_t inStrides[kMaxBroadcastRank] = {};  // in elements, 0 along broadcast dimensions
  size_t elementSize = 0;
  size_t outputCount = 0;
};

Status prepareBroadcastTo(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), shape = ctx.input(1), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, shape, typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64),
                         "shape")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk) {
    return s;
  }
  const size_t elementSize = schema::tensorTypeSize(input.type);
  if (elementSize == 0 || input.type == TensorType::kString)
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  if (input.rank > kMaxBroadcastRank)
    return ctx.failValue(Status::kShapeMismatch, "input rank (at most 5)", input.rank, input.index);
  if (shape.rank != 1)
    return ctx.failValue(Status::kShapeMismatch, "shape rank", shape.rank, shape.index);
  const auto rank = static_cast<int32_t>(shape.elementCount);
  if (rank != output.rank)
    return ctx.failValue(Status::kShapeMismatch, "output rank (the shape operand's length)",
                         output.rank, output.index);
  if (rank < input.rank || rank > kMaxBroadcastRank)
    return ctx.failValue(Status::kShapeMismatch, "shape (length)", rank, shape.index);
  if (!shape.isConstant()) {
    return ctx.fail(Status::kBadOpParams, "shape (not constant: TFLM reads it in prepare)",
                    shape.index);
  }
  BroadcastToData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->rank = rank;
  d->elementSize = elementSize;
  d->outputCount = output.elementCount;
  const int32_t extra = rank - input.rank;
  size_t stride = 1;
  for (int32_t o = rank - 1; o >= 0; --o) {
    const int64_t want = constantInt(shape, static_cast<size_t>(o));
    if (want != output.dims[o])
      return ctx.failValue(Status::kShapeMismatch, "output", want, output.index);
    d->outDims[o] = output.dims[o];
    const int32_t i = o - extra;
    if (i < 0) continue;  // a leading dimension the input lacks: stride 0
    if (input.dims[i] != 1 && input.dims[i] != output.dims[o])
      return ctx.failValue(Status::kShapeMismatch, "shape (input does not broadcast to it)", want,
                           shape.index);
    d->inStrides[o] = input.dims[i] == 1 ? 0 : stride;
    stride *= static_cast<size_t>(input.dims[i]);
  }
  return Status::kOk;
}

void invokeBroadcastTo(const OpContext& ctx) {
  const auto* d = static_cast<const BroadcastToData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  int32_t index[kMaxBroadcastRank] = {};
  size_t from = 0;
  for (size_t i = 0; i < d->outputCount; ++i) {
    std::memcpy(out + i * d->elementSize, in + from * d->elementSize, d->elementSize);
    for (int32_t k = d->rank - 1; k >= 0; --k) {
      from += d->inStrides[k];
      if (++index[k] < d->outDims[k]) break;
      from -= d->inStrides[k] * static_cast<size_t>(d->outDims[k]);
      index[k] = 0;
    }
  }
}

// ---- BROADCAST_ARGS ----

struct BroadcastArgsData {
  bool wide = false;  // int64
  size_t count1 = 0, count2 = 0, outputCount = 0;
};

// One output entry (counted from the end) as TFLM forms it: both entries truncated to int,
// a missing one counting as 1; -1 when they do not broadcast.
template <typename T>
int32_t broadcastEntry(const T* a, size_t countA, const T* b, size_t countB, size_t backward) {
  const auto x = static_cast<int32_t>(backward < countA ? a[countA - 1 - backward] : T{1});
  const auto y = static_cast<int32_t>(backward < countB ? b[countB - 1 - backward] : T{1});
  if (x != 1 && y != 1 && x != y) return -1;
  return x == 1 ? y : x;
}

Status prepareBroadcastArgs(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc a = ctx.input(0), b = ctx.input(1), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, a, typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64),
                         "shape1")) != Status::kOk ||
      (s = requireType(ctx, b, a.type, "shape2")) != Status::kOk ||
      (s = requireType(ctx, output, a.type, "output")) != Status::kOk) {
    return s;
  }
  if (a.rank != 1) return ctx.failValue(Status::kShapeMismatch, "shape1 rank", a.rank, a.index);
  if (b.rank != 1) return ctx.failValue(Status::kShapeMismatch, "shape2 rank", b.rank, b.index);
  if (output.rank != 1)
    return ctx.failValue(Status::kShapeMismatch, "output rank", output.rank, output.index);
  BroadcastArgsData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->wide = a.type == TensorType::kInt64;
  d->count1 = a.elementCount;
  d->count2 = b.elementCount;
  d->outputCount = output.elementCount;
  if (!a.isConstant() || !b.isConstant()) return Status::kOk;
  for (size_t k = 0; k < d->outputCount; ++k) {
    const auto x = static_cast<int32_t>(k < d->count1 ? constantInt(a, d->count1 - 1 - k) : 1);
    const auto y = static_cast<int32_t>(k < d->count2 ? constantInt(b, d->count2 - 1 - k) : 1);
    if (x != 1 && y != 1 && x != y)
      return ctx.failValue(Status::kShapeMismatch, "shape2 (does not broadcast with shape1)", y,
                           b.index);
  }
  return Status::kOk;
}

template <typename T>
void broadcastArgs(const OpContext& ctx, const BroadcastArgsData& d) {
  const T* a = ctx.inputData<T>(0);
  const T* b = ctx.inputData<T>(1);
  T* out = ctx.outputData<T>(0);
  for (size_t k = 0; k < d.outputCount; ++k)
    out[d.outputCount - 1 - k] = static_cast<T>(broadcastEntry(a, d.count1, b, d.count2, k));
}

void invokeBroadcastArgs(const OpContext& ctx) {
  const auto* d = static_cast<const BroadcastArgsData*>(ctx.userData());
  if (d->wide) {
    broadcastArgs<int64_t>(ctx, *d);
  } else {
    broadcastArgs<int32_t>(ctx, *d);
  }
}

}  // namespace

OpRegistration registerBroadcastTo() {
  return builtinRegistration(schema::BuiltinOperator::kBroadcastTo, prepareBroadcastTo,
                             invokeBroadcastTo);
}

OpRegistration registerBroadcastArgs() {
  return builtinRegistration(schema::BuiltinOperator::kBroadcastArgs, prepareBroadcastArgs,
                             invokeBroadcastArgs);
}

}  // namespace tinyscope::runner::kernels
