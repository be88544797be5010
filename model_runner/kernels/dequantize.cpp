#include "model_runner/kernels/dequantize.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct DequantizeData {
  bool is16 = false;
  int32_t zeroPoint = 0;
  double scale = 0.0;
  size_t count = 0;
};

Status prepare(OpContext& ctx) {
  static constexpr TensorType kFloat = TensorType::kFloat32;
  Status s =
      requireUnaryOperands(ctx, typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16), &kFloat);
  DequantizeData* d = nullptr;
  if (s != Status::kOk || (s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0);
  d->scale = static_cast<double>(input.scale());
  d->zeroPoint = input.zeroPoint();
  d->count = input.elementCount;
  d->is16 = input.type == TensorType::kInt16;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const DequantizeData*>(ctx.userData());
  const double scale = d->scale;
  const int32_t zeroPoint = d->zeroPoint;
  auto dequantize = [scale, zeroPoint](int32_t q) {
    return static_cast<float>(scale * static_cast<double>(q - zeroPoint));
  };
  if (d->is16) {
    mapUnary<int16_t, float>(ctx, d->count, dequantize);
  } else {
    mapUnary<int8_t, float>(ctx, d->count, dequantize);
  }
}

}  // namespace

OpRegistration registerDequantize() {
  return builtinRegistration(schema::BuiltinOperator::kDequantize, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
