#include "model_runner/kernels/strided_slice.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int32_t kMaxRank = 4;
constexpr int32_t kLoopRank = 5;  // the reference loop works on 5-D shapes

struct StridedSliceOpData {
  int32_t dims[kLoopRank] = {1, 1, 1, 1, 1};
  int32_t start[kLoopRank] = {};
  int32_t stop[kLoopRank] = {1, 1, 1, 1, 1};
  int32_t stride[kLoopRank] = {1, 1, 1, 1, 1};
  size_t elemSize = 1;
};

// First index along an axis (TFLite's StridedSliceStartForAxis).
int32_t startForAxis(int32_t begin, int32_t stride, bool beginMask, int32_t size) {
  int64_t start = begin;
  if (start < 0) start += size;
  start = stride > 0 ? (start < 0 ? 0 : (start > size ? size : start))
                     : (start < -1 ? -1 : (start > size - 1 ? size - 1 : start));
  if (beginMask) start = stride > 0 ? 0 : size - 1;
  return static_cast<int32_t>(start);
}

// One past the last index (TFLite's StridedSliceEndForAxis).
int32_t stopForAxis(int32_t end, int32_t stride, bool endMask, bool shrink, int32_t size,
                    int32_t start) {
  if (shrink) return start >= size ? start : start + 1;
  int64_t stop = end;
  if (stop < 0) stop += size;
  stop = stride > 0 ? (stop < 0 ? 0 : (stop > size ? size : stop))
                    : (stop < -1 ? -1 : (stop > size - 1 ? size - 1 : stop));
  if (endMask) stop = stride > 0 ? size : -1;
  return static_cast<int32_t>(stop);
}

int32_t countFor(int32_t start, int32_t stop, int32_t stride) {
  const int64_t span = static_cast<int64_t>(stop) - start;
  int64_t n = stride > 0 ? (span + stride - 1) / stride : (-span + (-stride) - 1) / (-stride);
  if ((stride > 0 && span <= 0) || (stride < 0 && span >= 0)) n = 0;
  return static_cast<int32_t>(n);
}

int32_t constInt(const TensorDesc& t, int32_t i) {
  int32_t v = 0;
  std::memcpy(&v, t.constData + 4 * i, sizeof v);
  return v;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 4, 4, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kStridedSliceOptions)) != Status::kOk)
    return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  const TensorType type = input.type;
  switch (type) {
    case TensorType::kFloat32:
    case TensorType::kInt8:
    case TensorType::kInt16:
    case TensorType::kInt32:
    case TensorType::kBool:
      break;
    default:
      return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(type),
                           input.index);
  }
  if ((s = requireType(ctx, output, type, "output")) != Status::kOk) return s;
  const int32_t rank = input.rank;
  if (rank > kMaxRank) return ctx.failValue(Status::kShapeMismatch, "input", rank, input.index);
  const char* names[3] = {"begin", "end", "strides"};
  TensorDesc idx[3];
  for (int k = 0; k < 3; ++k) {
    idx[k] = ctx.input(static_cast<uint32_t>(k + 1));
    if ((s = requireType(ctx, idx[k], TensorType::kInt32, names[k])) != Status::kOk) return s;
    if (!idx[k].isConstant()) return ctx.fail(Status::kUnsupportedOpType, names[k], idx[k].index);
    if (idx[k].elementCount < static_cast<size_t>(rank))
      return ctx.failValue(Status::kShapeMismatch, names[k],
                           static_cast<int64_t>(idx[k].elementCount), idx[k].index);
  }
  const fb::Table& o = ctx.options();
  const uint32_t beginMask =
      static_cast<uint32_t>(o.i32(schema::strided_slice_options::kBeginMask));
  const uint32_t endMask = static_cast<uint32_t>(o.i32(schema::strided_slice_options::kEndMask));
  const uint32_t shrinkMask =
      static_cast<uint32_t>(o.i32(schema::strided_slice_options::kShrinkAxisMask));

  StridedSliceOpData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->elemSize = schema::tensorTypeSize(type);
  // Leading padding axes take everything (one element).
  const int32_t pad = kLoopRank - rank;
  int32_t outDim = 0;
  for (int32_t axis = 0; axis < rank; ++axis) {
    const int32_t size = input.dims[axis];
    const int32_t stride = constInt(idx[2], axis);
    if (stride == 0) return ctx.failValue(Status::kBadOpParams, "strides", axis, idx[2].index);
    const bool shrink = (shrinkMask >> axis) & 1u;
    const int32_t start =
        startForAxis(constInt(idx[0], axis), stride, (beginMask >> axis) & 1u, size);
    const int32_t stop =
        stopForAxis(constInt(idx[1], axis), stride, (endMask >> axis) & 1u, shrink, size, start);
    if (shrink && (start < 0 || start >= size))
      return ctx.failValue(Status::kBadOpParams, "begin", constInt(idx[0], axis), idx[0].index);
    // TFLM's loop takes nothing from a shrunk axis with a negative stride (its output is then
    // never written): refused rather than answered with garbage.
    if (shrink && stride < 0)
      return ctx.failValue(Status::kBadOpParams, "strides", stride, idx[2].index);
    if (!shrink) {
      if (outDim >= output.rank || output.dims[outDim] != countFor(start, stop, stride))
        return ctx.failValue(Status::kShapeMismatch, "output", outDim, output.index);
      ++outDim;
    }
    d->dims[pad + axis] = size;
    d->start[pad + axis] = start;
    d->stop[pad + axis] = stop;
    d->stride[pad + axis] = stride;
  }
  if (outDim != output.rank)
    return ctx.failValue(Status::kShapeMismatch, "output", output.rank, output.index);
  return Status::kOk;
}

bool done(int32_t i, int32_t stop, int32_t stride) {
  return stride > 0 ? i >= stop : i <= stop;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const StridedSliceOpData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  const size_t es = d->elemSize;
  for (int32_t i0 = d->start[0]; !done(i0, d->stop[0], d->stride[0]); i0 += d->stride[0]) {
    for (int32_t i1 = d->start[1]; !done(i1, d->stop[1], d->stride[1]); i1 += d->stride[1]) {
      for (int32_t i2 = d->start[2]; !done(i2, d->stop[2], d->stride[2]); i2 += d->stride[2]) {
        for (int32_t i3 = d->start[3]; !done(i3, d->stop[3], d->stride[3]); i3 += d->stride[3]) {
          const size_t base =
              ((static_cast<size_t>(i0) * d->dims[1] + i1) * d->dims[2] + i2) * d->dims[3] + i3;
          if (d->stride[4] == 1) {  // a contiguous run
            const int32_t n = d->stop[4] > d->start[4] ? d->stop[4] - d->start[4] : 0;
            const size_t bytes = static_cast<size_t>(n) * es;
            std::memcpy(out, in + (base * d->dims[4] + static_cast<size_t>(d->start[4])) * es,
                        bytes);
            out += bytes;
            continue;
          }
          for (int32_t i4 = d->start[4]; !done(i4, d->stop[4], d->stride[4]); i4 += d->stride[4]) {
            std::memcpy(out, in + (base * d->dims[4] + static_cast<size_t>(i4)) * es, es);
            out += es;
          }
        }
      }
    }
  }
}

}  // namespace

OpRegistration registerStridedSlice() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kStridedSlice);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
