#include "model_runner/kernels/window_op.h"

namespace tinyscope::runner::kernels {

Status prepareWindowOp(OpContext& ctx, bool depthwise, WindowOpData** out) {
  Status s = requireArity(ctx, 2, 3, 1);
  if (s != Status::kOk) return s;
  const auto optionsType = depthwise ? schema::BuiltinOptionsType::kDepthwiseConv2DOptions
                                     : schema::BuiltinOptionsType::kConv2DOptions;
  if ((s = requireOptions(ctx, optionsType)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), filter = ctx.input(1), output = ctx.output(0);
  if ((s = requireConvTensors(ctx, input, filter, output)) != Status::kOk) return s;
  auto* data = static_cast<WindowOpData*>(ctx.allocatePersistent(sizeof(WindowOpData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = WindowOpData();
  ctx.setUserData(data);
  *out = data;
  data->input = shape4(input);
  data->filter = shape4(filter);
  data->output = shape4(output);
  const fb::Table& o = ctx.options();
  // Field ids: padding, stride_w, stride_h are 0..2 in both tables; the rest differ.
  const uint32_t kActivation =
      depthwise ? schema::depthwise_options::kActivation : schema::conv2d_options::kActivation;
  const uint32_t kDilationW =
      depthwise ? schema::depthwise_options::kDilationW : schema::conv2d_options::kDilationW;
  const uint32_t kDilationH =
      depthwise ? schema::depthwise_options::kDilationH : schema::conv2d_options::kDilationH;
  const auto padding = static_cast<schema::Padding>(o.u8(schema::conv2d_options::kPadding));
  ConvParams& p = data->params;
  p.strideW = o.i32(schema::conv2d_options::kStrideW);
  p.strideH = o.i32(schema::conv2d_options::kStrideH);
  p.dilationW = o.i32(kDilationW, 1);
  p.dilationH = o.i32(kDilationH, 1);
  if (padding != schema::Padding::kSame && padding != schema::Padding::kValid) {
    return ctx.failValue(Status::kBadOpParams, "padding", static_cast<int64_t>(padding));
  }
  if (p.strideW < 1 || p.strideW > 1024)
    return ctx.failValue(Status::kBadOpParams, "stride_w", p.strideW);
  if (p.strideH < 1 || p.strideH > 1024)
    return ctx.failValue(Status::kBadOpParams, "stride_h", p.strideH);
  if (p.dilationW < 1 || p.dilationW > 1024)
    return ctx.failValue(Status::kBadOpParams, "dilation_w_factor", p.dilationW);
  if (p.dilationH < 1 || p.dilationH > 1024)
    return ctx.failValue(Status::kBadOpParams, "dilation_h_factor", p.dilationH);
  const Shape4& in = data->input;
  const Shape4& f = data->filter;
  const Shape4& outShape = data->output;
  if (depthwise) {
    // The depth multiplier follows from the shapes (the option is redundant in the schema).
    if (f.n != 1 || in.c <= 0 || f.c != outShape.c || outShape.c % in.c != 0) {
      return ctx.failValue(Status::kShapeMismatch, "filter", f.c, filter.index);
    }
    data->depthMultiplier = outShape.c / in.c;
  } else {
    if (f.c <= 0 || in.c % f.c != 0)
      return ctx.failValue(Status::kShapeMismatch, "filter", f.c, filter.index);
    const int32_t groups = in.c / f.c;
    if (outShape.c != f.n || groups <= 0 || outShape.c % groups != 0) {
      return ctx.failValue(Status::kShapeMismatch, "output", outShape.c, output.index);
    }
  }
  if (in.n != outShape.n)
    return ctx.failValue(Status::kShapeMismatch, "output", outShape.n, output.index);
  const int32_t outH = computeOutSize(padding, in.h, f.h, p.strideH, p.dilationH);
  const int32_t outW = computeOutSize(padding, in.w, f.w, p.strideW, p.dilationW);
  if (outH != outShape.h || outW != outShape.w)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  p.padH = computePadding(p.strideH, p.dilationH, in.h, f.h, outShape.h);
  p.padW = computePadding(p.strideW, p.dilationW, in.w, f.w, outShape.w);
  p.inputOffset = -input.zeroPoint();
  p.outputOffset = output.zeroPoint();
  if ((s = activationRange(ctx, o.u8(kActivation), output, &p.actMin, &p.actMax)) != Status::kOk)
    return s;
  if (ctx.hasInput(2)) {
    if ((s = checkBias(ctx, ctx.input(2), outShape.c)) != Status::kOk) return s;
    data->hasBias = true;
  }
  return populatePerChannel(ctx, input, filter, output, outShape.c, &data->quant);
}

}  // namespace tinyscope::runner::kernels
