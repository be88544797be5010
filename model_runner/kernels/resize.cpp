#include "model_runner/kernels/resize.h"

namespace tinyscope::runner::kernels {

namespace {

struct ResizeData {
  ResizeParams params;
  TensorType type = TensorType::kInt8;
};

Status prepareResize(OpContext& ctx, bool bilinear) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, bilinear
                                   ? schema::BuiltinOptionsType::kResizeBilinearOptions
                                   : schema::BuiltinOptionsType::kResizeNearestNeighborOptions)) !=
      Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), size = ctx.input(1), output = ctx.output(0);
  const TensorType t = input.type;
  const bool typeOk =
      t == TensorType::kFloat32 || t == TensorType::kInt8 || (!bilinear && t == TensorType::kInt16);
  if (!typeOk)
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(t), input.index);
  if ((s = requireType(ctx, output, t, "output")) != Status::kOk ||
      (s = requireRank(ctx, input, 4, "input")) != Status::kOk ||
      (s = requireRank(ctx, output, 4, "output")) != Status::kOk ||
      (s = requireType(ctx, size, TensorType::kInt32, "size")) != Status::kOk) {
    return s;
  }
  if (size.rank != 1 || size.dims[0] != 2)
    return ctx.fail(Status::kShapeMismatch, "size", size.index);
  if (!size.isConstant()) return ctx.fail(Status::kBadOpParams, "size (not constant)", size.index);
  const int32_t height = quant::loadInt32(size.constData);
  const int32_t width = quant::loadInt32(size.constData + 4);
  if (height < 1 || width < 1)
    return ctx.failValue(Status::kBadOpParams, "size", height < 1 ? height : width, size.index);
  auto* data = static_cast<ResizeData*>(ctx.allocatePersistent(sizeof(ResizeData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = ResizeData();
  ctx.setUserData(data);
  ResizeParams& p = data->params;
  p.input = shape4(input);
  p.output = shape4(output);
  if (p.output.n != p.input.n || p.output.c != p.input.c || p.output.h != height ||
      p.output.w != width || p.input.h < 1 || p.input.w < 1) {
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  }
  const fb::Table& o = ctx.options();
  p.alignCorners = o.boolean(bilinear ? schema::resize_bilinear_options::kAlignCorners
                                      : schema::resize_nearest_neighbor_options::kAlignCorners);
  p.halfPixelCenters =
      o.boolean(bilinear ? schema::resize_bilinear_options::kHalfPixelCenters
                         : schema::resize_nearest_neighbor_options::kHalfPixelCenters);
  if (bilinear && p.alignCorners && p.halfPixelCenters)
    return ctx.fail(Status::kBadOpParams, "half_pixel_centers (with align_corners)");
  // The integer source positions (in 1/1024 steps) must not overflow int32.
  if (bilinear && (int64_t{p.output.h} * (p.input.h + 1) * 1024 > 0x7fffffff ||
                   int64_t{p.output.w} * (p.input.w + 1) * 1024 > 0x7fffffff)) {
    return ctx.fail(Status::kModelTooComplex, "size", size.index);
  }
  data->type = t;
  return Status::kOk;
}

Status prepareNearest(OpContext& ctx) {
  return prepareResize(ctx, false);
}
Status prepareBilinear(OpContext& ctx) {
  return prepareResize(ctx, true);
}

void invokeNearest(const OpContext& ctx) {
  const auto* d = static_cast<const ResizeData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      reference::resizeNearest(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      reference::resizeNearest(d->params, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
      break;
    default:  // float32, moved as 32-bit words
      reference::resizeNearest(d->params, ctx.inputData<int32_t>(0), ctx.outputData<int32_t>(0));
      break;
  }
}

void invokeBilinear(const OpContext& ctx) {
  const auto* d = static_cast<const ResizeData*>(ctx.userData());
  if (d->type == TensorType::kInt8) {
    reference::resizeBilinearInt8(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  } else {
    reference::resizeBilinearFloat(d->params, ctx.inputData<float>(0), ctx.outputData<float>(0));
  }
}

}  // namespace

OpRegistration registerResizeNearestNeighbor() {
  return builtinRegistration(schema::BuiltinOperator::kResizeNearestNeighbor, prepareNearest,
                             invokeNearest);
}

OpRegistration registerResizeBilinear() {
  return builtinRegistration(schema::BuiltinOperator::kResizeBilinear, prepareBilinear,
                             invokeBilinear);
}

}  // namespace tinyscope::runner::kernels
