#include "model_runner/kernels/logistic.h"

#include "model_runner/fixed_point.h"
#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/kernels/lut_activations.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace reference {

int32_t logisticQ4(int32_t x) {
  constexpr int kInputIntegerBits = 4;
  if (x == 0) return int32_t{1} << 30;  // 0.5
  const int32_t absX = x > 0 ? x : -x;
  const int32_t positive =
      fixed::oneOverOnePlusX(fixed::expOnNegativeValues(-absX, kInputIntegerBits));
  return x > 0 ? positive : quant::kInt32Max - positive;
}

namespace {

// The int8 loop LOGISTIC and TANH share: inputs beyond the radius saturate; inside it the
// input goes to Q4.27, through `f` (Q0 out), is rounded to `outputFractionalBits` and offset.
void q4ActivationInt8(const LogisticInt8Params& p, int32_t count, const int8_t* input,
                      int8_t* output, int32_t (*f)(int32_t), int outputFractionalBits,
                      int32_t outputOffset) {
  for (int32_t i = 0; i < count; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - p.inputZeroPoint;
    if (x <= -p.inputRangeRadius) {
      output[i] = -128;
    } else if (x >= p.inputRangeRadius) {
      output[i] = 127;
    } else {
      const int32_t inQ4 =
          quant::multiplyByQuantizedMultiplier(x, p.inputMultiplier, p.inputLeftShift);
      int32_t y = quant::roundingDivideByPOT(f(inQ4), 31 - outputFractionalBits) + outputOffset;
      y = y < -128 ? -128 : (y > 127 ? 127 : y);
      output[i] = static_cast<int8_t>(y);
    }
  }
}

}  // namespace

void logisticInt8(const LogisticInt8Params& p, int32_t count, const int8_t* input, int8_t* output) {
  q4ActivationInt8(p, count, input, output, logisticQ4, 8, -128);  // [0, 1) on 1/256, zp -128
}

float logisticFloat(float x) {
  // TFLM's cut-offs: beyond them the float result is 1 or exp(x) to the last bit.
  constexpr float kUpper = 16.619047164916992188f;
  constexpr float kLower = -9.0f;
  if (x > kUpper) return 1.0f;
  if (x < kLower) return __builtin_expf(x);
  return 1.0f / (1.0f + __builtin_expf(-x));
}

int32_t tanhQ4(int32_t x) {
  if (x == 0) return 0;
  // tanh(|x|) = (1 - exp(-2|x|)) / (1 + exp(-2|x|)); -|x| read with 5 integer bits is -2|x|.
  const int32_t negAbs = x < 0 ? x : -x;
  const int32_t t = fixed::oneMinusXOverOnePlusX(fixed::expOnNegativeValues(negAbs, 5));
  return x < 0 ? -t : t;
}

void tanhInt8(const LogisticInt8Params& p, int32_t count, const int8_t* input, int8_t* output) {
  q4ActivationInt8(p, count, input, output, tanhQ4, 7, 0);  // Q0.7
}

}  // namespace reference

