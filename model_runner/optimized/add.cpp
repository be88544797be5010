// ADD, optimized: same-shape int8 addition with the reference's three rescalings done 8 lanes
// at a time (bit-exact); broadcasting shapes and the int16/int32 variants keep the reference.
#include "model_runner/kernels/add.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  kernels::AddOpData* d = nullptr;
  const Status s = kernels::prepareAddOp(ctx, &d);
  if (s != Status::kOk) return s;
  if (!d->layout.broadcast && d->type == TensorType::kInt8) d->accelerated = simd;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const kernels::AddOpData*>(ctx.userData());
  if (d->accelerated != nullptr) {
    AddJob j;
    j.params = d->params;
    j.count = d->layout.count;
    j.input1 = ctx.inputData<int8_t>(0);
    j.input2 = ctx.inputData<int8_t>(1);
    j.output = ctx.outputData<int8_t>(0);
    static_cast<const SimdKernels*>(d->accelerated)->add(j);
  } else {
    kernels::reference::invokeAdd(ctx);
  }
}

}  // namespace

OpRegistration registerAdd(Isa isa) {
  OpRegistration r = kernels::registerAdd();
  r.init = nullptr;
  r.invoke = invoke;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
