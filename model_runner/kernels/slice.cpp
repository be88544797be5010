#include "model_runner/kernels/slice.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int32_t kMaxSliceDims = 5;

struct SliceData {
  int32_t rank = 0;
  size_t inStride[kMaxSliceDims] = {};  // bytes
  int32_t begin[kMaxSliceDims] = {};
  int32_t size[kMaxSliceDims] = {};
  size_t rowBytes = 0;  // the innermost dimension's slice, copied in one piece
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 3, 3, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), begin = ctx.input(1), size = ctx.input(2),
                   output = ctx.output(0);
  const TensorType t = input.type;
  constexpr uint32_t kTypes = typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) |
                              typeBit(TensorType::kInt16) | typeBit(TensorType::kInt32) |
                              typeBit(TensorType::kBool);
  constexpr uint32_t kIndexTypes = typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64);
  if ((s = requireTypeIn(ctx, input, kTypes, "input")) != Status::kOk ||
      (s = requireType(ctx, output, t, "output")) != Status::kOk ||
      (s = requireTypeIn(ctx, begin, kIndexTypes, "begin")) != Status::kOk ||
      (s = requireType(ctx, size, begin.type, "size")) != Status::kOk) {
    return s;
  }
  if (!begin.isConstant())
    return ctx.fail(Status::kBadOpParams, "begin (not constant)", begin.index);
  if (!size.isConstant()) return ctx.fail(Status::kBadOpParams, "size (not constant)", size.index);
  const int32_t rank = input.rank;
  if (rank > kMaxSliceDims)
    return ctx.failValue(Status::kShapeMismatch, "input rank", rank, input.index);
  if (begin.rank != 1 || begin.elementCount != static_cast<size_t>(rank))
    return ctx.fail(Status::kShapeMismatch, "begin", begin.index);
  if (size.rank != 1 || size.elementCount != static_cast<size_t>(rank))
    return ctx.fail(Status::kShapeMismatch, "size", size.index);
  auto* data = static_cast<SliceData*>(ctx.allocatePersistent(sizeof(SliceData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = SliceData();
  ctx.setUserData(data);
  data->rank = rank;
  size_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    const int64_t b = constantInt(begin, static_cast<size_t>(d));
    int64_t n = constantInt(size, static_cast<size_t>(d));
    const int64_t extent = input.dims[d];
    if (b < 0 || b > extent) return ctx.failValue(Status::kBadOpParams, "begin", b, begin.index);
    if (n == -1) n = extent - b;
    if (n < 0 || n > extent - b) return ctx.failValue(Status::kBadOpParams, "size", n, size.index);
    data->begin[d] = static_cast<int32_t>(b);
    data->size[d] = static_cast<int32_t>(n);
    count *= static_cast<size_t>(n);
  }
  if (output.elementCount != count)
    return ctx.failValue(Status::kShapeMismatch, "output",
                         static_cast<int64_t>(output.elementCount), output.index);
  size_t stride = schema::tensorTypeSize(t);
  for (int32_t d = rank - 1; d >= 0; --d) {
    data->inStride[d] = stride;
    stride *= static_cast<size_t>(input.dims[d]);
  }
  data->rowBytes = rank > 0 ? data->inStride[rank - 1] * static_cast<size_t>(data->size[rank - 1])
                            : schema::tensorTypeSize(t);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const SliceData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  if (d->rank == 0) {
    std::memcpy(out, in, d->rowBytes);
    return;
  }
  const int32_t outerDims = d->rank - 1;
  size_t rows = 1;
  for (int32_t k = 0; k < outerDims; ++k) rows *= static_cast<size_t>(d->size[k]);
  if (d->rowBytes == 0) return;
  int32_t index[kMaxSliceDims] = {};
  for (size_t r = 0; r < rows; ++r) {
    size_t offset = d->inStride[outerDims] * static_cast<size_t>(d->begin[outerDims]);
    for (int32_t k = 0; k < outerDims; ++k)
      offset += d->inStride[k] * static_cast<size_t>(d->begin[k] + index[k]);
    std::memcpy(out, in + offset, d->rowBytes);
    out += d->rowBytes;
    for (int32_t k = outerDims - 1; k >= 0; --k) {
      if (++index[k] < d->size[k]) break;
      index[k] = 0;
    }
  }
}

}  // namespace

OpRegistration registerSlice() {
  return builtinRegistration(schema::BuiltinOperator::kSlice, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
