#include "model_runner/kernels/conv_2d.h"

namespace tinyscope::runner::kernels {

namespace {

struct ConvData {
  ConvParams params;
  Shape4 input, filter, output;
  PerChannelQuant quant;
  bool hasBias = false;
};

Status prepare(OpContext& ctx) {
  using namespace schema::conv2d_options;
  Status s = requireArity(ctx, 2, 3, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kConv2DOptions)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), filter = ctx.input(1), output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kInt8, "input")) != Status::kOk ||
      (s = requireType(ctx, filter, TensorType::kInt8, "filter")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
      (s = requireRank(ctx, input, 4, "input")) != Status::kOk ||
      (s = requireRank(ctx, filter, 4, "filter")) != Status::kOk ||
      (s = requireRank(ctx, output, 4, "output")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  auto* data = static_cast<ConvData*>(ctx.allocatePersistent(sizeof(ConvData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = ConvData();
  ctx.setUserData(data);
  data->input = shape4(input);
  data->filter = shape4(filter);
  data->output = shape4(output);
  const fb::Table& o = ctx.options();
  const auto padding = static_cast<schema::Padding>(o.u8(kPadding));
  ConvParams& p = data->params;
  p.strideW = o.i32(kStrideW);
  p.strideH = o.i32(kStrideH);
  p.dilationW = o.i32(kDilationW, 1);
  p.dilationH = o.i32(kDilationH, 1);
  if (padding != schema::Padding::kSame && padding != schema::Padding::kValid) {
    return ctx.failValue(Status::kBadOpParams, "padding", static_cast<int64_t>(padding));
  }
  if (p.strideW < 1 || p.strideW > 1024) return ctx.failValue(Status::kBadOpParams, "stride_w", p.strideW);
  if (p.strideH < 1 || p.strideH > 1024) return ctx.failValue(Status::kBadOpParams, "stride_h", p.strideH);
  if (p.dilationW < 1 || p.dilationW > 1024) return ctx.failValue(Status::kBadOpParams, "dilation_w_factor", p.dilationW);
  if (p.dilationH < 1 || p.dilationH > 1024) return ctx.failValue(Status::kBadOpParams, "dilation_h_factor", p.dilationH);
  const Shape4& in = data->input;
  const Shape4& f = data->filter;
  const Shape4& out = data->output;
  if (f.c <= 0 || in.c % f.c != 0) return ctx.failValue(Status::kShapeMismatch, "filter", f.c, filter.index);
  const int32_t groups = in.c / f.c;
  if (out.c != f.n || groups <= 0 || out.c % groups != 0) {
    return ctx.failValue(Status::kShapeMismatch, "output", out.c, output.index);
  }
  if (in.n != out.n) return ctx.failValue(Status::kShapeMismatch, "output", out.n, output.index);
  const int32_t outH = computeOutSize(padding, in.h, f.h, p.strideH, p.dilationH);
  const int32_t outW = computeOutSize(padding, in.w, f.w, p.strideW, p.dilationW);
  if (outH != out.h || outW != out.w) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  p.padH = computePadding(p.strideH, p.dilationH, in.h, f.h, out.h);
  p.padW = computePadding(p.strideW, p.dilationW, in.w, f.w, out.w);
  p.inputOffset = -input.zeroPoint();
  p.outputOffset = output.zeroPoint();
  if ((s = activationRange(ctx, o.u8(kActivation), output, &p.actMin, &p.actMax)) != Status::kOk) return s;
  if (ctx.hasInput(2)) {
    if ((s = checkBias(ctx, ctx.input(2), out.c)) != Status::kOk) return s;
    data->hasBias = true;
  }
  return populatePerChannel(ctx, input, filter, output, out.c, &data->quant);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const ConvData*>(ctx.userData());
  reference::convPerChannel(d->params, d->quant.multipliers, d->quant.shifts, d->input,
                            ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1),
                            d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, d->output,
                            ctx.outputData<int8_t>(0));
}

}  // namespace

OpRegistration registerConv2d() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kConv2d);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
