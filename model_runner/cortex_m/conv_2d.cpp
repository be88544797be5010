// CONV_2D on the Cortex-M4: im2col into two int16 columns, 2x2 SMLAD GEMM.
#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/cortex_m_ops.h"
#include "model_runner/kernels/window_op.h"

namespace tinyscope::runner::cortex_m {

namespace {

using kernels::prepareWindowOp;
using kernels::WindowOpData;

Status prepare(OpContext& ctx) {
  WindowOpData* d = nullptr;
  const Status s = prepareWindowOp(ctx, false, &d);
  if (s != Status::kOk) return s;
  d->fast = true;
  return ctx.requestScratch(convScratchBytes(d->filter), &d->scratch);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const WindowOpData*>(ctx.userData());
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(2) : nullptr;
  convPerChannel(d->params, d->quant.multipliers, d->quant.shifts, d->input,
                 ctx.inputData<int8_t>(0), d->filter, ctx.inputData<int8_t>(1), bias, d->output,
                 ctx.outputData<int8_t>(0), static_cast<int16_t*>(d->scratch));
}

}  // namespace

OpRegistration registerConv2d() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kConv2d);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::cortex_m
