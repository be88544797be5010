#include "model_runner/kernels/gather_nd.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int32_t kMaxIndexDepth = 5;

struct GatherNdData {
  int32_t depth = 0;                    // entries per index tuple
  int32_t dims[kMaxIndexDepth] = {};    // the params dimensions they address
  size_t strides[kMaxIndexDepth] = {};  // in slices
  size_t slices = 0;                    // index tuples
  size_t sliceBytes = 0;
};

// The slice an index tuple addresses, or -1 when an entry is outside its dimension.
int64_t sliceOf(const GatherNdData& d, const uint8_t* tuple) {
  int64_t at = 0;
  for (int32_t j = 0; j < d.depth; ++j) {
    const int32_t v = quant::loadInt32(tuple + 4 * j);
    if (v < 0 || v >= d.dims[j]) return -1;
    at += static_cast<int64_t>(v) * static_cast<int64_t>(d.strides[j]);
  }
  return at;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc params = ctx.input(0), indices = ctx.input(1), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, params, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "params")) != Status::kOk ||
      (s = requireType(ctx, indices, TensorType::kInt32, "indices")) != Status::kOk ||
      (s = requireType(ctx, output, params.type, "output")) != Status::kOk) {
    return s;
  }
  if (params.rank < 1) return ctx.fail(Status::kShapeMismatch, "params (a scalar)", params.index);
  if (indices.rank < 1)
    return ctx.fail(Status::kShapeMismatch, "indices (a scalar)", indices.index);
  const int32_t depth = indices.dims[indices.rank - 1];
  if (depth > params.rank || depth > kMaxIndexDepth)
    return ctx.failValue(Status::kShapeMismatch, "indices (last dimension)", depth, indices.index);
  // Output shape: indices.shape[:-1] + params.shape[depth:].
  bool same = output.rank == indices.rank - 1 + params.rank - depth;
  int32_t o = 0;
  for (int32_t k = 0; same && k < indices.rank - 1; ++k) same = output.dims[o++] == indices.dims[k];
  for (int32_t k = depth; same && k < params.rank; ++k) same = output.dims[o++] == params.dims[k];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);

  GatherNdData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->depth = depth;
  d->slices = indices.elementCount / static_cast<size_t>(depth);
  d->sliceBytes = schema::tensorTypeSize(params.type);
  for (int32_t k = depth; k < params.rank; ++k)
    d->sliceBytes *= static_cast<size_t>(params.dims[k]);
  size_t stride = 1;
  for (int32_t j = depth - 1; j >= 0; --j) {
    d->dims[j] = params.dims[j];
    d->strides[j] = stride;
    stride *= static_cast<size_t>(params.dims[j]);
  }
  if (!indices.isConstant()) return Status::kOk;
  for (size_t i = 0; i < d->slices; ++i) {
    if (sliceOf(*d, indices.constData + 4 * i * static_cast<size_t>(depth)) < 0)
      return ctx.failValue(Status::kBadOpParams, "indices (outside the params)",
                           static_cast<int64_t>(i), indices.index);
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const GatherNdData*>(ctx.userData());
  const auto* params = ctx.inputData<uint8_t>(0);
  const auto* indices = ctx.inputData<uint8_t>(1);
  auto* out = ctx.outputData<uint8_t>(0);
  for (size_t i = 0; i < d->slices; ++i) {
    const int64_t at = sliceOf(*d, indices + 4 * i * static_cast<size_t>(d->depth));
    if (at < 0) {
      std::memset(out + i * d->sliceBytes, 0, d->sliceBytes);
    } else {
      std::memcpy(out + i * d->sliceBytes, params + static_cast<size_t>(at) * d->sliceBytes,
                  d->sliceBytes);
    }
  }
}

}  // namespace

OpRegistration registerGatherNd() {
  return builtinRegistration(schema::BuiltinOperator::kGatherNd, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
