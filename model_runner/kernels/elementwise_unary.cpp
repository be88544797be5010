#include "model_runner/kernels/elementwise_unary.h"

#include <cstring>

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

// One input and one output of the same type and size; `allowed` lists the input types.
Status prepareSameType(OpContext& ctx, const TensorType* allowed, size_t numAllowed,
                       UnaryOpData** out) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in = ctx.input(0), output = ctx.output(0);
  bool ok = false;
  for (size_t i = 0; i < numAllowed; ++i) ok = ok || in.type == allowed[i];
  if (!ok)
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(in.type),
                         in.index);
  if ((s = requireType(ctx, output, in.type, "output")) != Status::kOk) return s;
  if (in.elementCount != output.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  if ((s = allocateOpData(ctx, out)) != Status::kOk) return s;
  (*out)->count = in.elementCount;
  (*out)->type = in.type;
  return Status::kOk;
}

OpRegistration makeRegistration(schema::BuiltinOperator op, Status (*prepare)(OpContext&),
                                void (*invoke)(const OpContext&)) {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(op);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

template <typename F>
void mapFloat(const OpContext& ctx, size_t count, F f) {
  const float* in = ctx.inputData<float>(0);
  float* out = ctx.outputData<float>(0);
  for (size_t i = 0; i < count; ++i) out[i] = f(in[i]);
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

// --- ABS ---------------------------------------------------------------------------------------

Status prepareAbs(OpContext& ctx) {
  static const TensorType kTypes[] = {TensorType::kFloat32, TensorType::kInt8, TensorType::kInt16};
  UnaryOpData* d = nullptr;
  Status s = prepareSameType(ctx, kTypes, 3, &d);
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
        const int16_t* in = ctx.inputData<int16_t>(0);
        int16_t* out = ctx.outputData<int16_t>(0);
        for (size_t i = 0; i < d->count; ++i)
          out[i] = static_cast<int16_t>(in[i] < 0 ? -int32_t{in[i]} : int32_t{in[i]});
      }
      break;
    default:
      mapFloat(ctx, d->count, absFloat);
      break;
  }
}

// --- NEG, FLOOR, SQRT (float32) ----------------------------------------------------------------

Status prepareFloatOnly(OpContext& ctx) {
  static const TensorType kTypes[] = {TensorType::kFloat32};
  UnaryOpData* d = nullptr;
  return prepareSameType(ctx, kTypes, 1, &d);
}

void invokeNeg(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapFloat(ctx, d->count, [](float x) { return -x; });
}

void invokeFloor(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapFloat(ctx, d->count, floorFloat);
}

void invokeSqrt(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  mapFloat(ctx, d->count, [](float x) { return __builtin_sqrtf(x); });
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
  static const TensorType kTypes[] = {TensorType::kFloat32, TensorType::kInt8};
  UnaryOpData* d = nullptr;
  Status s = prepareSameType(ctx, kTypes, 2, &d);
  if (s != Status::kOk || d->type == TensorType::kFloat32) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  if ((s = requireQuantizedTensor(ctx, in, "input", false)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, out, "output", false)) != Status::kOk) {
    return s;
  }
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

void invokeRsqrt(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  if (d->type == TensorType::kFloat32) {
    mapFloat(ctx, d->count, [](float x) { return 1.0f / __builtin_sqrtf(x); });
    return;
  }
  constexpr int kShift = 20;  // keeps 1 / sqrt(x) an integer in between
  const int8_t* in = ctx.inputData<int8_t>(0);
  int8_t* out = ctx.outputData<int8_t>(0);
  for (size_t i = 0; i < d->count; ++i) {
    const int32_t x = int32_t{in[i]} - d->inputZeroPoint;
    if (x == 0) {
      out[i] = 127;
      continue;
    }
    int32_t m = 0;
    int shift = 0;
    invSqrtMultiplier(x, &m, &shift);
    const int32_t scaled = quant::multiplyByQuantizedMultiplier(1, m, shift + kShift);
    const int32_t y =
        quant::multiplyByQuantizedMultiplier(scaled, d->multiplier, d->shift - kShift);
    out[i] = saturateTo<int8_t>(int64_t{y} + d->outputZeroPoint);
  }
}

// --- LOGICAL_NOT -------------------------------------------------------------------------------

Status prepareLogicalNot(OpContext& ctx) {
  static const TensorType kTypes[] = {TensorType::kBool};
  UnaryOpData* d = nullptr;
  return prepareSameType(ctx, kTypes, 1, &d);
}

void invokeLogicalNot(const OpContext& ctx) {
  const auto* d = static_cast<const UnaryOpData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  for (size_t i = 0; i < d->count; ++i) out[i] = in[i] == 0 ? 1 : 0;
}

}  // namespace

OpRegistration registerAbs() {
  return makeRegistration(schema::BuiltinOperator::kAbs, prepareAbs, invokeAbs);
}
OpRegistration registerNeg() {
  return makeRegistration(schema::BuiltinOperator::kNeg, prepareFloatOnly, invokeNeg);
}
OpRegistration registerFloor() {
  return makeRegistration(schema::BuiltinOperator::kFloor, prepareFloatOnly, invokeFloor);
}
OpRegistration registerSqrt() {
  return makeRegistration(schema::BuiltinOperator::kSqrt, prepareFloatOnly, invokeSqrt);
}
OpRegistration registerRsqrt() {
  return makeRegistration(schema::BuiltinOperator::kRsqrt, prepareRsqrt, invokeRsqrt);
}
OpRegistration registerLogicalNot() {
  return makeRegistration(schema::BuiltinOperator::kLogicalNot, prepareLogicalNot,
                          invokeLogicalNot);
}

}  // namespace tinyscope::runner::kernels
