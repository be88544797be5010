// DEPTHWISE_CONV_2D on the Cortex-M4: 4 channels per step, no scratch; a one-channel input
// runs as a CONV_2D (scratch: its columns and the transposed filter).
#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/cortex_m_ops.h"
#include "model_runner/kernels/window_op.h"

namespace tinyscope::runner::cortex_m {

namespace {

using kernels::prepareWindowOp;
using kernels::WindowOpData;

Status prepare(OpContext& ctx) {
  WindowOpData* d = nullptr;
  const Status s = prepareWindowOp(ctx, true, &d);
  if (s != Status::kOk) return s;
  // One input channel: a CONV_2D on the transposed filter (cortex_m_kernels.h).
  d->fast = true;
  if (d->input.c != 1) return Status::kOk;
  return ctx.requestScratch(depthwiseOneChannelScratchBytes(d->filter), &d->scratch);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const WindowOpData*>(ctx.userData());
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(2) : nullptr;
  if (d->input.c == 1) {
    depthwiseOneChannel(d->params, d->quant.multipliers, d->quant.shifts, d->input,
                        ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1), bias,
                        d->output, ctx.outputData<int8_t>(0), d->scratch);
    return;
  }
  depthwiseConvPerChannel(d->params, d->depthMultiplier, d->quant.multipliers, d->quant.shifts,
                          d->input, ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1),
                          bias, d->output, ctx.outputData<int8_t>(0));
}

}  // namespace

OpRegistration registerDepthwiseConv2d() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kDepthwiseConv2d);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::cortex_m
