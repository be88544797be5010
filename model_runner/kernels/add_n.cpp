#include "model_runner/kernels/add_n.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int kLeftShift = 20;

struct AddNData {
  size_t count = 0;
  uint32_t inputs = 0;
  bool quantized = false;
  int32_t inputOffset = 0, outputOffset = 0;
  int32_t inputMultiplier = 0, outputMultiplier = 0;
  int inputShift = 0, outputShift = 0;
  void* sums = nullptr;  // int8: count int32 sums
};

Status prepare(OpContext& ctx) {
  const uint32_t n = ctx.numInputs() < 2 ? 2 : ctx.numInputs();
  Status s = requireArity(ctx, n, n, 1);  // at least 2, none absent
  if (s != Status::kOk) return s;
  const TensorDesc first = ctx.input(0), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, first, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, output, first.type, "output")) != Status::kOk) {
    return s;
  }
  if (output.elementCount != first.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  const bool quantized = first.type == TensorType::kInt8;
  for (uint32_t i = 1; i < n; ++i) {
    const TensorDesc in = ctx.input(i);
    if ((s = requireType(ctx, in, first.type, "inputs (all of one type)")) != Status::kOk) return s;
    bool same = in.rank == first.rank;
    for (int32_t d = 0; same && d < in.rank; ++d) same = in.dims[d] == first.dims[d];
    if (!same) return ctx.fail(Status::kShapeMismatch, "inputs (all of one shape)", in.index);
    if (quantized && (in.scale() != first.scale() || in.zeroPoint() != first.zeroPoint()))
      return ctx.fail(Status::kBadQuantization, "inputs (scale and zero point of input 0)",
                      in.index);
  }
  AddNData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->count = output.elementCount;
  d->inputs = n;
  d->quantized = quantized;
  if (!quantized) return Status::kOk;
  if ((s = requireQuantizedTensor(ctx, first, "input", false)) != Status::kOk ||
      (s = requireQuantizedTensor(ctx, output, "output", false)) != Status::kOk) {
    return s;
  }
  d->inputOffset = -first.zeroPoint();
  d->outputOffset = output.zeroPoint();
  const double twiceInputScale = 2.0 * static_cast<double>(first.scale());
  const double realInput = static_cast<double>(first.scale()) / twiceInputScale;
  const double realOutput =
      twiceInputScale / ((1 << kLeftShift) * static_cast<double>(output.scale()));
  if (!quant::quantizeMultiplierSmallerThanOneExp(realInput, &d->inputMultiplier, &d->inputShift)) {
    return ctx.fail(Status::kBadQuantization, "input scale", first.index);
  }
  if (!quant::quantizeMultiplierSmallerThanOneExp(realOutput, &d->outputMultiplier,
                                                  &d->outputShift)) {
    return ctx.fail(Status::kBadQuantization, "output scale (input / output scale >= 2^19)",
                    output.index);
  }
  return ctx.requestScratch(sizeof(int32_t) * d->count, &d->sums);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const AddNData*>(ctx.userData());
  if (!d->quantized) {
    float* out = ctx.outputData<float>(0);
    for (size_t i = 0; i < d->count; ++i) out[i] = 0.0f;
    for (uint32_t j = 0; j < d->inputs; ++j) {
      const float* in = ctx.inputData<float>(j);
      for (size_t i = 0; i < d->count; ++i) out[i] += in[i];
    }
    return;
  }
  auto scaled = [d](int32_t x) {
    return quant::multiplyByQuantizedMultiplierSmallerThanOneExp(x * (1 << kLeftShift),
                                                                 d->inputMultiplier, d->inputShift);
  };
  auto* sums = static_cast<int32_t*>(d->sums);
  const int32_t start = scaled(d->inputOffset);
  for (size_t i = 0; i < d->count; ++i) sums[i] = start;
  for (uint32_t j = 0; j < d->inputs; ++j) {
    const int8_t* in = ctx.inputData<int8_t>(j);
    for (size_t i = 0; i < d->count; ++i)
      sums[i] = quant::wrappingAdd(sums[i], scaled(d->inputOffset + in[i]));
  }
  int8_t* out = ctx.outputData<int8_t>(0);
  for (size_t i = 0; i < d->count; ++i) {
    const int32_t v = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
                          sums[i], d->outputMultiplier, d->outputShift) +
                      d->outputOffset;
    out[i] = saturateTo<int8_t>(v);
  }
}

}  // namespace

OpRegistration registerAddN() {
  return builtinRegistration(schema::BuiltinOperator::kAddN, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
