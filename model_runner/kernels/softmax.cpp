#include "model_runner/kernels/softmax.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct SoftmaxData {
  SoftmaxParams params;
  int32_t outerSize = 0;
  int32_t depth = 0;
  bool int16Output = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kSoftmaxOptions)) != Status::kOk)
    return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kInt8, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk) {
    return s;
  }
  if (output.type == TensorType::kInt16) {
    // TFLite: zero point -32768, scale within 0.1% of 1/65536.
    const float kScale = 1.0f / 65536.0f;
    const float diff = output.scale() - kScale;
    if (output.numChannels() != 1 || output.zeroPoint() != -32768) {
      return ctx.failValue(Status::kBadQuantization, "output zero_point", output.zeroPoint(),
                           output.index);
    }
    if (!(diff <= 0.001f * kScale && diff >= -0.001f * kScale)) {
      return ctx.fail(Status::kBadQuantization, "output scale", output.index);
    }
  } else {
    if ((s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
        (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
      return s;
    }
    if (output.zeroPoint() != -128)
      return ctx.failValue(Status::kBadQuantization, "output zero_point", output.zeroPoint(),
                           output.index);
    if (output.scale() != 1.0f / 256.0f)
      return ctx.fail(Status::kBadQuantization, "output scale", output.index);
  }
  if (input.rank < 1 || input.elementCount != output.elementCount ||
      input.dims[input.rank - 1] <= 0) {
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  }
  auto* data = static_cast<SoftmaxData*>(ctx.allocatePersistent(sizeof(SoftmaxData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = SoftmaxData();
  ctx.setUserData(data);
  data->int16Output = output.type == TensorType::kInt16;
  data->depth = input.dims[input.rank - 1];
  data->outerSize = static_cast<int32_t>(input.elementCount / static_cast<size_t>(data->depth));

  // PreprocessSoftmaxScaling + CalculateInputRadius, in double like the reference.
  const double beta = static_cast<double>(ctx.options().f32(schema::softmax_options::kBeta, 0.0f));
  const int kIntBits = reference::kSoftmaxScaledDiffIntegerBits;
  const double maxReal = static_cast<double>((int64_t{1} << 31) - 1);
  double real = beta * static_cast<double>(input.scale()) *
                static_cast<double>(int64_t{1} << (31 - kIntBits));
  if (real > maxReal) real = maxReal;
  int shift = 0;
  if (!quant::quantizeMultiplierGreaterThanOne(real, &data->params.inputMultiplier, &shift)) {
    return ctx.fail(Status::kBadOpParams, "beta");
  }
  data->params.inputLeftShift = shift;
  const double maxInputRescaled = 1.0 * static_cast<double>((1 << kIntBits) - 1) *
                                  static_cast<double>(int64_t{1} << (31 - kIntBits)) /
                                  static_cast<double>(int64_t{1} << shift);
  // floor() of a non-negative value is its truncation.
  data->params.diffMin = -static_cast<int32_t>(static_cast<int64_t>(maxInputRescaled));
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const SoftmaxData*>(ctx.userData());
  if (d->int16Output) {
    reference::softmax(d->params, d->outerSize, d->depth, ctx.inputData<int8_t>(0),
                       ctx.outputData<int16_t>(0));
  } else {
    reference::softmax(d->params, d->outerSize, d->depth, ctx.inputData<int8_t>(0),
                       ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerSoftmax() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kSoftmax);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
