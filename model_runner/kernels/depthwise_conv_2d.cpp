#include "model_runner/kernels/depthwise_conv_2d.h"

#include "model_runner/kernels/window_op.h"

namespace tinyscope::runner::kernels {

namespace {

Status prepare(OpContext& ctx) {
  WindowOpData* data = nullptr;
  return prepareWindowOp(ctx, true, &data);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const WindowOpData*>(ctx.userData());
  reference::depthwiseConvPerChannel(
      d->params, d->depthMultiplier, d->quant.multipliers, d->quant.shifts, d->input,
      ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1),
      d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, d->output, ctx.outputData<int8_t>(0));
}

}  // namespace

OpRegistration registerDepthwiseConv2d() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kDepthwiseConv2d);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
