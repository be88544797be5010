#include "model_runner/kernels/add.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

Status prepareAddOp(OpContext& ctx, AddOpData** out) {
  *out = nullptr;
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kAddOptions)) != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  const TensorType type = output.type;
  if (type != TensorType::kInt8 && type != TensorType::kInt16 && type != TensorType::kInt32)
    return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(type),
                         output.index);
  if ((s = requireType(ctx, in1, type, "input1")) != Status::kOk ||
      (s = requireType(ctx, in2, type, "input2")) != Status::kOk) {
    return s;
  }
  if (type == TensorType::kInt32) {
    // TFLM adds int32 only unquantized.
    if (in1.numChannels() != 0) return ctx.fail(Status::kBadQuantization, "input1", in1.index);
    if (in2.numChannels() != 0) return ctx.fail(Status::kBadQuantization, "input2", in2.index);
  } else if ((s = requirePerTensorQuantOf(ctx, in1, type, "input1")) != Status::kOk ||
             (s = requirePerTensorQuantOf(ctx, in2, type, "input2")) != Status::kOk ||
             (s = requirePerTensorQuantOf(ctx, output, type, "output")) != Status::kOk) {
    return s;
  }
  AddOpData* data = nullptr;
  if ((s = allocateOpData(ctx, &data)) != Status::kOk) return s;
  *out = data;
  data->type = type;
  if ((s = prepareElementwise(ctx, in1, in2, output, kMaxDims, &data->layout)) != Status::kOk)
    return s;
  if (type == TensorType::kInt32) return Status::kOk;
  AddParams& p = data->params;
  p.input1Offset = -in1.zeroPoint();
  p.input2Offset = -in2.zeroPoint();
  p.outputOffset = output.zeroPoint();
  p.leftShift = type == TensorType::kInt16 ? 15 : 20;
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
  return activationRangeOf(ctx, ctx.options().u8(schema::add_options::kActivation), output,
                           &p.actMin, &p.actMax);
}

namespace {

Status prepare(OpContext& ctx) {
  AddOpData* d = nullptr;
  return prepareAddOp(ctx, &d);
}

}  // namespace

void reference::invokeAdd(const OpContext& ctx) {
  const auto* d = static_cast<const AddOpData*>(ctx.userData());
  const AddParams& p = d->params;
  switch (d->type) {
    case TensorType::kInt16:
      elementwise<int16_t>(ctx, d->layout,
                           [&p](int16_t x, int16_t y) { return addElement(p, x, y); });
      break;
    case TensorType::kInt32:
      elementwise<int32_t>(ctx, d->layout, quant::wrappingAdd);
      break;
    default:
      elementwise<int8_t>(ctx, d->layout, [&p](int8_t x, int8_t y) { return addElement(p, x, y); });
      break;
  }
}

OpRegistration registerAdd() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kAdd);
  r.prepare = prepare;
  r.invoke = reference::invokeAdd;
  return r;
}

}  // namespace tinyscope::runner::kernels
