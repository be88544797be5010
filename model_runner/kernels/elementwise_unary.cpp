#include "model_runner/kernels/elementwise_unary.h"

#include <cstring>
#include <limits>

#include "model_runner/fixed_point.h"
#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct UnaryOpData {
  size_t count = 0;
  TensorType type = TensorType::kFloat32;
  bool quantized = false;
  bool rescale = false;
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier = 0, shift = 0;
};

// One input and one output of the same type (a typeBit() set) and size.
Status prepareSameType(OpContext& ctx, uint32_t allowedTypes, UnaryOpData** out) {
  Status s = requireUnaryOperands(ctx, allowedTypes);
  if (s != Status::kOk || (s = allocateOpData(ctx, out)) != Status::kOk) return s;
  (*out)->count = ctx.input(0).elementCount;
  (*out)->type = ctx.input(0).type;
  return Status::kOk;
}

float absFloat(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  bits &= 0x7fffffffu;
  std::memcpy(&x, &bits, 4);
  return x;
}

// IEEE floor without libm: exact for every float.
float floorFloat(float x) {
  if (!(absFloat(x) < 8388608.0f) || x == 0.0f) return x;  // NaN, inf, integers, +-0
  const auto t = static_cast<float>(static_cast<int32_t>(x));
  return t > x ? t - 1.0f : t;
}

// IEEE ceil by the floor above: exact for every float, -0 for inputs in (-1, 0).
float ceilFloat(float x) {
  return -floorFloat(-x);
}

// TFLite's RoundToNearest: halves go to the even neighbour.
float roundHalfEven(float x) {
  const float down = floorFloat(x);
  const float diff = x - down;
  // diff is 0.5 only for |x| < 2^23, so the conversion below stays in range.
  if (diff < 0.5f || (diff == 0.5f && static_cast<int32_t>(down) % 2 == 0)) return down;
  return down + 1.0f;
}

// --- ABS ---------------------------------------------------------------------------------------

constexpr uint32_t kFloatInt8Int16 =
    typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16);

Status prepareAbs(OpContext& ctx) {
  UnaryOpData* d = nullptr;
  Status s = prepareSameType(ctx, kFloatInt8Int16, &d);
  if (s != Status::kOk || d->type == TensorType::kFloat32) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  // int16 without quantization parameters is a plain integer ABS.
  d->quantized = d->type == TensorType::kInt8 || in.numChannels() != 0;
  if (!d->quantized) return Status::kOk;
  const bool is16 = d->type == TensorType::kInt16;
  if ((s = requireQuantizedTensor(ctx, in, "input", is16)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, out, "output", is16)) != Status::kOk) {
    return s;
  }
  d->inputZeroPoint = in.zeroPoint();
  d->outputZeroPoint = out.zeroPoint();
  d->rescale = in.scale() != out.scale();
  if (!d->rescale) return Status::kOk;
  int shift = 0;
  const double real = static_cast<double>(in.scale()) / static_cast<double>(out.scale());
  if (!quant::quantizeMultiplier(real, &d->multiplier, &shift))
    return ctx.fail(Status::kBadQuantization, "output scale", out.index);
  d->shift = shift;
  return Status::kOk;
}

template <typename T>
void absQuantized(const UnaryOpData& d, const T* in, T* out) {
  for (size_t i = 0; i < d.count; ++i) {
    int32_t v = int32_t{in[i]} - d.inputZeroPoint;
    v = v < 0 ? -v : v;
    if (d.rescale) v = quant::multiplyByQuantizedMultiplier(v, d.multiplier, d.shift);
    out[i] = saturateTo<T>(int64_t{v} + d.outputZeroPoint);
  }
}

void invokeAbs(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt8:
      absQuantized(*d, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
      break;
    case TensorType::kInt16:
      if (d->quantized) {
        absQuantized(*d, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
      } else {
        mapUnary<int16_t>(ctx, d->count, [](int16_t x) {
          return static_cast<int16_t>(x < 0 ? -int32_t{x} : int32_t{x});
        });
      }
      break;
    default:
      mapUnary<float>(ctx, d->count, absFloat);
      break;
  }
}

// --- NEG, FLOOR, SQRT (float32) ----------------------------------------------------------------

Status prepareFloatOnly(OpContext& ctx) {
  UnaryOpData* d = nullptr;
  return prepareSameType(ctx, typeBit(TensorType::kFloat32), &d);
}

void invokeNeg(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return -x; });
}

void invokeFloor(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, floorFloat);
}

void invokeSqrt(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return __builtin_sqrtf(x); });
}

void invokeCeil(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, ceilFloat);
}

void invokeRound(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, roundHalfEven);
}

void invokeSquare(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return x * x; });
}

// --- RSQRT -------------------------------------------------------------------------------------

