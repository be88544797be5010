#include "model_runner/optimized/window_prepare.h"

namespace tinyscope::runner::optimized {

using namespace kernels;

Status prepareWindow(OpContext& ctx, bool depthwise, WindowData** out) {
  // Option fields shared by Conv2DOptions and DepthwiseConv2DOptions.
  namespace co = schema::conv2d_options;
  namespace dwo = schema::depthwise_options;
  Status s = requireArity(ctx, 2, 3, 1);
  if (s != Status::kOk) return s;
  s = requireOptions(ctx, depthwise ? schema::BuiltinOptionsType::kDepthwiseConv2DOptions
                                    : schema::BuiltinOptionsType::kConv2DOptions);
  if (s != Status::kOk) return s;
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
  auto* data = static_cast<WindowData*>(ctx.allocatePersistent(sizeof(WindowData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = WindowData();
  ctx.setUserData(data);
  *out = data;
  data->input = shape4(input);
  data->filter = shape4(filter);
  data->output = shape4(output);
  const fb::Table& o = ctx.options();
  const auto padding = static_cast<schema::Padding>(o.u8(depthwise ? dwo::kPadding : co::kPadding));
  ConvParams& p = data->params;
  p.strideW = o.i32(depthwise ? dwo::kStrideW : co::kStrideW);
  p.strideH = o.i32(depthwise ? dwo::kStrideH : co::kStrideH);
  p.dilationW = o.i32(depthwise ? dwo::kDilationW : co::kDilationW, 1);
  p.dilationH = o.i32(depthwise ? dwo::kDilationH : co::kDilationH, 1);
  if (padding != schema::Padding::kSame && padding != schema::Padding::kValid) {
    return ctx.failValue(Status::kBadOpParams, "padding", static_cast<int64_t>(padding));
  }
  if (p.strideW < 1 || p.strideW > 1024) return ctx.failValue(Status::kBadOpParams, "stride_w", p.strideW);
  if (p.strideH < 1 || p.strideH > 1024) return ctx.failValue(Status::kBadOpParams, "stride_h", p.strideH);
  if (p.dilationW < 1 || p.dilationW > 1024) return ctx.failValue(Status::kBadOpParams, "dilation_w_factor", p.dilationW);
  if (p.dilationH < 1 || p.dilationH > 1024) return ctx.failValue(Status::kBadOpParams, "dilation_h_factor", p.dilationH);
  const Shape4& in = data->input;
  const Shape4& f = data->filter;
  const Shape4& outS = data->output;
  if (depthwise) {
    // The depth multiplier follows from the shapes (the option is redundant in the schema).
    if (f.n != 1 || in.c <= 0 || f.c != outS.c || outS.c % in.c != 0) {
      return ctx.failValue(Status::kShapeMismatch, "filter", f.c, filter.index);
    }
    data->depthMultiplier = outS.c / in.c;
  } else {
    if (f.c <= 0 || in.c % f.c != 0) return ctx.failValue(Status::kShapeMismatch, "filter", f.c, filter.index);
    const int32_t groups = in.c / f.c;
    if (outS.c != f.n || groups <= 0 || outS.c % groups != 0) {
      return ctx.failValue(Status::kShapeMismatch, "output", outS.c, output.index);
    }
  }
  if (in.n != outS.n) return ctx.failValue(Status::kShapeMismatch, "output", outS.n, output.index);
  const int32_t outH = computeOutSize(padding, in.h, f.h, p.strideH, p.dilationH);
  const int32_t outW = computeOutSize(padding, in.w, f.w, p.strideW, p.dilationW);
  if (outH != outS.h || outW != outS.w) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  p.padH = computePadding(p.strideH, p.dilationH, in.h, f.h, outS.h);
  p.padW = computePadding(p.strideW, p.dilationW, in.w, f.w, outS.w);
  p.inputOffset = -input.zeroPoint();
  p.outputOffset = output.zeroPoint();
  const uint8_t activation = o.u8(depthwise ? dwo::kActivation : co::kActivation);
  if ((s = activationRange(ctx, activation, output, &p.actMin, &p.actMax)) != Status::kOk) return s;
  if (ctx.hasInput(2)) {
    if ((s = checkBias(ctx, ctx.input(2), outS.c)) != Status::kOk) return s;
    data->hasBias = true;
  }
  return populatePerChannel(ctx, input, filter, output, outS.c, &data->quant);
}

}  // namespace tinyscope::runner::optimized