namespace {

struct LogisticData {
  LogisticInt8Params int8;
  int32_t int16Multiplier = 0;
  int32_t int16LeftShift = 0;
  int32_t count = 0;
  bool isInt16 = false;
  bool isTanh = false;
  bool isFloat = false;
};

Status prepareInt8(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                   LogisticData* d) {
  Status s;
  if ((s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  // LOGISTIC's output is fixed at [0, 1); TANH writes Q0.7 whatever the output says, as TFLM.
  if (!d->isTanh && output.zeroPoint() != -128) {
    return ctx.failValue(Status::kBadQuantization, "output zero_point", output.zeroPoint(),
                         output.index);
  }
  if (!d->isTanh && output.scale() != 1.0f / 256.0f)
    return ctx.fail(Status::kBadQuantization, "output scale", output.index);
  // TFLite: multiplier = frexp(input_scale * 2^(31 - 4)) without QuantizeMultiplier's clamping.
  constexpr int kInputIntegerBits = 4;
  const double real = static_cast<double>(input.scale()) *
                      static_cast<double>(int64_t{1} << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = quant::frexp(real, &shift);
  const int64_t qFixed = static_cast<int64_t>(quant::roundHalfAway(q * 2147483648.0));
  if (shift > 30 || shift < -31 || qFixed > quant::kInt32Max) {
    return ctx.fail(Status::kBadQuantization, "input scale", input.index);
  }
  d->int8.inputZeroPoint = input.zeroPoint();
  d->int8.inputMultiplier = static_cast<int32_t>(qFixed);
  d->int8.inputLeftShift = shift;
  // CalculateInputRadius(4, shift, 31): floor(15 * 2^27 / 2^shift).
  const double radius = 15.0 * static_cast<double>(int64_t{1} << (31 - kInputIntegerBits)) /
                        (shift >= 0 ? static_cast<double>(int64_t{1} << shift)
                                    : 1.0 / static_cast<double>(int64_t{1} << -shift));
  d->int8.inputRangeRadius =
      radius >= 2147483647.0 ? quant::kInt32Max : static_cast<int32_t>(radius);
  return Status::kOk;
}

Status prepareInt16(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                    LogisticData* d) {
  const float inScale = input.scale(), outScale = output.scale();
  if (input.numChannels() != 1 || !(inScale > 0.0f && inScale < 1e30f) || input.zeroPoint() != 0) {
    return ctx.fail(Status::kBadQuantization, "input", input.index);
  }
  if (output.numChannels() != 1 || !(outScale > 0.0f && outScale < 1e30f) ||
      output.zeroPoint() != 0) {
    return ctx.fail(Status::kBadQuantization, "output", output.index);
  }
  constexpr int kInputIntegerBits = 3;
  constexpr int kOutputFractionalBits = 15;
  int inLog2 = 0, outLog2 = 0;
  bool pot = lut::checkedLog2(inScale, &inLog2);
  d->int16LeftShift = (15 - kInputIntegerBits) + inLog2;
  // TANH takes one more power-of-two scale (its table reads 2x).
  pot = pot && (d->int16LeftShift == 0 || (d->isTanh && d->int16LeftShift == 1));
  if (pot) {
    d->int16Multiplier = 0;
  } else {
    // Bring the input to the table scale 1 / (3 * 4096), as a multiplier with a left shift.
    double multiplier = static_cast<double>(inScale) * 4096.0 * 3.0;
    d->int16LeftShift = 0;
    while (multiplier <= 32767.0 / 2.0 && d->int16LeftShift <= 30) {
      ++d->int16LeftShift;
      multiplier *= 2.0;
    }
    if (!(multiplier < 65536.0))
      return ctx.fail(Status::kBadQuantization, "input scale", input.index);
    d->int16Multiplier = static_cast<int32_t>(multiplier);
  }
  if (!lut::checkedLog2(outScale, &outLog2) || outLog2 != -kOutputFractionalBits) {
    return ctx.fail(Status::kBadQuantization, "output scale", output.index);
  }
  d->isInt16 = true;
  return Status::kOk;
}

Status prepareSigmoidFamily(OpContext& ctx, bool tanh) {
  Status s = requireUnaryOperands(ctx, typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16) |
                                           typeBit(TensorType::kFloat32));
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  auto* data = static_cast<LogisticData*>(ctx.allocatePersistent(sizeof(LogisticData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = LogisticData();
  ctx.setUserData(data);
  data->count = static_cast<int32_t>(output.elementCount);
  data->isTanh = tanh;
  data->isFloat = input.type == TensorType::kFloat32;
  if (data->isFloat) return Status::kOk;
  return input.type == TensorType::kInt8 ? prepareInt8(ctx, input, output, data)
                                         : prepareInt16(ctx, input, output, data);
}

Status prepare(OpContext& ctx) {
  return prepareSigmoidFamily(ctx, false);
}
Status prepareTanh(OpContext& ctx) {
  return prepareSigmoidFamily(ctx, true);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const LogisticData*>(ctx.userData());
  if (d->isFloat) {
    const auto count = static_cast<size_t>(d->count);
    if (d->isTanh) {
      mapUnary<float>(ctx, count, [](float x) { return __builtin_tanhf(x); });
    } else {
      mapUnary<float>(ctx, count, reference::logisticFloat);
    }
  } else if (d->isTanh && d->isInt16) {
    lut::tanhInt16(d->int16Multiplier, d->int16LeftShift, d->count, ctx.inputData<int16_t>(0),
                   ctx.outputData<int16_t>(0));
  } else if (d->isTanh) {
    reference::tanhInt8(d->int8, d->count, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  } else if (d->isInt16) {
    lut::sigmoidInt16(d->int16Multiplier, d->int16LeftShift, d->count, ctx.inputData<int16_t>(0),
                      ctx.outputData<int16_t>(0));
  } else {
    reference::logisticInt8(d->int8, d->count, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerLogistic() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kLogistic);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

OpRegistration registerTanh() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kTanh);
  r.prepare = prepareTanh;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
