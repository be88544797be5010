#include "model_runner/kernels/transpose_conv.h"

namespace tinyscope::runner::kernels {

namespace {

// float32 input, filter and output of rank 4 (TFLM has no hybrid float/int8 kernel).
Status requireFloatConvTensors(const OpContext& ctx, const TensorDesc& input,
                               const TensorDesc& filter, const TensorDesc& output) {
  Status s = Status::kOk;
  if ((s = requireType(ctx, filter, TensorType::kFloat32, "filter (float32 with float32 input)")) !=
          Status::kOk ||
      (s = requireType(ctx, output, TensorType::kFloat32, "output")) != Status::kOk ||
      (s = requireRank(ctx, input, 4, "input")) != Status::kOk ||
      (s = requireRank(ctx, filter, 4, "filter")) != Status::kOk) {
    return s;
  }
  return requireRank(ctx, output, 4, "output");
}

struct TransposeConvData {
  TransposeConvParams params;
  Shape4 input, filter, output;
  PerChannelQuant quant;
  bool hasBias = false;
  bool wide = false;                       // int16 data
  bool isFloat = false;                    // float32 data, filter and bias
  float floatMin = 0.0f, floatMax = 0.0f;  // float32: the fused activation's range
  bool int16Bias = false;                  // int16 data with an int16 (not int64) bias
  void* sums = nullptr;  // scratch: one int32 (int8 data) or int64 per output element
};

// Inputs: 0 output shape (unread), 1 filter, 2 input, 3 optional bias.
Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 3, 4, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kTransposeConvOptions)) != Status::kOk)
    return s;
  const TensorDesc filter = ctx.input(1), input = ctx.input(2), output = ctx.output(0);
  const bool wide = input.type == TensorType::kInt16;
  const bool isFloat = input.type == TensorType::kFloat32;
  if (isFloat) {
    s = requireFloatConvTensors(ctx, input, filter, output);
  } else {
    s = requireConvTensors(ctx, input, filter, output,
                           wide ? TensorType::kInt16 : TensorType::kInt8);
  }
  if (s != Status::kOk) return s;
  TransposeConvData* data = nullptr;
  if ((s = allocateOpData(ctx, &data)) != Status::kOk) return s;
  data->wide = wide;
  data->isFloat = isFloat;
  data->input = shape4(input);
  data->filter = shape4(filter);
  data->output = shape4(output);
  const Shape4& in = data->input;
  const Shape4& f = data->filter;
  const Shape4& out = data->output;
  // TFLM only asserts these in debug builds; a release build reads out of bounds.
  if (f.c != in.c) return ctx.failValue(Status::kShapeMismatch, "filter", f.c, filter.index);
  if (out.c != f.n || out.n != in.n)
    return ctx.failValue(Status::kShapeMismatch, "output", out.c, output.index);

  const fb::Table& o = ctx.options();
  const auto padding = static_cast<schema::Padding>(o.u8(schema::transpose_conv_options::kPadding));
  TransposeConvParams& p = data->params;
  p.strideW = o.i32(schema::transpose_conv_options::kStrideW);
  p.strideH = o.i32(schema::transpose_conv_options::kStrideH);
  if (padding != schema::Padding::kSame && padding != schema::Padding::kValid)
    return ctx.failValue(Status::kBadOpParams, "padding", static_cast<int64_t>(padding));
  if (p.strideW < 1 || p.strideW > 1024)
    return ctx.failValue(Status::kBadOpParams, "stride_w", p.strideW);
  if (p.strideH < 1 || p.strideH > 1024)
    return ctx.failValue(Status::kBadOpParams, "stride_h", p.strideH);
  // TFLite pads as for a conv from the output back to the input.
  p.padH =
      computePadding(p.strideH, 1, out.h, f.h, computeOutSize(padding, out.h, f.h, p.strideH, 1));
  p.padW =
      computePadding(p.strideW, 1, out.w, f.w, computeOutSize(padding, out.w, f.w, p.strideW, 1));
  if (isFloat) {
    activationRangeFloat(o.u8(schema::transpose_conv_options::kActivation), &data->floatMin,
                         &data->floatMax);
    if (!ctx.hasInput(3)) return Status::kOk;
    const TensorDesc bias = ctx.input(3);
    if ((s = requireType(ctx, bias, TensorType::kFloat32, "bias")) != Status::kOk) return s;
    if (bias.elementCount != static_cast<size_t>(out.c)) {
      return ctx.failValue(Status::kShapeMismatch, "bias", static_cast<int64_t>(bias.elementCount),
                           bias.index);
    }
    data->hasBias = true;
    return Status::kOk;
  }
  // The int16 kernel applies no zero points (TFLM assumes them 0 and does not check).
  p.inputOffset = wide ? 0 : -input.zeroPoint();
  p.outputOffset = wide ? 0 : output.zeroPoint();
  if ((s = activationRangeOf(ctx, o.u8(schema::transpose_conv_options::kActivation), output,
                             &p.actMin, &p.actMax)) != Status::kOk) {
    return s;
  }
  if (ctx.hasInput(3)) {
    const TensorDesc bias = ctx.input(3);
    if (!wide) {
      if ((s = checkBias(ctx, bias, out.c)) != Status::kOk) return s;
    } else if (bias.type != TensorType::kInt64 && bias.type != TensorType::kInt16) {
      return ctx.failValue(Status::kUnsupportedOpType, "bias (int64 or int16 for int16 data)",
                           static_cast<int64_t>(bias.type), bias.index);
    } else if (bias.elementCount != static_cast<size_t>(out.c)) {
      return ctx.failValue(Status::kShapeMismatch, "bias", static_cast<int64_t>(bias.elementCount),
                           bias.index);
    }
    data->hasBias = true;
    data->int16Bias = bias.type == TensorType::kInt16;
  }
  if ((s = populatePerChannel(ctx, input, filter, output, out.c, &data->quant)) != Status::kOk)
    return s;
  const size_t accBytes = wide ? sizeof(int64_t) : sizeof(int32_t);
  return ctx.requestScratch(accBytes * output.elementCount, &data->sums);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const TransposeConvData*>(ctx.userData());
  const int32_t* m = d->quant.multipliers;
  const int32_t* sh = d->quant.shifts;
  if (d->isFloat) {
    reference::transposeConvFloat(d->params, d->floatMin, d->floatMax, d->input,
                                  ctx.inputData<float>(2), d->filter, ctx.inputData<float>(1),
                                  d->hasBias ? ctx.inputData<float>(3) : nullptr, d->output,
                                  ctx.outputData<float>(0));
  } else if (!d->wide) {
    reference::transposeConvPerChannel(d->params, m, sh, d->input, ctx.inputData<int8_t>(2),
                                       d->filter, ctx.inputData<int8_t>(1),
                                       d->hasBias ? ctx.inputData<int32_t>(3) : nullptr, d->output,
                                       ctx.outputData<int8_t>(0), static_cast<int32_t*>(d->sums));
  } else if (d->int16Bias) {
    reference::transposeConvPerChannel(d->params, m, sh, d->input, ctx.inputData<int16_t>(2),
                                       d->filter, ctx.inputData<int8_t>(1),
                                       ctx.inputData<int16_t>(3), d->output,
                                       ctx.outputData<int16_t>(0), static_cast<int64_t*>(d->sums));
  } else {
    reference::transposeConvPerChannel(d->params, m, sh, d->input, ctx.inputData<int16_t>(2),
                                       d->filter, ctx.inputData<int8_t>(1),
                                       d->hasBias ? ctx.inputData<int64_t>(3) : nullptr, d->output,
                                       ctx.outputData<int16_t>(0), static_cast<int64_t*>(d->sums));
  }
}

}  // namespace

OpRegistration registerTransposeConv() {
  return builtinRegistration(schema::BuiltinOperator::kTransposeConv, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
