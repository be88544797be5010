// FULLY_CONNECTED on the Cortex-M4: 4-row SMLAD GEMV, the int8 input widened to int16 pairs
// inside the inner loop (no scratch).
#include "model_runner/kernels/fully_connected.h"
#include "model_runner/cortex_m/cortex_m_kernels.h"
#include "model_runner/cortex_m/cortex_m_ops.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::cortex_m {

namespace {

using namespace kernels;

// The shared op data plus the operator's tensor indices, read once at prepare: invoke then
// looks up four tensor addresses without reading the operator's tensor lists (a small
// FULLY_CONNECTED spends more on those reads than on its MACs).
struct FcOp {
  const FullyConnectedOpData* data;
  int32_t input, filter, bias, output;
};

Status prepare(OpContext& ctx) {
  FullyConnectedOpData* d = nullptr;
  const Status s = prepareFullyConnectedOp(ctx, &d);
  if (s != Status::kOk) return s;
  // A weight zero point would need (w - zp) pairs: rare for int8 (TFLite quantizes weights
  // symmetrically); the reference math covers it.
  d->fast = d->params.filterOffset == 0;
  auto* op = static_cast<FcOp*>(ctx.allocatePersistent(sizeof(FcOp)));
  if (op == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  op->data = d;
  op->input = ctx.inputIndex(0);
  op->filter = ctx.inputIndex(1);
  op->bias = d->hasBias ? ctx.inputIndex(2) : -1;
  op->output = ctx.outputIndex(0);
  ctx.setUserData(op);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* op = static_cast<const FcOp*>(ctx.userData());
  const FullyConnectedOpData* d = op->data;
  const auto* input = static_cast<const int8_t*>(ctx.data(op->input));
  const auto* filter = static_cast<const int8_t*>(ctx.data(op->filter));
  const auto* bias = static_cast<const int32_t*>(ctx.data(op->bias));
  auto* output = static_cast<int8_t*>(ctx.data(op->output));
  const int32_t* multipliers = d->perChannel ? d->quant.multipliers : &d->multiplier;
  const int32_t* shifts = d->perChannel ? d->quant.shifts : &d->shift;
  if (d->fast) {
    fullyConnected(d->params, multipliers, shifts, d->perChannel, d->batches, d->accumDepth,
                   d->outputDepth, input, filter, bias, output);
    return;
  }
  reference::fullyConnected(d->params, multipliers, shifts, d->perChannel, d->batches,
                            d->accumDepth, d->outputDepth, input, filter, bias, output);
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
