#include "model_runner/kernels/squared_difference.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct SquaredDifferenceData {
  BinaryLayout layout;
  TensorType type = TensorType::kInt8;
  int32_t input1Offset = 0, input2Offset = 0, outputOffset = 0;
  int32_t leftShift = 7;
  int32_t input1Multiplier = 0, input1Shift = 0;
  int32_t input2Multiplier = 0, input2Shift = 0;
  int32_t outputMultiplier = 0, outputShift = 0;
};

Status prepareQuantized(const OpContext& ctx, const TensorDesc& in1, const TensorDesc& in2,
                        const TensorDesc& out, SquaredDifferenceData* d) {
  const bool is16 = in1.type == TensorType::kInt16;
  Status s;
  if ((s = requireQuantizedTensor(ctx, in1, "input1", is16)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, in2, "input2", is16)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, out, "output", is16)) != Status::kOk) {
    return s;
  }
  d->input1Offset = -in1.zeroPoint();
  d->input2Offset = -in2.zeroPoint();
  d->outputOffset = out.zeroPoint();
  d->leftShift = is16 ? 0 : 7;
  const float maxScale = in1.scale() > in2.scale() ? in1.scale() : in2.scale();
  const double twiceMax = 2.0 * static_cast<double>(maxScale);
  // TFLM forms (1 << 2 * leftShift) * output scale in float.
  const float denominator = static_cast<float>(1 << (d->leftShift * 2)) * out.scale();
  const double realOut = twiceMax * twiceMax / static_cast<double>(denominator);
  int shift1 = 0, shift2 = 0, shiftOut = 0;
  if (!quant::quantizeMultiplierSmallerThanOneExp(static_cast<double>(in1.scale()) / twiceMax,
                                                  &d->input1Multiplier, &shift1) ||
      !quant::quantizeMultiplierSmallerThanOneExp(static_cast<double>(in2.scale()) / twiceMax,
                                                  &d->input2Multiplier, &shift2) ||
      !quant::quantizeMultiplier(realOut, &d->outputMultiplier, &shiftOut)) {
    return ctx.fail(Status::kBadQuantization, "output scale", out.index);
  }
  d->input1Shift = shift1;
  d->input2Shift = shift2;
  d->outputShift = shiftOut;
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), out = ctx.output(0);
  const TensorType t = in1.type;
  if (t != TensorType::kFloat32 && t != TensorType::kInt32 && t != TensorType::kInt8 &&
      t != TensorType::kInt16) {
    return ctx.failValue(Status::kUnsupportedOpType, "input1", static_cast<int64_t>(t), in1.index);
  }
  if ((s = requireType(ctx, in2, t, "input2")) != Status::kOk ||
      (s = requireType(ctx, out, t, "output")) != Status::kOk) {
    return s;
  }
  SquaredDifferenceData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = t;
  if ((s = prepareBinaryLayout(ctx, in1, in2, out, 4, &d->layout)) != Status::kOk) return s;
  if (t == TensorType::kInt8 || t == TensorType::kInt16)
    return prepareQuantized(ctx, in1, in2, out, d);
  return Status::kOk;
}

template <typename T>
T squaredDifferenceQuantized(const SquaredDifferenceData& d, T a, T b) {
  const int32_t x = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      quant::wrappingShiftLeft(d.input1Offset + a, d.leftShift), d.input1Multiplier, d.input1Shift);
  const int32_t y = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      quant::wrappingShiftLeft(d.input2Offset + b, d.leftShift), d.input2Multiplier, d.input2Shift);
  const auto diff = static_cast<uint32_t>(x) - static_cast<uint32_t>(y);
  const auto squared = static_cast<int32_t>(diff * diff);
  const int32_t raw =
      quant::multiplyByQuantizedMultiplier(squared, d.outputMultiplier, d.outputShift);
  return saturateTo<T>(int64_t{raw} + d.outputOffset);
}

void invoke(const OpContext& ctx) {
  const auto& d = *static_cast<const SquaredDifferenceData*>(ctx.userData());
  switch (d.type) {
    case TensorType::kInt8:
      mapBinary<int8_t>(ctx, d.layout,
                        [&d](int8_t a, int8_t b) { return squaredDifferenceQuantized(d, a, b); });
      break;
    case TensorType::kInt16:
      mapBinary<int16_t>(ctx, d.layout, [&d](int16_t a, int16_t b) {
        return squaredDifferenceQuantized(d, a, b);
      });
      break;
    case TensorType::kInt32:
      mapBinary<int32_t>(ctx, d.layout, [](int32_t a, int32_t b) {
        const auto diff = static_cast<uint32_t>(a) - static_cast<uint32_t>(b);
        return static_cast<int32_t>(diff * diff);
      });
      break;
    default:
      mapBinary<float>(ctx, d.layout, [](float a, float b) { return (a - b) * (a - b); });
      break;
  }
}

}  // namespace

OpRegistration registerSquaredDifference() {
  return builtinRegistration(schema::BuiltinOperator::kSquaredDifference, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
