#include "model_runner/kernels/pad.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

Status prepareWith(OpContext& ctx, bool v2) {
  Status s = requireArity(ctx, 2, v2 ? 3 : 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, v2 ? schema::BuiltinOptionsType::kPadV2Options
                                  : schema::BuiltinOptionsType::kPadOptions)) != Status::kOk)
    return s;
  const TensorDesc input = ctx.input(0), paddings = ctx.input(1), output = ctx.output(0);
  if ((s = requireType(ctx, output, input.type, "output")) != Status::kOk) return s;
  const size_t elementSize = schema::tensorTypeSize(input.type);
  if (elementSize != 1 && elementSize != 2 && elementSize != 4) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  if (paddings.type != TensorType::kInt32 && paddings.type != TensorType::kInt64) {
    return ctx.failValue(Status::kUnsupportedOpType, "paddings",
                         static_cast<int64_t>(paddings.type), paddings.index);
  }
  if (!paddings.isConstant())
    return ctx.fail(Status::kBadOpParams, "paddings (not constant)", paddings.index);
  if (paddings.rank != 2 || paddings.dims[0] != input.rank || paddings.dims[1] != 2 ||
      output.rank != input.rank) {
    return ctx.fail(Status::kShapeMismatch, "paddings", paddings.index);
  }
  auto* data = static_cast<PadOpData*>(ctx.allocatePersistent(sizeof(PadOpData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = PadOpData();
  ctx.setUserData(data);
  PadParams& p = data->params;
  p.rank = input.rank;
  for (int32_t d = 0; d < p.rank; ++d) {
    int64_t before, after;
    if (paddings.type == TensorType::kInt32) {
      before = quant::loadInt32(paddings.constData + 8 * d);
      after = quant::loadInt32(paddings.constData + 8 * d + 4);
    } else {
      int64_t v[2];
      std::memcpy(v, paddings.constData + 16 * d, sizeof v);
      before = v[0];
      after = v[1];
    }
    if (before < 0 || after < 0 || before + input.dims[d] + after != output.dims[d]) {
      return ctx.failValue(Status::kShapeMismatch, "paddings", d, paddings.index);
    }
    p.inDims[d] = input.dims[d];
    p.before[d] = static_cast<int32_t>(before);
    p.after[d] = static_cast<int32_t>(after);
  }
  data->elementSize = static_cast<uint8_t>(elementSize);
  // Quantized tensors pad with the zero point (the real value 0); others with 0.
  if (input.type == TensorType::kInt8 || input.type == TensorType::kInt16) {
    if (output.numChannels() > 1) return ctx.fail(Status::kBadQuantization, "output", output.index);
    if (output.numChannels() == 1 &&
        (output.scale() != input.scale() || output.zeroPoint() != input.zeroPoint())) {
      return ctx.fail(Status::kBadQuantization, "output", output.index);
    }
    data->padValue = output.zeroPoint();
    const int32_t lo = input.type == TensorType::kInt8 ? -128 : -32768;
    if (data->padValue < lo || data->padValue > -lo - 1) {
      return ctx.failValue(Status::kBadQuantization, "output zero_point", data->padValue,
                           output.index);
    }
  }
  if (v2 && ctx.hasInput(2)) {
    // As TFLM: a single value of the input's type; an int8 one in the output's quantization.
    const TensorDesc value = ctx.input(2);
    if ((s = requireType(ctx, value, input.type, "constant_values")) != Status::kOk) return s;
    if (value.elementCount != 1)
      return ctx.fail(Status::kShapeMismatch, "constant_values (not one value)", value.index);
    if (input.type == TensorType::kInt8 &&
        (value.zeroPoint() != output.zeroPoint() || value.scale() != output.scale())) {
      return ctx.fail(Status::kBadQuantization,
                      "constant_values (quantization differs from the output's)", value.index);
    }
    data->padFromInput = true;
  } else if (v2 && input.type != TensorType::kInt8) {
    data->padValue = 0;  // TFLM's PADV2 without a value pads every non-int8 type with 0
  }
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  return prepareWith(ctx, false);
}
Status prepareV2(OpContext& ctx) {
  return prepareWith(ctx, true);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const PadOpData*>(ctx.userData());
  switch (d->elementSize) {
    case 1:
      reference::pad(d->params, reference::padValueOf<int8_t>(ctx, *d), ctx.inputData<int8_t>(0),
                     ctx.outputData<int8_t>(0));
      break;
    case 2:
      reference::pad(d->params, reference::padValueOf<int16_t>(ctx, *d), ctx.inputData<int16_t>(0),
                     ctx.outputData<int16_t>(0));
      break;
    default:
      reference::pad(d->params, reference::padValueOf<int32_t>(ctx, *d), ctx.inputData<int32_t>(0),
                     ctx.outputData<int32_t>(0));
      break;
  }
}

}  // namespace

OpRegistration registerPad() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kPad);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

OpRegistration registerPadV2() {
  OpRegistration r = registerPad();
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kPadv2);
  r.prepare = prepareV2;
  return r;
}

}  // namespace tinyscope::runner::kernels
