#include "model_runner/kernels/cast.h"

#include <type_traits>

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

// One element; integers narrow modulo the target width (two's complement).
template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_same<To, float>::value) {
    return static_cast<float>(v);
  } else if constexpr (std::is_same<From, float>::value) {
    const int64_t i = floatToInteger(v, std::is_same<To, uint32_t>::value);
    return static_cast<To>(static_cast<uint64_t>(i));
  } else {
    return static_cast<To>(static_cast<uint64_t>(static_cast<int64_t>(v)));
  }
}

template <typename From, typename To>
void castAll(const From* in, To* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = convert<To>(in[i]);
}

template <typename From>
void castFrom(TensorType to, const From* in, void* out, size_t n) {
  switch (to) {
    case TensorType::kInt8:
      castAll(in, static_cast<int8_t*>(out), n);
      break;
    case TensorType::kInt16:
      castAll(in, static_cast<int16_t*>(out), n);
      break;
    case TensorType::kInt32:
      castAll(in, static_cast<int32_t*>(out), n);
      break;
    case TensorType::kUInt32:
      castAll(in, static_cast<uint32_t*>(out), n);
      break;
    default:
      castAll(in, static_cast<float*>(out), n);
      break;
  }
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
  void* out = ctx.outputData<uint8_t>(0);
  switch (d->from) {
    case TensorType::kInt8:
      castFrom(d->to, ctx.inputData<int8_t>(0), out, d->count);
      break;
    case TensorType::kInt16:
      castFrom(d->to, ctx.inputData<int16_t>(0), out, d->count);
      break;
    case TensorType::kInt32:
      castFrom(d->to, ctx.inputData<int32_t>(0), out, d->count);
      break;
    case TensorType::kUInt32:
      castFrom(d->to, ctx.inputData<uint32_t>(0), out, d->count);
      break;
    case TensorType::kFloat32:
      castFrom(d->to, ctx.inputData<float>(0), out, d->count);
      break;
    default:  // bool: the stored byte, as the reference build reads it
      castFrom(d->to, ctx.inputData<uint8_t>(0), out, d->count);
      break;
  }
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
