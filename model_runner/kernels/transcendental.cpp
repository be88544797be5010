#include "model_runner/kernels/transcendental.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct TranscendentalData {
  size_t count = 0;
  TensorType type = TensorType::kFloat32;
  int8_t table[256] = {};  // int8 ELU: output for each input byte
};

Status prepareFloatOnly(OpContext& ctx) {
  Status s = requireUnaryOperands(ctx, typeBit(TensorType::kFloat32));
  TranscendentalData* d = nullptr;
  if (s != Status::kOk || (s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->count = ctx.input(0).elementCount;
  return Status::kOk;
}

float eluOfDequantized(float x) {
  return x < 0.0f ? __builtin_expf(x) - 1.0f : x;
}

Status prepareElu(OpContext& ctx) {
  Status s = requireUnaryOperands(ctx, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8));
  TranscendentalData* d = nullptr;
  if (s != Status::kOk || (s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  d->count = in.elementCount;
  d->type = in.type;
  if (in.type != TensorType::kInt8) return Status::kOk;
  if ((s = requireQuantizedInputOutput(ctx, false)) != Status::kOk) return s;
  // TFLM's PopulateLookupTable, in its float steps.
  const float inverseScale = 1.0f / out.scale();
  for (int32_t q = -128; q <= 127; ++q) {
    const float dequantized = in.scale() * static_cast<float>(q - in.zeroPoint());
    const float rescaled = quant::roundHalfAway(eluOfDequantized(dequantized) * inverseScale);
    const int32_t v = quant::truncateToInt32LikeX86(
        static_cast<double>(rescaled + static_cast<float>(out.zeroPoint())));
    d->table[static_cast<uint8_t>(q)] = saturateTo<int8_t>(v);
  }
  return Status::kOk;
}

void invokeElu(const OpContext& ctx) {
  const auto* d = static_cast<const TranscendentalData*>(ctx.userData());
  if (d->type == TensorType::kInt8) {
    const int8_t* table = d->table;
    mapUnary<int8_t>(ctx, d->count, [table](int8_t x) { return table[static_cast<uint8_t>(x)]; });
  } else {
    mapUnary<float>(ctx, d->count, [](float x) { return x < 0.0f ? __builtin_expm1f(x) : x; });
  }
}

void invokeExp(const OpContext& ctx) {
  const auto* d = static_cast<const TranscendentalData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return __builtin_expf(x); });
}

void invokeLog(const OpContext& ctx) {
  const auto* d = static_cast<const TranscendentalData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return __builtin_logf(x); });
}

void invokeSin(const OpContext& ctx) {
  const auto* d = static_cast<const TranscendentalData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return __builtin_sinf(x); });
}

void invokeCos(const OpContext& ctx) {
  const auto* d = static_cast<const TranscendentalData*>(ctx.userData());
  mapUnary<float>(ctx, d->count, [](float x) { return __builtin_cosf(x); });
}

}  // namespace

OpRegistration registerElu() {
  return builtinRegistration(schema::BuiltinOperator::kElu, prepareElu, invokeElu);
}
OpRegistration registerExp() {
  return builtinRegistration(schema::BuiltinOperator::kExp, prepareFloatOnly, invokeExp);
}
OpRegistration registerLog() {
  return builtinRegistration(schema::BuiltinOperator::kLog, prepareFloatOnly, invokeLog);
}

OpRegistration registerSin() {
  return builtinRegistration(schema::BuiltinOperator::kSin, prepareFloatOnly, invokeSin);
}
OpRegistration registerCos() {
  return builtinRegistration(schema::BuiltinOperator::kCos, prepareFloatOnly, invokeCos);
}

}  // namespace tinyscope::runner::kernels
