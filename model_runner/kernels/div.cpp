#include "model_runner/kernels/div.h"

#include <cstring>

#include "model_runner/fixed_point.h"
#include "model_runner/kernels/broadcast.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

using DivOpData = BinaryArithmeticData;

constexpr uint8_t kMaxBroadcastRank = 5;

// A constant divisor must not hold a zero (the real value 0 for int8: the zero point).
Status checkConstantDivisor(const OpContext& ctx, const TensorDesc& t) {
  if (!t.isConstant()) return Status::kOk;
  for (size_t i = 0; i < t.elementCount; ++i) {
    int32_t v = 0;
    if (t.type == TensorType::kInt32) {
      std::memcpy(&v, t.constData + 4 * i, sizeof v);
    } else {
      v = static_cast<int8_t>(t.constData[i]) - t.zeroPoint();
    }
    if (v == 0)
      return ctx.failValue(Status::kBadOpParams, "input2 (divisor is 0)", static_cast<int64_t>(i),
                           t.index);
  }
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kDivOptions)) != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), output = ctx.output(0);
  const TensorType type = output.type;
  if ((s = requireType(ctx, in1, in2.type, "input1")) != Status::kOk ||
      (s = requireType(ctx, in1, type, "input1")) != Status::kOk) {
    return s;
  }
  if (type != TensorType::kInt8 && type != TensorType::kInt32 && type != TensorType::kFloat32)
    return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(type),
                         output.index);
  DivOpData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = type;
  const uint8_t activation = ctx.options().u8(schema::div_options::kActivation);
  if (type == TensorType::kFloat32) {
    // IEEE division (a zero divisor gives an infinity or NaN, as in TFLM), then the clamp.
    activationRangeFloat(activation, &d->floatMin, &d->floatMax);
    return prepareElementwise(ctx, in1, in2, output, kMaxBroadcastRank, &d->layout);
  }
  if (type == TensorType::kInt32) {
    if (in1.numChannels() != 0) return ctx.fail(Status::kBadQuantization, "input1", in1.index);
    if (in2.numChannels() != 0) return ctx.fail(Status::kBadQuantization, "input2", in2.index);
    activationRangeInt32(activation, &d->actMin, &d->actMax);
  } else {
    if ((s = requirePerTensorQuantOf(ctx, in1, type, "input1")) != Status::kOk ||
        (s = requirePerTensorQuantOf(ctx, in2, type, "input2")) != Status::kOk ||
        (s = requirePerTensorQuantOf(ctx, output, type, "output")) != Status::kOk ||
        (s = activationRangeOf(ctx, activation, output, &d->actMin, &d->actMax)) != Status::kOk) {
      return s;
    }
    d->input1Offset = -in1.zeroPoint();
    d->input2Offset = -in2.zeroPoint();
    d->outputOffset = output.zeroPoint();
    // TFLM forms the multiplier in float, then widens it.
    const float real = in1.scale() / (in2.scale() * output.scale());
    int shift = 0;
    if (!quant::quantizeMultiplier(static_cast<double>(real), &d->multiplier, &shift))
      return ctx.fail(Status::kBadQuantization, "scale", output.index);
    d->shift = shift;
  }
  if ((s = checkConstantDivisor(ctx, in2)) != Status::kOk) return s;
  return prepareElementwise(ctx, in1, in2, output, kMaxBroadcastRank, &d->layout);
}

// TFLM's RoundingDivideByPOT as its x86-64 reference build executes it. The int8 quotient's
// shift can leave [0, 31] (small dividend and large divisor, or the reverse), which is undefined
// in C++; the x86 code shifts the 64-bit rounding mask by the exponent mod 64 and the value by
// the exponent mod 32. Spelled out so every build of tinyscope gives the oracle's bytes without
// undefined behaviour.
int32_t roundingDivideByPOTAsTflm(int32_t x, int exponent) {
  const auto e = static_cast<unsigned>(exponent);
  const auto mask = static_cast<int32_t>(static_cast<uint32_t>((uint64_t{1} << (e & 63u)) - 1));
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> (e & 31u)) + (remainder > threshold ? 1 : 0);
}

int32_t divideInt8(const DivOpData* d, int8_t x, int8_t y) {
  int32_t num = d->input1Offset + x;
  int32_t den = d->input2Offset + y;
  if (den == 0) {
    return num > 0 ? d->actMax : (num < 0 ? d->actMin : d->outputOffset);
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int recipShift = 0;
  const int32_t inverse = fixed::reciprocal(den, 31, &recipShift);
  const int headroom = num == 0 ? 31 : __builtin_clrsb(num);
  const int32_t unscaled =
      quant::multiplyByQuantizedMultiplierGreaterThanOne(num, inverse, headroom);
  const int totalShift = d->shift - recipShift - headroom;
  const int32_t raw =
      d->outputOffset +
      roundingDivideByPOTAsTflm(quant::saturatingRoundingDoublingHighMul(unscaled, d->multiplier),
                                -totalShift);
  return raw < d->actMin ? d->actMin : (raw > d->actMax ? d->actMax : raw);
}

int32_t divideInt32(const DivOpData* d, int32_t x, int32_t y) {
  int32_t q = 0;
  if (y == -1) {
    q = static_cast<int32_t>(0u - static_cast<uint32_t>(x));
  } else if (y != 0) {
    q = x / y;
  }
  return q < d->actMin ? d->actMin : (q > d->actMax ? d->actMax : q);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const DivOpData*>(ctx.userData());
  if (d->type == TensorType::kInt32) {
    reference::elementwise<int32_t>(ctx, d->layout,
                                    [d](int32_t x, int32_t y) { return divideInt32(d, x, y); });
  } else if (d->type == TensorType::kFloat32) {
    reference::elementwise<float>(ctx, d->layout, [d](float x, float y) {
      return clampActivation(x / y, d->floatMin, d->floatMax);
    });
  } else {
    reference::elementwise<int8_t>(ctx, d->layout, [d](int8_t x, int8_t y) {
      return static_cast<int8_t>(divideInt8(d, x, y));
    });
  }
}

}  // namespace

OpRegistration registerDiv() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kDiv);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
