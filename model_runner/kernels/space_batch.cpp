#include "model_runner/kernels/space_batch.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

// Both shapes as NHWC (rank 3 reads as N, H, 1, C), the block and the leading crop/pad.
struct SpaceData {
  Shape4 input, output;
  int32_t blockH = 1, blockW = 1;
  int32_t top = 0, left = 0;
  size_t elementBytes = 1;
};

Shape4 nhwc(const TensorDesc& t) {
  if (t.rank == 3) return Shape4{t.dims[0], t.dims[1], 1, t.dims[2]};
  return shape4(t);
}

// Types, arity and op data shared by the four operators.
Status prepareCommon(OpContext& ctx, uint32_t inputs, SpaceData** out) {
  Status s = requireArity(ctx, inputs, inputs, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireSameTypeIn(ctx, input, output,
                             typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8))) !=
      Status::kOk) {
    return s;
  }
  auto* data = static_cast<SpaceData*>(ctx.allocatePersistent(sizeof(SpaceData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = SpaceData();
  ctx.setUserData(data);
  data->elementBytes = schema::tensorTypeSize(input.type);
  *out = data;
  return Status::kOk;
}

Status prepareDepthSpace(OpContext& ctx, bool toSpace) {
  SpaceData* d = nullptr;
  Status s = prepareCommon(ctx, 1, &d);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireRank(ctx, input, 4, "input")) != Status::kOk ||
      (s = requireRank(ctx, output, 4, "output")) != Status::kOk) {
    return s;
  }
  if ((s = requireOptions(ctx, toSpace ? schema::BuiltinOptionsType::kDepthToSpaceOptions
                                       : schema::BuiltinOptionsType::kSpaceToDepthOptions)) !=
      Status::kOk) {
    return s;
  }
  const int32_t block = ctx.options().i32(schema::block_size_options::kBlockSize);
  if (block < 1 || block > 4096) return ctx.failValue(Status::kBadOpParams, "block_size", block);
  d->blockH = d->blockW = block;
  d->input = shape4(input);
  d->output = shape4(output);
  const Shape4& in = d->input;
  const Shape4& o = d->output;
  const int64_t b2 = int64_t{block} * block;
  const bool ok = toSpace ? in.c % b2 == 0 && o.n == in.n && o.h == int64_t{in.h} * block &&
                                o.w == int64_t{in.w} * block && o.c == in.c / b2
                          : in.h % block == 0 && in.w % block == 0 && o.n == in.n &&
                                o.h == in.h / block && o.w == in.w / block && o.c == in.c * b2;
  if (!ok) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  return Status::kOk;
}

// block_shape and crops/paddings: constant int32 operands 1 and 2.
Status prepareBatchSpace(OpContext& ctx, bool toSpace) {
  SpaceData* d = nullptr;
  Status s = prepareCommon(ctx, 3, &d);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), block = ctx.input(1), pads = ctx.input(2),
                   output = ctx.output(0);
  if (input.rank < 3 || input.rank > 4 || output.rank != input.rank)
    return ctx.failValue(Status::kShapeMismatch, "input rank", input.rank, input.index);
  const int32_t spatial = input.rank - 2;
  const char* padsName = toSpace ? "crops" : "paddings";
  if ((s = requireType(ctx, block, TensorType::kInt32, "block_shape")) != Status::kOk ||
      (s = requireType(ctx, pads, TensorType::kInt32, padsName)) != Status::kOk) {
    return s;
  }
  if (!block.isConstant())
    return ctx.fail(Status::kBadOpParams, "block_shape (not constant)", block.index);
  if (!pads.isConstant()) {
    return ctx.fail(Status::kBadOpParams,
                    toSpace ? "crops (not constant)" : "paddings (not constant)", pads.index);
  }
  if (block.elementCount != static_cast<size_t>(spatial))
    return ctx.fail(Status::kShapeMismatch, "block_shape", block.index);
  if (pads.elementCount != static_cast<size_t>(2 * spatial))
    return ctx.fail(Status::kShapeMismatch, padsName, pads.index);
  int32_t b[2] = {1, 1}, before[2] = {0, 0}, after[2] = {0, 0};
  for (int32_t k = 0; k < spatial; ++k) {
    b[k] = quant::loadInt32(block.constData + 4 * k);
    before[k] = quant::loadInt32(pads.constData + 8 * k);
    after[k] = quant::loadInt32(pads.constData + 8 * k + 4);
    if (b[k] < 1 || b[k] > 4096)
      return ctx.failValue(Status::kBadOpParams, "block_shape", b[k], block.index);
    if (before[k] < 0 || after[k] < 0 || before[k] > 65536 || after[k] > 65536)
      return ctx.failValue(Status::kBadOpParams, padsName, before[k] < 0 ? before[k] : after[k],
                           pads.index);
  }
  d->input = nhwc(input);
  d->output = nhwc(output);
  d->blockH = b[0];
  d->blockW = b[1];
  d->top = before[0];
  d->left = before[1];
  const Shape4& in = d->input;
  const Shape4& o = d->output;
  const int64_t blocks = int64_t{b[0]} * b[1];
  bool ok = o.c == in.c;
  if (toSpace) {  // BATCH_TO_SPACE_ND
    ok = ok && in.n % blocks == 0 && o.n == in.n / blocks &&
         o.h == int64_t{in.h} * b[0] - before[0] - after[0] &&
         o.w == int64_t{in.w} * b[1] - before[1] - after[1];
  } else {  // SPACE_TO_BATCH_ND
    const int64_t padH = int64_t{in.h} + before[0] + after[0];
    const int64_t padW = int64_t{in.w} + before[1] + after[1];
    ok = ok && padH % b[0] == 0 && padW % b[1] == 0 && o.n == in.n * blocks && o.h == padH / b[0] &&
         o.w == padW / b[1];
  }
  if (!ok) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  return Status::kOk;
}

