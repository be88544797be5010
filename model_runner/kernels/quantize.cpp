#include "model_runner/kernels/quantize.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct QuantizeData {
  RequantizeParams params;
  float outputScale = 0.0f;
  int32_t count = 0;
  TensorType inputType = TensorType::kInt8;
  TensorType outputType = TensorType::kInt8;
};

bool isInteger(TensorType t) {
  return t == TensorType::kInt8 || t == TensorType::kInt16 || t == TensorType::kInt32;
}

// Per-tensor scale (> 0, finite) without the int8 zero-point range check of
// requirePerTensorQuant: int16/int32 tensors have wider zero points.
Status requireScale(const OpContext& ctx, const TensorDesc& t, const char* field) {
  const float s = t.scale();
  if (t.numChannels() != 1 || !(s > 0.0f && s < 1e30f))
    return ctx.fail(Status::kBadQuantization, field, t.index);
  const int64_t zp = t.zeroPoints.size() > 0 ? t.zeroPoints.i64(0) : 0;
  if (zp < -2147483647 || zp > 2147483647)
    return ctx.fail(Status::kBadQuantization, field, t.index);
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if (input.elementCount != output.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  const bool floatIn = input.type == TensorType::kFloat32;
  // uint8 only to and from int8, as TFLM.
  const bool uint8Pair = (input.type == TensorType::kUInt8 && output.type == TensorType::kInt8) ||
                         (input.type == TensorType::kInt8 && output.type == TensorType::kUInt8);
  const bool outOk =
      uint8Pair ||
      (floatIn ? (output.type == TensorType::kInt8 || output.type == TensorType::kInt16)
               : isInteger(output.type));
  if (!(floatIn || isInteger(input.type) || uint8Pair)) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  if (!outOk || (input.type == TensorType::kInt32 && output.type == TensorType::kInt32)) {
    return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(output.type),
                         output.index);
  }
  if ((s = requireScale(ctx, output, "output")) != Status::kOk) return s;
  if (!floatIn && (s = requireScale(ctx, input, "input")) != Status::kOk) return s;

  auto* data = static_cast<QuantizeData*>(ctx.allocatePersistent(sizeof(QuantizeData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = QuantizeData();
  ctx.setUserData(data);
  data->count = static_cast<int32_t>(output.elementCount);
  data->inputType = input.type;
  data->outputType = output.type;
  data->outputScale = output.scale();
  data->params.outputZeroPoint = output.zeroPoint();
  if (!floatIn) {
    data->params.inputZeroPoint = input.zeroPoint();
    const double effective =
        static_cast<double>(input.scale()) / static_cast<double>(output.scale());
    int shift = 0;
    if (!quant::quantizeMultiplier(effective, &data->params.multiplier, &shift)) {
      return ctx.fail(Status::kBadQuantization, "effective scale", output.index);
    }
    data->params.shift = shift;
  }
  return Status::kOk;
}

template <typename InputT>
void requantizeTo(const QuantizeData& d, const InputT* in, void* out) {
  switch (d.outputType) {
    case TensorType::kInt8:
      reference::requantize(d.params, d.count, in, static_cast<int8_t*>(out));
      break;
    case TensorType::kInt16:
      reference::requantize(d.params, d.count, in, static_cast<int16_t*>(out));
      break;
    case TensorType::kUInt8:
      reference::requantize(d.params, d.count, in, static_cast<uint8_t*>(out));
      break;
    default:
      reference::requantize(d.params, d.count, in, static_cast<int32_t*>(out));
      break;
  }
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const QuantizeData*>(ctx.userData());
  void* out = ctx.outputData<void>(0);
  switch (d->inputType) {
    case TensorType::kFloat32:
      if (d->outputType == TensorType::kInt8) {
        reference::affineQuantize(d->outputScale, d->params.outputZeroPoint, d->count,
                                  ctx.inputData<float>(0), static_cast<int8_t*>(out));
      } else {
        reference::affineQuantize(d->outputScale, d->params.outputZeroPoint, d->count,
                                  ctx.inputData<float>(0), static_cast<int16_t*>(out));
      }
      break;
    case TensorType::kInt8:
      requantizeTo(*d, ctx.inputData<int8_t>(0), out);
      break;
    case TensorType::kInt16:
      requantizeTo(*d, ctx.inputData<int16_t>(0), out);
      break;
    case TensorType::kUInt8:
      requantizeTo(*d, ctx.inputData<uint8_t>(0), out);
      break;
    default:
      requantizeTo(*d, ctx.inputData<int32_t>(0), out);
      break;
  }
}

}  // namespace

OpRegistration registerQuantize() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kQuantize);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
