// SignalWindow: output[i] = saturate_int16((input[i] * window[i % n]) >> shift), frame by frame.
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct WindowData {
  int32_t shift = 0;
  size_t count = 0;   // input elements
  size_t length = 0;  // window length
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), weights = ctx.input(1), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, -1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, weights, TensorType::kInt16, 1, "weights")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, input.rank, "output")) !=
          Status::kOk) {
    return s;
  }
  if (weights.elementCount == 0 || input.elementCount % weights.elementCount != 0)
    return ctx.failValue(Status::kShapeMismatch, "weights", weights.dim(0), weights.index);
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  int64_t shift = 0;
  if ((s = signal::requireInt(ctx, map, "shift", 0, 31, &shift)) != Status::kOk) return s;
  WindowData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->shift = static_cast<int32_t>(shift);
  d->count = input.elementCount;
  d->length = weights.elementCount;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const WindowData*>(ctx.userData());
  const int16_t* in = ctx.inputData<int16_t>(0);
  const int16_t* w = ctx.inputData<int16_t>(1);
  int16_t* out = ctx.outputData<int16_t>(0);
  for (size_t frame = 0; frame < d->count; frame += d->length) {
    for (size_t i = 0; i < d->length; ++i) {
      const int32_t v = (int32_t{in[frame + i]} * w[i]) >> d->shift;
      out[frame + i] = static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
    }
  }
}

}  // namespace

OpRegistration registerSignalWindow() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalWindow";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
