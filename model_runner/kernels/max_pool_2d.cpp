#include "model_runner/kernels/max_pool_2d.h"

namespace tinyscope::runner::kernels {

namespace {

struct MaxPoolData {
  PoolParams params;
  Shape4 input, output;
  bool int16 = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, input, typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk) {
    return s;
  }
  const bool int16 = input.type == TensorType::kInt16;
  const float inScale = input.scale(), outScale = output.scale();
  if (input.numChannels() != 1 || !(inScale > 0.0f && inScale < 1e30f))
    return ctx.fail(Status::kBadQuantization, "input scale", input.index);
  if (output.numChannels() != 1 || !(outScale > 0.0f && outScale < 1e30f))
    return ctx.fail(Status::kBadQuantization, "output scale", output.index);
  const double scaleDiff = static_cast<double>(inScale) - static_cast<double>(outScale);
  if (scaleDiff > 1e-6 || scaleDiff < -1e-6)
    return ctx.fail(Status::kBadQuantization, "output scale (differs from the input's)",
                    output.index);
  if (input.zeroPoint() != output.zeroPoint()) {
    return ctx.failValue(Status::kBadQuantization, "output zero point (differs from the input's)",
                         output.zeroPoint(), output.index);
  }
  const int32_t qmin = int16 ? -32768 : -128, qmax = int16 ? 32767 : 127;
  if (output.zeroPoint() < qmin || output.zeroPoint() > qmax)
    return ctx.failValue(Status::kBadQuantization, "output zero point", output.zeroPoint(),
                         output.index);
  auto* data = static_cast<MaxPoolData*>(ctx.allocatePersistent(sizeof(MaxPoolData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = MaxPoolData();
  data->int16 = int16;
  ctx.setUserData(data);
  return preparePoolWindow(ctx, input, output, qmin, qmax, &data->params, &data->input,
                           &data->output);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MaxPoolData*>(ctx.userData());
  if (d->int16) {
    reference::maxPool(d->params, d->input, ctx.inputData<int16_t>(0), d->output,
                       ctx.outputData<int16_t>(0));
  } else {
    reference::maxPool(d->params, d->input, ctx.inputData<int8_t>(0), d->output,
                       ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerMaxPool2d() {
  return builtinRegistration(schema::BuiltinOperator::kMaxPool2d, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
