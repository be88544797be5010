#include "model_runner/kernels/log_softmax.h"

#include "model_runner/kernels/broadcast.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct LogSoftmaxData {
  LogSoftmaxParams params;
  int32_t outerSize = 0;
  int32_t depth = 0;
  bool isFloat = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  constexpr uint32_t kTypes = typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8);
  if ((s = requireSameTypeIn(ctx, input, output, kTypes)) != Status::kOk) return s;
  if (input.rank < 1 || !sameShape(input, output) || input.dims[input.rank - 1] <= 0)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);

  LogSoftmaxData* data = nullptr;
  if ((s = allocateOpData(ctx, &data)) != Status::kOk) return s;
  data->isFloat = input.type == TensorType::kFloat32;
  data->depth = input.dims[input.rank - 1];
  data->outerSize = static_cast<int32_t>(input.elementCount / static_cast<size_t>(data->depth));
  if (data->isFloat) return Status::kOk;

  if ((s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  // TFLite fixes the output quantization: scale 16/256 exactly, zero point 127.
  if (output.scale() != 16.0f / 256.0f)
    return ctx.fail(Status::kBadQuantization, "output scale (must be 16/256)", output.index);
  if (output.zeroPoint() != 127)
    return ctx.failValue(Status::kBadQuantization, "output zero_point (must be 127)",
                         output.zeroPoint(), output.index);

  // PreprocessLogSoftmaxScalingExp with beta 1 and CalculateInputRadius, in double like TFLite.
  const int kIntBits = reference::kLogSoftmaxInputIntegerBits;
  const double maxReal = static_cast<double>((int64_t{1} << 31) - 1);
  double real =
      static_cast<double>(input.scale()) * static_cast<double>(int64_t{1} << (31 - kIntBits));
  if (real > maxReal) real = maxReal;
  int shift = 0;
  if (!quant::quantizeMultiplierGreaterThanOne(real, &data->params.inputMultiplier, &shift))
    return ctx.fail(Status::kBadQuantization, "input scale", input.index);
  data->params.inputLeftShift = shift;
  const double reverse = static_cast<double>(int64_t{1} << (31 - shift)) /
                         static_cast<double>(data->params.inputMultiplier);
  int reverseShift = 0;
  if (!quant::quantizeMultiplierSmallerThanOneExp(reverse, &data->params.reverseMultiplier,
                                                  &reverseShift)) {
    return ctx.fail(Status::kBadQuantization, "input scale", input.index);
  }
  data->params.reverseShift = reverseShift;
  const double maxInputRescaled = static_cast<double>((1 << kIntBits) - 1) *
                                  static_cast<double>(int64_t{1} << (31 - kIntBits)) /
                                  static_cast<double>(int64_t{1} << shift);
  data->params.diffMin = -static_cast<int32_t>(static_cast<int64_t>(maxInputRescaled));
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const LogSoftmaxData*>(ctx.userData());
  if (d->isFloat) {
    reference::logSoftmax(d->outerSize, d->depth, ctx.inputData<float>(0),
                          ctx.outputData<float>(0));
  } else {
    reference::logSoftmax(d->params, d->outerSize, d->depth, ctx.inputData<int8_t>(0),
                          ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerLogSoftmax() {
  return builtinRegistration(schema::BuiltinOperator::kLogSoftmax, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
