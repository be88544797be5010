#include "model_runner/kernels/broadcast.h"

namespace tinyscope::runner::kernels {

bool sameShape(const TensorDesc& a, const TensorDesc& b) {
  if (a.rank != b.rank) return false;
  for (uint32_t i = 0; i < a.rank; ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

bool computeBroadcastShape(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out,
                           BroadcastShape* s) {
  *s = BroadcastShape();
  if (a.rank > kMaxDims || b.rank > kMaxDims || out.rank > kMaxDims) return false;
  int32_t da[kMaxDims], db[kMaxDims], dout[kMaxDims];
  for (uint32_t i = 0; i < kMaxDims; ++i) da[i] = db[i] = dout[i] = 1;
  for (uint32_t i = 0; i < a.rank; ++i) da[kMaxDims - a.rank + i] = a.dims[i];
  for (uint32_t i = 0; i < b.rank; ++i) db[kMaxDims - b.rank + i] = b.dims[i];
  for (uint32_t i = 0; i < out.rank; ++i) dout[kMaxDims - out.rank + i] = out.dims[i];
  const uint8_t maxRank = a.rank > b.rank ? a.rank : b.rank;
  if (out.rank != maxRank) return false;
  for (uint32_t i = 0; i < kMaxDims; ++i) {
    if (da[i] != db[i] && da[i] != 1 && db[i] != 1) return false;
    const int32_t expect = da[i] == 1 ? db[i] : da[i];
    if (dout[i] != expect) return false;
    s->outDims[i] = expect;
  }
  int32_t stride1 = 1, stride2 = 1;
  for (int32_t i = static_cast<int32_t>(kMaxDims) - 1; i >= 0; --i) {
    s->strides1[i] = da[i] == 1 ? 0 : stride1;
    s->strides2[i] = db[i] == 1 ? 0 : stride2;
    stride1 *= da[i];
    stride2 *= db[i];
  }
  return true;
}

Status prepareElementwise(const OpContext& ctx, const TensorDesc& a, const TensorDesc& b,
                          const TensorDesc& out, uint8_t maxBroadcastRank,
                          ElementwiseLayout* layout) {
  *layout = ElementwiseLayout();
  if (sameShape(a, b)) {
    if (!sameShape(a, out)) return ctx.fail(Status::kShapeMismatch, "output", out.index);
    layout->count = out.elementCount;
    return Status::kOk;
  }
  if (a.rank > maxBroadcastRank || b.rank > maxBroadcastRank)
    return ctx.failValue(Status::kShapeMismatch, "broadcast rank",
                         a.rank > b.rank ? a.rank : b.rank, out.index);
  layout->broadcast = true;
  if (!computeBroadcastShape(a, b, out, &layout->shape))
    return ctx.fail(Status::kShapeMismatch, "output", out.index);
  return Status::kOk;
}

}  // namespace tinyscope::runner::kernels
