#include "model_runner/kernels/mean.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

enum class Reducer : uint8_t { kMean, kSum, kMax, kMin };

Status prepareReducer(OpContext& ctx, Reducer reducer) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kReducerOptions)) != Status::kOk)
    return s;
  const TensorDesc input = ctx.input(0), axis = ctx.input(1), output = ctx.output(0);
  const bool extreme = reducer == Reducer::kMax || reducer == Reducer::kMin;
  const bool typeOk = extreme
                          ? input.type == TensorType::kInt8 || input.type == TensorType::kFloat32
                          : input.type == TensorType::kInt8 || input.type == TensorType::kInt16 ||
                                input.type == TensorType::kFloat32;
  if (!typeOk) {
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(input.type),
                         input.index);
  }
  if ((s = requireType(ctx, output, input.type, "output")) != Status::kOk ||
      (s = requireType(ctx, axis, TensorType::kInt32, "axis")) != Status::kOk) {
    return s;
  }
  if (input.type == TensorType::kInt8 &&
      ((s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
       (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk)) {
    return s;
  }
  if (extreme && input.type == TensorType::kInt8) {
    if (input.scale() != output.scale())
      return ctx.fail(Status::kBadQuantization, "output scale (differs from the input's)",
                      output.index);
    if (input.zeroPoint() != output.zeroPoint())
      return ctx.failValue(Status::kBadQuantization, "output zero point (differs from the input's)",
                           output.zeroPoint(), output.index);
  }
  const bool quantized = input.type != TensorType::kFloat32;
  if (quantized && (input.numChannels() != 1 || output.numChannels() != 1 ||
                    !(input.scale() > 0.0f && input.scale() < 1e30f) ||
                    !(output.scale() > 0.0f && output.scale() < 1e30f))) {
    return ctx.fail(Status::kBadQuantization, "scale", output.index);
  }
  if (!axis.isConstant()) return ctx.fail(Status::kBadOpParams, "axis (not constant)", axis.index);
  if (axis.rank > 1) return ctx.fail(Status::kShapeMismatch, "axis", axis.index);

  auto* data = static_cast<MeanOpData*>(ctx.allocatePersistent(sizeof(MeanOpData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = MeanOpData();
  ctx.setUserData(data);
  MeanParams& p = data->params;
  p.rank = input.rank;
  for (int32_t d = 0; d < p.rank; ++d) p.inDims[d] = input.dims[d];
  for (size_t i = 0; i < axis.elementCount; ++i) {
    int32_t a = quant::loadInt32(axis.constData + 4 * i);
    if (a < 0) a += p.rank;
    if (a < 0 || a >= p.rank) return ctx.failValue(Status::kBadOpParams, "axis", a, axis.index);
    p.reduced[a] = true;
  }
  size_t outCount = 1;
  int64_t reducedCount = 1;
  int32_t keptRank = 0;
  for (int32_t d = 0; d < p.rank; ++d) {
    if (p.reduced[d]) {
      reducedCount *= input.dims[d];
    } else {
      outCount *= static_cast<size_t>(input.dims[d]);
      ++keptRank;
    }
  }
  // keep_dims keeps the reduced dimensions as 1s; otherwise they are dropped.
  const bool keepDims = ctx.options().boolean(schema::reducer_options::kKeepDims);
  bool shapeOk = output.elementCount == outCount && reducedCount <= 0x7fffffff;
  if (keepDims) {
    shapeOk = shapeOk && output.rank == p.rank;
    for (int32_t d = 0; shapeOk && d < p.rank; ++d)
      shapeOk = output.dims[d] == (p.reduced[d] ? 1 : input.dims[d]);
  } else if (keptRank > 0) {
    shapeOk = shapeOk && output.rank == keptRank;
  }
  if (!shapeOk) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  p.outputCount = static_cast<int32_t>(outCount);
  data->type = input.type;
  if (extreme) return Status::kOk;
  const size_t tempCount = outCount > 0 ? outCount : 1;
  if (input.type == TensorType::kFloat32) {
    // Row-major sums in float, then (MEAN) one division by the count, as TFLM.
    data->floatDivisor = reducer == Reducer::kMean ? static_cast<float>(reducedCount) : 0.0f;
    return ctx.requestScratch(sizeof(float) * tempCount, &data->temp);
  }
  int shift = 0;
  const double real = static_cast<double>(input.scale()) / static_cast<double>(output.scale());
  if (!quant::quantizeMultiplier(real, &p.multiplier, &shift))
    return ctx.fail(Status::kBadQuantization, "scale");
  p.shift = shift;
  if (reducer == Reducer::kMean) reference::foldCount(reducedCount, &p.multiplier, &p.shift);
  if (p.shift < -31) return ctx.fail(Status::kBadQuantization, "scale");
  p.inputZeroPoint = input.zeroPoint();
  p.outputZeroPoint = output.zeroPoint();
  return ctx.requestScratch(sizeof(int32_t) * (outCount > 0 ? outCount : 1), &data->temp);
}

Status prepareMean(OpContext& ctx) {
  return prepareReducer(ctx, Reducer::kMean);
}
Status prepareSum(OpContext& ctx) {
  return prepareReducer(ctx, Reducer::kSum);
}
Status prepareMax(OpContext& ctx) {
  return prepareReducer(ctx, Reducer::kMax);
}

Status prepareMin(OpContext& ctx) {
  return prepareReducer(ctx, Reducer::kMin);
}

void invokeMin(const OpContext& ctx) {
  const auto* d = static_cast<const MeanOpData*>(ctx.userData());
  if (d->type == TensorType::kFloat32) {
    reference::reduceMin(d->params, ctx.inputData<float>(0), ctx.outputData<float>(0));
  } else {
    reference::reduceMin(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  }
}

void invokeMax(const OpContext& ctx) {
  const auto* d = static_cast<const MeanOpData*>(ctx.userData());
  if (d->type == TensorType::kFloat32) {
    reference::reduceMax(d->params, ctx.inputData<float>(0), ctx.outputData<float>(0));
  } else {
    reference::reduceMax(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  }
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MeanOpData*>(ctx.userData());
  if (d->type == TensorType::kFloat32) {
    reference::meanFloat(d->params, d->floatDivisor, ctx.inputData<float>(0),
                         ctx.outputData<float>(0), static_cast<float*>(d->temp));
  } else if (d->type == TensorType::kInt16) {
    reference::mean(d->params, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0),
                    static_cast<int32_t*>(d->temp));
  } else {
    reference::mean(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0),
                    static_cast<int32_t*>(d->temp));
  }
}

}  // namespace

OpRegistration registerMean() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kMean);
  r.prepare = prepareMean;
  r.invoke = invoke;
  return r;
}

OpRegistration registerSum() {
  OpRegistration r = registerMean();
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kSum);
  r.prepare = prepareSum;
  return r;
}

OpRegistration registerReduceMax() {
  return builtinRegistration(schema::BuiltinOperator::kReduceMax, prepareMax, invokeMax);
}

OpRegistration registerReduceMin() {
  return builtinRegistration(schema::BuiltinOperator::kReduceMin, prepareMin, invokeMin);
}

}  // namespace tinyscope::runner::kernels
