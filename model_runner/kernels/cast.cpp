#include "model_runner/kernels/cast.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct CastOpData {
  TensorType from = TensorType::kInt8;
  TensorType to = TensorType::kInt8;
  size_t count = 0;
};

bool castable(TensorType t) {
  switch (t) {
    case TensorType::kInt8:
    case TensorType::kUInt8:
    case TensorType::kInt16:
    case TensorType::kUInt16:
    case TensorType::kInt32:
    case TensorType::kUInt32:
    case TensorType::kInt64:
    case TensorType::kFloat32:
    case TensorType::kBool:
      return true;
    default:
      return false;
  }
}

// A source value widened without loss: integers as int64 (uint32 fits), floats as double.
struct Wide {
  int64_t i = 0;
  double f = 0.0;
  bool isFloat = false;
};

Wide load(TensorType t, const uint8_t* p) {
  Wide w;
  switch (t) {
    case TensorType::kInt8:
      w.i = static_cast<int8_t>(*p);
      break;
    case TensorType::kUInt8:
    case TensorType::kBool:
      w.i = *p;
      break;
    case TensorType::kInt16: {
      int16_t v;
      std::memcpy(&v, p, sizeof v);
      w.i = v;
      break;
    }
    case TensorType::kUInt16: {
      uint16_t v;
      std::memcpy(&v, p, sizeof v);
      w.i = v;
      break;
    }
    case TensorType::kInt32: {
      int32_t v;
      std::memcpy(&v, p, sizeof v);
      w.i = v;
      break;
    }
    case TensorType::kUInt32: {
      uint32_t v;
      std::memcpy(&v, p, sizeof v);
      w.i = v;
      break;
    }
    case TensorType::kInt64:
      std::memcpy(&w.i, p, sizeof w.i);
      break;
    default: {
      float v;
      std::memcpy(&v, p, sizeof v);
      w.f = v;
      w.isFloat = true;
      break;
    }
  }
  return w;
}

void store(TensorType t, const Wide& w, uint8_t* p) {
  if (t == TensorType::kFloat32) {
    const float v = w.isFloat ? static_cast<float>(w.f) : static_cast<float>(w.i);
    std::memcpy(p, &v, sizeof v);
    return;
  }
  if (t == TensorType::kBool) {
    *p = (w.isFloat ? w.f != 0.0 : w.i != 0) ? 1 : 0;
    return;
  }
  int64_t i = w.i;
  if (w.isFloat) {
    constexpr double kLimit = 9223372036854775808.0;  // 2^63
    i = (w.f > -kLimit && w.f < kLimit) ? static_cast<int64_t>(w.f) : (-9223372036854775807 - 1);
  }
  // Narrowing keeps the low bytes (two's complement), little-endian.
  const auto u = static_cast<uint64_t>(i);
  const size_t n = schema::tensorTypeSize(t);
  for (size_t b = 0; b < n; ++b) p[b] = static_cast<uint8_t>(u >> (8 * b));
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kCastOptions)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if (!castable(input.type))
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  if (!castable(output.type))
    return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(output.type),
                         output.index);
  if (input.elementCount != output.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  auto* d = static_cast<CastOpData*>(ctx.allocatePersistent(sizeof(CastOpData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = CastOpData();
  ctx.setUserData(d);
  d->from = input.type;
  d->to = output.type;
  d->count = input.elementCount;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const CastOpData*>(ctx.userData());
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  const size_t inSize = schema::tensorTypeSize(d->from);
  const size_t outSize = schema::tensorTypeSize(d->to);
  for (size_t i = 0; i < d->count; ++i) store(d->to, load(d->from, in + i * inSize), out + i * outSize);
}

}  // namespace

OpRegistration registerCast() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCast);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
