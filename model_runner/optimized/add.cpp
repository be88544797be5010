// ADD, optimized: same-shape int8 addition with the reference's three rescalings done 8 lanes
// at a time (bit-exact); broadcasting shapes keep the reference loop.
#include "model_runner/kernels/add.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

namespace {

struct AddData {
  const SimdKernels* simd = nullptr;  // nullptr: the reference loops
  AddJob job;
  kernels::BroadcastShape shape;
  bool broadcast = false;
};

bool sameShape(const TensorDesc& a, const TensorDesc& b) {
  if (a.rank != b.rank) return false;
  for (uint32_t i = 0; i < a.rank; ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

Status prepareWith(OpContext& ctx, const SimdKernels* simd) {
  // Every check (and every error message) of the reference kernel.
  Status s = kernels::registerAdd().prepare(ctx);
  if (s != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  auto* d = static_cast<AddData*>(ctx.allocatePersistent(sizeof(AddData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = AddData();
  ctx.setUserData(d);
  d->broadcast = !sameShape(in1, in2);
  if (d->broadcast) {
    kernels::computeBroadcastShape(in1, in2, output,
                                   &d->shape);  // checked by the reference prepare
  } else {
    d->job.count = output.elementCount;
  }
  // The reference prepare's arithmetic, kept here (its op data is private to it).
  kernels::AddParams& p = d->job.params;
  p.input1Offset = -in1.zeroPoint();
  p.input2Offset = -in2.zeroPoint();
  p.outputOffset = output.zeroPoint();
  p.leftShift = 20;
  const double s1 = static_cast<double>(in1.scale());
  const double s2 = static_cast<double>(in2.scale());
  const double twiceMax = 2.0 * (s1 > s2 ? s1 : s2);
  const double realOut =
      twiceMax / (static_cast<double>(1 << p.leftShift) * static_cast<double>(output.scale()));
  int shift1 = 0, shift2 = 0, shiftOut = 0;
  if (!quant::quantizeMultiplierSmallerThanOneExp(s1 / twiceMax, &p.input1Multiplier, &shift1) ||
      !quant::quantizeMultiplierSmallerThanOneExp(s2 / twiceMax, &p.input2Multiplier, &shift2) ||
      !quant::quantizeMultiplierSmallerThanOneExp(realOut, &p.outputMultiplier, &shiftOut)) {
    return ctx.fail(Status::kBadQuantization, "scale", output.index);
  }
  p.input1Shift = shift1;
  p.input2Shift = shift2;
  p.outputShift = shiftOut;
  s = kernels::activationRange(ctx, ctx.options().u8(schema::add_options::kActivation), output,
                               &p.actMin, &p.actMax);
  if (s != Status::kOk) return s;
  if (!d->broadcast) d->simd = simd;
  return Status::kOk;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  return prepareWith(ctx, simdKernels(kIsa));
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const AddData*>(ctx.userData());
  if (d->simd != nullptr) {
    AddJob j = d->job;
    j.input1 = ctx.inputData<int8_t>(0);
    j.input2 = ctx.inputData<int8_t>(1);
    j.output = ctx.outputData<int8_t>(0);
    d->simd->add(j);
  } else if (d->broadcast) {
    kernels::reference::broadcastAdd(d->job.params, d->shape, ctx.inputData<int8_t>(0),
                                     ctx.inputData<int8_t>(1), ctx.outputData<int8_t>(0));
  } else {
    kernels::reference::add(d->job.params, d->job.count, ctx.inputData<int8_t>(0),
                            ctx.inputData<int8_t>(1), ctx.outputData<int8_t>(0));
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
