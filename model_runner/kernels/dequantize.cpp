#include "model_runner/kernels/dequantize.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct DequantizeData {
  double scale = 0.0;
  int32_t zeroPoint = 0;
  size_t count = 0;
  bool is16 = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if (input.type != TensorType::kInt8 && input.type != TensorType::kInt16) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  if ((s = requireType(ctx, output, TensorType::kFloat32, "output")) != Status::kOk) return s;
  if (input.elementCount != output.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  DequantizeData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->scale = static_cast<double>(input.scale());
  d->zeroPoint = input.zeroPoint();
  d->count = input.elementCount;
  d->is16 = input.type == TensorType::kInt16;
  return Status::kOk;
}

template <typename T>
void dequantize(const DequantizeData& d, const T* in, float* out) {
  for (size_t i = 0; i < d.count; ++i) {
    const int32_t q = static_cast<int32_t>(in[i]) - d.zeroPoint;
    out[i] = static_cast<float>(d.scale * static_cast<double>(q));
  }
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const DequantizeData*>(ctx.userData());
  if (d->is16) {
    dequantize(*d, ctx.inputData<int16_t>(0), ctx.outputData<float>(0));
  } else {
    dequantize(*d, ctx.inputData<int8_t>(0), ctx.outputData<float>(0));
  }
}

}  // namespace

OpRegistration registerDequantize() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kDequantize);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
