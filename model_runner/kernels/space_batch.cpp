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
  if (input.type != TensorType::kFloat32 && input.type != TensorType::kInt8) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  if ((s = requireType(ctx, output, input.type, "output")) != Status::kOk) return s;
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

void invokeDepthToSpace(const OpContext& ctx) {
  const auto* d = static_cast<const SpaceData*>(ctx.userData());
  const Shape4& in = d->input;
  const Shape4& o = d->output;
  const size_t run = static_cast<size_t>(o.c) * d->elementBytes;
  const auto* src = ctx.inputData<uint8_t>(0);
  auto* dst = ctx.outputData<uint8_t>(0);
  for (int32_t b = 0; b < o.n; ++b) {
    for (int32_t y = 0; y < o.h; ++y) {
      for (int32_t x = 0; x < o.w; ++x) {
        const int32_t dy = y % d->blockH, dx = x % d->blockW;
        const size_t at =
            ((static_cast<size_t>(b) * in.h + y / d->blockH) * in.w + x / d->blockW) * in.c +
            static_cast<size_t>(dy * d->blockW + dx) * o.c;
        std::memcpy(dst, src + at * d->elementBytes, run);
        dst += run;
      }
    }
  }
}

void invokeSpaceToDepth(const OpContext& ctx) {
  const auto* d = static_cast<const SpaceData*>(ctx.userData());
  const Shape4& in = d->input;
  const Shape4& o = d->output;
  const size_t run = static_cast<size_t>(in.c) * d->elementBytes;
  const auto* src = ctx.inputData<uint8_t>(0);
  auto* dst = ctx.outputData<uint8_t>(0);
  for (int32_t b = 0; b < o.n; ++b) {
    for (int32_t y = 0; y < o.h; ++y) {
      for (int32_t x = 0; x < o.w; ++x) {
        for (int32_t dy = 0; dy < d->blockH; ++dy) {
          for (int32_t dx = 0; dx < d->blockW; ++dx) {
            const size_t at =
                ((static_cast<size_t>(b) * in.h + y * d->blockH + dy) * in.w + x * d->blockW + dx) *
                in.c;
            std::memcpy(dst, src + at * d->elementBytes, run);
            dst += run;
          }
        }
      }
    }
  }
}

void invokeBatchToSpace(const OpContext& ctx) {
  const auto* d = static_cast<const SpaceData*>(ctx.userData());
  const Shape4& in = d->input;
  const Shape4& o = d->output;
  const size_t run = static_cast<size_t>(in.c) * d->elementBytes;
  const auto* src = ctx.inputData<uint8_t>(0);
  auto* dst = ctx.outputData<uint8_t>(0);
  for (int32_t ib = 0; ib < in.n; ++ib) {
    const int32_t ob = ib % o.n, offset = ib / o.n;
    for (int32_t iy = 0; iy < in.h; ++iy) {
      const int32_t oy = iy * d->blockH + offset / d->blockW - d->top;
      if (oy < 0 || oy >= o.h) continue;
      for (int32_t ix = 0; ix < in.w; ++ix) {
        const int32_t ox = ix * d->blockW + offset % d->blockW - d->left;
        if (ox < 0 || ox >= o.w) continue;
        const size_t to = ((static_cast<size_t>(ob) * o.h + oy) * o.w + ox) * run;
        const size_t from = ((static_cast<size_t>(ib) * in.h + iy) * in.w + ix) * run;
        std::memcpy(dst + to, src + from, run);
      }
    }
  }
}

void invokeSpaceToBatch(const OpContext& ctx) {
  const auto* d = static_cast<const SpaceData*>(ctx.userData());
  const Shape4& in = d->input;
  const Shape4& o = d->output;
  const size_t run = static_cast<size_t>(in.c) * d->elementBytes;
  const auto* src = ctx.inputData<uint8_t>(0);
  auto* dst = ctx.outputData<uint8_t>(0);
  for (int32_t ob = 0; ob < o.n; ++ob) {
    const int32_t ib = ob % in.n;
    const int32_t shiftW = (ob / in.n) % d->blockW, shiftH = (ob / in.n) / d->blockW;
    for (int32_t oy = 0; oy < o.h; ++oy) {
      const int32_t iy = oy * d->blockH + shiftH - d->top;
      for (int32_t ox = 0; ox < o.w; ++ox) {
        const int32_t ix = ox * d->blockW + shiftW - d->left;
        if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) {
          std::memset(dst, 0, run);
        } else {
          std::memcpy(dst, src + ((static_cast<size_t>(ib) * in.h + iy) * in.w + ix) * run, run);
        }
        dst += run;
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

OpRegistration registration(schema::BuiltinOperator op, Status (*prepare)(OpContext&),
                            void (*invoke)(const OpContext&)) {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(op);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace

OpRegistration registerDepthToSpace() {
  return registration(schema::BuiltinOperator::kDepthToSpace, prepareDepthToSpace,
                      invokeDepthToSpace);
}
OpRegistration registerSpaceToDepth() {
  return registration(schema::BuiltinOperator::kSpaceToDepth, prepareSpaceToDepth,
                      invokeSpaceToDepth);
}
OpRegistration registerBatchToSpaceNd() {
  return registration(schema::BuiltinOperator::kBatchToSpaceNd, prepareBatchToSpace,
                      invokeBatchToSpace);
}
OpRegistration registerSpaceToBatchNd() {
  return registration(schema::BuiltinOperator::kSpaceToBatchNd, prepareSpaceToBatch,
                      invokeSpaceToBatch);
}

}  // namespace tinyscope::runner::kernels
