// AVERAGE_POOL_2D, optimized: window sums 8 channels per vector, the reference's rounding
// division per output element.
#include "model_runner/kernels/average_pool_2d.h"

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

struct PoolData {
  const SimdKernels* simd = nullptr;  // nullptr: the reference loop
  PoolJob job;
};

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  // Every check (and every error message) of the reference kernel.
  Status s = kernels::registerAveragePool2d().prepare(ctx);
  if (s != Status::kOk) return s;
  using namespace schema::pool2d_options;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  auto* d = static_cast<PoolData*>(ctx.allocatePersistent(sizeof(PoolData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = PoolData();
  ctx.setUserData(d);
  PoolJob& j = d->job;
  j.input = kernels::shape4(input);
  j.output = kernels::shape4(output);
  const fb::Table& o = ctx.options();
  kernels::PoolParams& p = j.params;
  p.strideW = o.i32(kStrideW);
  p.strideH = o.i32(kStrideH);
  p.filterW = o.i32(kFilterWidth);
  p.filterH = o.i32(kFilterHeight);
  p.padH = kernels::computePadding(p.strideH, 1, j.input.h, p.filterH, j.output.h);
  p.padW = kernels::computePadding(p.strideW, 1, j.input.w, p.filterW, j.output.w);
  if ((s = kernels::activationRange(ctx, o.u8(kActivation), output, &p.actMin, &p.actMax)) !=
      Status::kOk)
    return s;
  d->simd = simd;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const PoolData*>(ctx.userData());
  if (d->simd == nullptr) {
    kernels::reference::averagePool(d->job.params, d->job.input, ctx.inputData<int8_t>(0),
                                    d->job.output, ctx.outputData<int8_t>(0));
    return;
  }
  PoolJob j = d->job;
  j.in = ctx.inputData<int8_t>(0);
  j.out = ctx.outputData<int8_t>(0);
  d->simd->averagePool(j);
}

}  // namespace

OpRegistration registerAveragePool2d(Isa isa) {
  OpRegistration r = kernels::registerAveragePool2d();
  r.init = nullptr;
  r.invoke = invoke;
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
