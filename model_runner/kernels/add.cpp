#include "model_runner/kernels/add.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

bool sameShape(const TensorDesc& a, const TensorDesc& b) {
  if (a.rank != b.rank) return false;
  for (uint32_t i = 0; i < a.rank; ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

}  // namespace

Status prepareAddOp(OpContext& ctx, AddOpData** out) {
  *out = nullptr;
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kAddOptions)) != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  if ((s = requireType(ctx, in1, TensorType::kInt8, "input1")) != Status::kOk ||
      (s = requireType(ctx, in2, TensorType::kInt8, "input2")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, in1, "input1")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, in2, "input2")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  auto* data = static_cast<AddOpData*>(ctx.allocatePersistent(sizeof(AddOpData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = AddOpData();
  ctx.setUserData(data);
  *out = data;
  if (sameShape(in1, in2)) {
    if (!sameShape(in1, output)) return ctx.fail(Status::kShapeMismatch, "output", output.index);
    data->count = output.elementCount;
  } else {
    data->broadcast = true;
    if (!computeBroadcastShape(in1, in2, output, &data->shape)) {
      return ctx.fail(Status::kShapeMismatch, "output", output.index);
    }
  }
  AddParams& p = data->params;
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
  return activationRange(ctx, ctx.options().u8(schema::add_options::kActivation), output, &p.actMin,
                         &p.actMax);
}

namespace {

Status prepare(OpContext& ctx) {
  AddOpData* d = nullptr;
  return prepareAddOp(ctx, &d);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const AddOpData*>(ctx.userData());
  if (d->broadcast) {
    reference::broadcastAdd(d->params, d->shape, ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1),
                            ctx.outputData<int8_t>(0));
  } else {
    reference::add(d->params, d->count, ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1),
                   ctx.outputData<int8_t>(0));
  }
}

}  // namespace

bool computeBroadcastShape(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out,
                           BroadcastShape* s) {
  *s = BroadcastShape();
  if (a.rank > kMaxDims || b.rank > kMaxDims || out.rank > kMaxDims) return false;
  int32_t da[kMaxDims], db[kMaxDims], dout[kMaxDims];
  for (uint32_t i = 0; i < kMaxDims; ++i) da[i] = db[i] = dout[i] = 1;
  for (uint32_t i = 0; i < a.rank; ++i) da[kMaxDims - a.rank + i] = a.dims[i];
  for (uint32_t i = 0; i < b.rank; ++i) db[kMaxDims - b.rank + i] = b.dims[i];
  for (uint32_t i = 0; i < out.rank; ++i) dout[kMaxDims - out.rank + i] = out.dims[i];
  const uint8_t maxRank = a.rank > b.rank ? a.rank : b.rank;
  if (out.rank != maxRank) return false;
  for (uint32_t i = 0; i < kMaxDims; ++i) {
    if (da[i] != db[i] && da[i] != 1 && db[i] != 1) return false;
    const int32_t expect = da[i] == 1 ? db[i] : da[i];
    if (dout[i] != expect) return false;
    s->outDims[i] = expect;
  }
  int32_t stride1 = 1, stride2 = 1;
  for (int32_t i = static_cast<int32_t>(kMaxDims) - 1; i >= 0; --i) {
    s->strides1[i] = da[i] == 1 ? 0 : stride1;
    s->strides2[i] = db[i] == 1 ? 0 : stride2;
    stride1 *= da[i];
    stride2 *= db[i];
  }
  return true;
}

OpRegistration registerAdd() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kAdd);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