// Moves channel runs between the space side (small depth, large H and W) and the depth or
// batch side. toSpace: the input is the depth/batch side (DEPTH_TO_SPACE, BATCH_TO_SPACE_ND).
void copyRun(const SpaceData& d, bool toSpace, const uint8_t* src, uint8_t* dst, size_t spaceAt,
             size_t otherAt, size_t run) {
  if (toSpace) {
    std::memcpy(dst + spaceAt * d.elementBytes, src + otherAt * d.elementBytes, run);
  } else {
    std::memcpy(dst + otherAt * d.elementBytes, src + spaceAt * d.elementBytes, run);
  }
}

template <bool kToSpace>
void invokeDepthSpace(const OpContext& ctx) {
  const auto* d = static_cast<const SpaceData*>(ctx.userData());
  const Shape4& space = kToSpace ? d->output : d->input;
  const Shape4& depth = kToSpace ? d->input : d->output;
  const size_t run = static_cast<size_t>(space.c) * d->elementBytes;
  const auto* src = ctx.inputData<uint8_t>(0);
  auto* dst = ctx.outputData<uint8_t>(0);
  for (int32_t b = 0; b < space.n; ++b) {
    for (int32_t y = 0; y < space.h; ++y) {
      for (int32_t x = 0; x < space.w; ++x) {
        const size_t spaceAt = ((static_cast<size_t>(b) * space.h + y) * space.w + x) * space.c;
        const size_t depthAt =
            ((static_cast<size_t>(b) * depth.h + y / d->blockH) * depth.w + x / d->blockW) *
                depth.c +
            static_cast<size_t>((y % d->blockH) * d->blockW + x % d->blockW) * space.c;
        copyRun(*d, kToSpace, src, dst, spaceAt, depthAt, run);
      }
    }
  }
}

// Batch-side element (bb, by, bx) holds space element (bb % n, by * blockH + offset / blockW -
// top, bx * blockW + offset % blockW - left), offset = bb / n; outside the space: a pad.
template <bool kToSpace>
void invokeBatchSpace(const OpContext& ctx) {
  const auto* d = static_cast<const SpaceData*>(ctx.userData());
  const Shape4& space = kToSpace ? d->output : d->input;
  const Shape4& batch = kToSpace ? d->input : d->output;
  const size_t run = static_cast<size_t>(space.c) * d->elementBytes;
  const auto* src = ctx.inputData<uint8_t>(0);
  auto* dst = ctx.outputData<uint8_t>(0);
  for (int32_t bb = 0; bb < batch.n; ++bb) {
    const int32_t sb = bb % space.n, offset = bb / space.n;
    for (int32_t by = 0; by < batch.h; ++by) {
      const int32_t sy = by * d->blockH + offset / d->blockW - d->top;
      for (int32_t bx = 0; bx < batch.w; ++bx) {
        const int32_t sx = bx * d->blockW + offset % d->blockW - d->left;
        const size_t batchAt = ((static_cast<size_t>(bb) * batch.h + by) * batch.w + bx) * space.c;
        if (sy < 0 || sy >= space.h || sx < 0 || sx >= space.w) {
          if (!kToSpace) std::memset(dst + batchAt * d->elementBytes, 0, run);  // TFLM: zero bytes
          continue;
        }
        const size_t spaceAt = ((static_cast<size_t>(sb) * space.h + sy) * space.w + sx) * space.c;
        copyRun(*d, kToSpace, src, dst, spaceAt, batchAt, run);
      }
    }
  }
}

Status prepareDepthToSpace(OpContext& ctx) {
  return prepareDepthSpace(ctx, true);
}
Status prepareSpaceToDepth(OpContext& ctx) {
  return prepareDepthSpace(ctx, false);
}
Status prepareBatchToSpace(OpContext& ctx) {
  return prepareBatchSpace(ctx, true);
}
Status prepareSpaceToBatch(OpContext& ctx) {
  return prepareBatchSpace(ctx, false);
}

}  // namespace

OpRegistration registerDepthToSpace() {
  return builtinRegistration(schema::BuiltinOperator::kDepthToSpace, prepareDepthToSpace,
                             invokeDepthSpace<true>);
}
OpRegistration registerSpaceToDepth() {
  return builtinRegistration(schema::BuiltinOperator::kSpaceToDepth, prepareSpaceToDepth,
                             invokeDepthSpace<false>);
}
OpRegistration registerBatchToSpaceNd() {
  return builtinRegistration(schema::BuiltinOperator::kBatchToSpaceNd, prepareBatchToSpace,
                             invokeBatchSpace<true>);
}
OpRegistration registerSpaceToBatchNd() {
  return builtinRegistration(schema::BuiltinOperator::kSpaceToBatchNd, prepareSpaceToBatch,
                             invokeBatchSpace<false>);
}

}  // namespace tinyscope::runner::kernels
