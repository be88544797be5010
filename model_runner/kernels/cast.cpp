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

// TFLM's CAST reads these types...
bool castableFrom(TensorType t) {
  switch (t) {
    case TensorType::kInt8:
    case TensorType::kInt16:
    case TensorType::kInt32:
    case TensorType::kUInt32:
    case TensorType::kFloat32:
    case TensorType::kBool:
      return true;
    default:
      return false;
  }
}

// ... and writes these.
bool castableTo(TensorType t) {
  return castableFrom(t) && t != TensorType::kBool;
}

// A source value widened without loss: integers as int64, floats as double.
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
    case TensorType::kBool:
      w.i = *p;
      break;
    case TensorType::kInt16: {
      int16_t v;
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

// Float to integer as the x86-64 reference build converts (SSE truncation): out of the int32
// range (or NaN) gives INT32_MIN; an unsigned target first takes 2^31 off values >= 2^31 and
// puts the top bit back afterwards.
int64_t floatToInteger(double f, bool toUnsigned) {
  constexpr double kTwo31 = 2147483648.0;
  const auto truncate32 = [](double v) {
    return (v > -kTwo31 - 1.0 && v < kTwo31) ? static_cast<int32_t>(v) : (-2147483647 - 1);
  };
  if (toUnsigned && f >= kTwo31) {
    return static_cast<uint32_t>(truncate32(f - kTwo31)) ^ 0x80000000u;
  }
  return truncate32(f);
}

void store(TensorType t, const Wide& w, uint8_t* p) {
  if (t == TensorType::kFloat32) {
    const float v = w.isFloat ? static_cast<float>(w.f) : static_cast<float>(w.i);
    std::memcpy(p, &v, sizeof v);
    return;
  }
  int64_t i = w.i;
  if (w.isFloat) i = floatToInteger(w.f, t == TensorType::kUInt32);
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
  if (!castableFrom(input.type))
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  if (!castableTo(output.type))
    return ctx.failValue(Status::kUnsupportedOpType, "output", static_cast<int64_t>(output.type),
                         output.index);
  if (input.elementCount != output.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  CastOpData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
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
  for (size_t i = 0; i < d->count; ++i)
    store(d->to, load(d->from, in + i * inSize), out + i * outSize);
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
