// MAX_POOL_2D, optimized: int8 windows 32 (then 16) channels per vector; int16 runs the
// reference loop.
#include "model_runner/kernels/max_pool_2d.h"

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

struct MaxPoolData {
  const SimdKernels* simd = nullptr;  // nullptr: the reference loop
  PoolJob job;
  bool int16 = false;
};

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  // Every check (and every error message) of the reference kernel.
  Status s = kernels::registerMaxPool2d().prepare(ctx);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  auto* d = static_cast<MaxPoolData*>(ctx.allocatePersistent(sizeof(MaxPoolData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = MaxPoolData();
  ctx.setUserData(d);
  d->int16 = input.type == TensorType::kInt16;
  const int32_t qmin = d->int16 ? -32768 : -128, qmax = d->int16 ? 32767 : 127;
  PoolJob& j = d->job;
  if ((s = kernels::preparePoolWindow(ctx, input, output, qmin, qmax, &j.params, &j.input,
                                      &j.output)) != Status::kOk) {
    return s;
  }
  d->simd = d->int16 ? nullptr : simd;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MaxPoolData*>(ctx.userData());
  if (d->int16) {
    kernels::reference::maxPool(d->job.params, d->job.input, ctx.inputData<int16_t>(0),
                                d->job.output, ctx.outputData<int16_t>(0));
    return;
  }
  if (d->simd == nullptr) {
    kernels::reference::maxPool(d->job.params, d->job.input, ctx.inputData<int8_t>(0),
                                d->job.output, ctx.outputData<int8_t>(0));
    return;
  }
  PoolJob j = d->job;
  j.in = ctx.inputData<int8_t>(0);
  j.out = ctx.outputData<int8_t>(0);
  d->simd->maxPool(j);
}

}  // namespace

OpRegistration registerMaxPool2d(Isa isa) {
  OpRegistration r = kernels::registerMaxPool2d();
  r.init = nullptr;
  r.invoke = invoke;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
