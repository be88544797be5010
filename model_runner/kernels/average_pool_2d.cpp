#include "model_runner/kernels/average_pool_2d.h"

namespace tinyscope::runner::kernels {

namespace {

struct PoolData {
  PoolParams params;
  Shape4 input, output;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kInt8, "input")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  auto* data = static_cast<PoolData*>(ctx.allocatePersistent(sizeof(PoolData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = PoolData();
  ctx.setUserData(data);
  return preparePoolWindow(ctx, input, output, -128, 127, &data->params, &data->input,
                           &data->output);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const PoolData*>(ctx.userData());
  reference::averagePool(d->params, d->input, ctx.inputData<int8_t>(0), d->output,
                         ctx.outputData<int8_t>(0));
}

}  // namespace

Status preparePoolWindow(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                         int32_t qmin, int32_t qmax, PoolParams* params, Shape4* inShape,
                         Shape4* outShape) {
  using namespace schema::pool2d_options;
  Status s = requireOptions(ctx, schema::BuiltinOptionsType::kPool2DOptions);
  if (s != Status::kOk || (s = requireRank(ctx, input, 4, "input")) != Status::kOk ||
      (s = requireRank(ctx, output, 4, "output")) != Status::kOk) {
    return s;
  }
  *inShape = shape4(input);
  *outShape = shape4(output);
  const fb::Table& o = ctx.options();
  const auto padding = static_cast<schema::Padding>(o.u8(kPadding));
  PoolParams& p = *params;
  p.strideW = o.i32(kStrideW);
  p.strideH = o.i32(kStrideH);
  p.filterW = o.i32(kFilterWidth);
  p.filterH = o.i32(kFilterHeight);
  if (padding != schema::Padding::kSame && padding != schema::Padding::kValid) {
    return ctx.failValue(Status::kBadOpParams, "padding", static_cast<int64_t>(padding));
  }
  if (p.strideW < 1 || p.strideW > 1024)
    return ctx.failValue(Status::kBadOpParams, "stride_w", p.strideW);
  if (p.strideH < 1 || p.strideH > 1024)
    return ctx.failValue(Status::kBadOpParams, "stride_h", p.strideH);
  if (p.filterW < 1 || p.filterW > 4096)
    return ctx.failValue(Status::kBadOpParams, "filter_width", p.filterW);
  if (p.filterH < 1 || p.filterH > 4096)
    return ctx.failValue(Status::kBadOpParams, "filter_height", p.filterH);
  const Shape4& in = *inShape;
  const Shape4& out = *outShape;
  if (in.n != out.n || in.c != out.c)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  const int32_t outH = computeOutSize(padding, in.h, p.filterH, p.strideH, 1);
  const int32_t outW = computeOutSize(padding, in.w, p.filterW, p.strideW, 1);
  if (outH != out.h || outW != out.w)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  p.padH = computePadding(p.strideH, 1, in.h, p.filterH, out.h);
  p.padW = computePadding(p.strideW, 1, in.w, p.filterW, out.w);
  if (output.type == TensorType::kFloat32) return Status::kOk;  // float range: the caller's
  if (!quant::activationRangeQuantized(o.u8(kActivation), output.scale(), output.zeroPoint(), qmin,
                                       qmax, &p.actMin, &p.actMax)) {
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", o.u8(kActivation),
                         output.index);
  }
  return Status::kOk;
}

OpRegistration registerAveragePool2d() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kAveragePool2d);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
