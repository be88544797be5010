// FULLY_CONNECTED on the Cortex-M4: 4-row SMLAD GEMV, the int8 input widened to int16 pairs
// inside the inner loop (no scratch).
#include "model_runner/kernels/fully_connected.h"
#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/cortex_m_ops.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::cortex_m {

namespace {

using namespace kernels;

Status prepare(OpContext& ctx) {
  FullyConnectedOpData* d = nullptr;
  const Status s = prepareFullyConnectedOp(ctx, &d);
  if (s != Status::kOk) return s;
  // A weight zero point would need (w - zp) pairs: rare for int8 (TFLite quantizes weights
  // symmetrically); the reference math covers it.
  d->fast = d->params.filterOffset == 0;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const FullyConnectedOpData*>(ctx.userData());
  const int32_t* multipliers = d->perChannel ? d->quant.multipliers : &d->multiplier;
  const int32_t* shifts = d->perChannel ? d->quant.shifts : &d->shift;
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(2) : nullptr;
  if (d->fast) {
    fullyConnected(d->params, multipliers, shifts, d->perChannel, d->batches, d->accumDepth,
                   d->outputDepth, ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1), bias,
                   ctx.outputData<int8_t>(0));
    return;
  }
  reference::fullyConnected(d->params, multipliers, shifts, d->perChannel, d->batches,
                            d->accumDepth, d->outputDepth, ctx.inputData<int8_t>(0),
                            ctx.inputData<int8_t>(1), bias, ctx.outputData<int8_t>(0));
}

}  // namespace

OpRegistration registerFullyConnected() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kFullyConnected);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::cortex_m