// TFLite's GetInvSqrtQuantizedMultiplierExp with reverse_shift -1: 1 / sqrt(x) as a Q31
// multiplier and a left shift.
void invSqrtMultiplier(int32_t x, int32_t* multiplier, int* shift) {
  if (x <= 1) {
    *multiplier = quant::kInt32Max;
    *shift = 0;
    return;
  }
  int rightShift = 11;
  while (x >= (1 << 29)) {
    x /= 4;
    ++rightShift;
  }
  const auto maxLeftShiftBits = static_cast<unsigned>(__builtin_clz(static_cast<uint32_t>(x))) - 1u;
  const unsigned leftShiftBitPairs = maxLeftShiftBits / 2 - 1;
  rightShift -= static_cast<int>(leftShiftBitPairs);
  x <<= 2 * leftShiftBitPairs;
  // Newton-Raphson on Q3 values: y = y * (3 - x y^2) / 2, from y = 1.
  const int32_t input = x >> 1;
  const int32_t halfInput = fixed::saturatingRoundingMultiplyByPOT(input, -1);
  const int32_t halfThree = (1 << 28) + (1 << 27);
  int32_t y = 1 << 28;
  for (int i = 0; i < 5; ++i) {
    const int32_t y3 = fixed::rescale(fixed::mul(fixed::mul(y, y), y), 9, 3);
    y = fixed::rescale(fixed::mul(halfThree, y) - fixed::mul(halfInput, y3), 6, 3);
  }
  const int32_t halfSqrt2 = 1518500250;  // sqrt(2) / 2 in Q0
  y = fixed::mul(y, halfSqrt2);
  if (rightShift < 0) {
    y = quant::wrappingShiftLeft(y, -rightShift);
    rightShift = 0;
  }
  *multiplier = y;
  *shift = -rightShift;
}

Status prepareRsqrt(OpContext& ctx) {
  UnaryOpData* d = nullptr;
  Status s = prepareSameType(ctx, kFloatInt8Int16, &d);
  if (s == Status::kOk && d->type != TensorType::kFloat32)
    s = requireQuantizedInputOutput(ctx, d->type == TensorType::kInt16);
  if (s != Status::kOk || d->type == TensorType::kFloat32) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  d->inputZeroPoint = in.zeroPoint();
  d->outputZeroPoint = out.zeroPoint();
  const double real =
      1.0 / (__builtin_sqrt(static_cast<double>(in.scale())) * static_cast<double>(out.scale()));
  int shift = 0;
  if (!quant::quantizeMultiplier(real, &d->multiplier, &shift))
    return ctx.fail(Status::kBadQuantization, "output scale", out.index);
  d->shift = shift;
  return Status::kOk;
}

template <typename T>
T rsqrtQuantized(const UnaryOpData& d, T q) {
  constexpr int kShift = 20;  // keeps 1 / sqrt(x) an integer in between
  const int32_t x = int32_t{q} - d.inputZeroPoint;
  if (x == 0) return std::numeric_limits<T>::max();
  int32_t m = 0;
  int shift = 0;
  invSqrtMultiplier(x, &m, &shift);
  const int32_t scaled = quant::multiplyByQuantizedMultiplier(1, m, shift + kShift);
  const int32_t y = quant::multiplyByQuantizedMultiplier(scaled, d.multiplier, d.shift - kShift);
  return saturateTo<T>(int64_t{y} + d.outputZeroPoint);
}

void invokeRsqrt(const OpContext& ctx) {
  const auto& d = *static_cast<const UnaryOpData*>(ctx.userData());
  if (d.type == TensorType::kInt8) {
    mapUnary<int8_t>(ctx, d.count, [&d](int8_t q) { return rsqrtQuantized(d, q); });
  } else if (d.type == TensorType::kInt16) {
    mapUnary<int16_t>(ctx, d.count, [&d](int16_t q) { return rsqrtQuantized(d, q); });
  } else {
    mapUnary<float>(ctx, d.count, [](float x) { return 1.0f / __builtin_sqrtf(x); });
  }
}

// --- LOGICAL_NOT -------------------------------------------------------------------------------

Status prepareLogicalNot(OpContext& ctx) {
  UnaryOpData* d = nullptr;
  return prepareSameType(ctx, typeBit(TensorType::kBool), &d);
}

void invokeLogicalNot(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapUnary<uint8_t>(ctx, d->count, [](uint8_t x) { return static_cast<uint8_t>(x == 0 ? 1 : 0); });
}

}  // namespace

OpRegistration registerAbs() {
  return builtinRegistration(schema::BuiltinOperator::kAbs, prepareAbs, invokeAbs);
}
OpRegistration registerNeg() {
  return builtinRegistration(schema::BuiltinOperator::kNeg, prepareFloatOnly, invokeNeg);
}
OpRegistration registerFloor() {
  return builtinRegistration(schema::BuiltinOperator::kFloor, prepareFloatOnly, invokeFloor);
}
OpRegistration registerSqrt() {
  return builtinRegistration(schema::BuiltinOperator::kSqrt, prepareFloatOnly, invokeSqrt);
}
OpRegistration registerRsqrt() {
  return builtinRegistration(schema::BuiltinOperator::kRsqrt, prepareRsqrt, invokeRsqrt);
}
OpRegistration registerLogicalNot() {
  return builtinRegistration(schema::BuiltinOperator::kLogicalNot, prepareLogicalNot,
                             invokeLogicalNot);
}

OpRegistration registerCeil() {
  return builtinRegistration(schema::BuiltinOperator::kCeil, prepareFloatOnly, invokeCeil);
}
OpRegistration registerRound() {
  return builtinRegistration(schema::BuiltinOperator::kRound, prepareFloatOnly, invokeRound);
}
OpRegistration registerSquare() {
  return builtinRegistration(schema::BuiltinOperator::kSquare, prepareFloatOnly, invokeSquare);
}

}  // namespace tinyscope::runner::kernels
