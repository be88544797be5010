#include "model_runner/kernels/svdf.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr uint32_t kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4;
using SvdfData = SvdfOpData;

// The reference computes both effective scales in float, then widens to double.
Status effectiveScale(const OpContext& ctx, float a, float b, float c, int32_t* multiplier,
                      int32_t* shift, const char* field) {
  const double real = static_cast<double>(a * b / c);
  int s = 0;
  if (!quant::quantizeMultiplier(real, multiplier, &s))
    return ctx.fail(Status::kBadQuantization, field);
  *shift = s;
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 4, 5, 1);
  if (s != Status::kOk) return s;
  if (!ctx.hasInput(kState)) return ctx.failValue(Status::kBadOpArity, "inputs", kState);
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kSVDFOptions)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(kInput), wf = ctx.input(kWeightsFeature),
                   wt = ctx.input(kWeightsTime);
  const TensorDesc state = ctx.input(kState), output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kInt8, "input")) != Status::kOk ||
      (s = requireType(ctx, wf, TensorType::kInt8, "weights_feature")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
      (s = requireRank(ctx, input, 2, "input")) != Status::kOk ||
      (s = requireRank(ctx, wf, 2, "weights_feature")) != Status::kOk ||
      (s = requireRank(ctx, wt, 2, "weights_time")) != Status::kOk ||
      (s = requireRank(ctx, state, 2, "activation_state")) != Status::kOk ||
      (s = requireRank(ctx, output, 2, "output")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  if (wt.type != TensorType::kInt8 && wt.type != TensorType::kInt16) {
    return ctx.failValue(Status::kUnsupportedOpType, "weights_time", static_cast<int64_t>(wt.type),
                         wt.index);
  }
  if ((s = requireType(ctx, state, wt.type, "activation_state")) != Status::kOk) return s;
  if (!state.isVariable)
    return ctx.fail(Status::kBadOpParams, "activation_state is_variable", state.index);
  const int64_t stateZp = state.zeroPoints.size() > 0 ? state.zeroPoints.i64(0) : 0;
  if (state.numChannels() != 1 || !(state.scale() > 0.0f && state.scale() < 1e30f) ||
      stateZp < -32768 || stateZp > 32767 || wf.numChannels() != 1 || wt.numChannels() != 1) {
    return ctx.fail(Status::kBadQuantization, "activation_state", state.index);
  }

  auto* data = static_cast<SvdfData*>(ctx.allocatePersistent(sizeof(SvdfData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = SvdfData();
  ctx.setUserData(data);
  SvdfParams& p = data->params;
  p.rank = ctx.options().i32(schema::svdf_options::kRank, 0);
  p.batches = input.dims[0];
  p.inputSize = input.dims[1];
  p.filters = wf.dims[0];
  p.memory = wt.dims[1];
  if (p.rank <= 0 || p.filters <= 0 || p.filters % p.rank != 0) {
    return ctx.failValue(Status::kBadOpParams, "rank", p.rank);
  }
  p.units = p.filters / p.rank;
  if (wf.dims[1] != p.inputSize)
    return ctx.fail(Status::kShapeMismatch, "weights_feature", wf.index);
  if (wt.dims[0] != p.filters || p.memory <= 0)
    return ctx.fail(Status::kShapeMismatch, "weights_time", wt.index);
  if (state.dims[0] != p.batches ||
      static_cast<int64_t>(state.dims[1]) != int64_t{p.memory} * p.filters) {
    return ctx.fail(Status::kShapeMismatch, "activation_state", state.index);
  }
  if (output.dims[0] != p.batches || output.dims[1] != p.units) {
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  }
  if (ctx.hasInput(kBias)) {
    const TensorDesc bias = ctx.input(kBias);
    if ((s = checkBias(ctx, bias, p.units)) != Status::kOk) return s;
    const double expected = static_cast<double>(state.scale() * wt.scale());
    const double diff = static_cast<double>(bias.scale()) - expected;
    if (diff > 1e-5 || diff < -1e-5)
      return ctx.fail(Status::kBadQuantization, "bias scale", bias.index);
    data->hasBias = true;
  }
  p.inputZeroPoint = input.zeroPoint();
  p.stateZeroPoint = static_cast<int32_t>(stateZp);
  p.outputZeroPoint = output.zeroPoint();
  if ((s = effectiveScale(ctx, input.scale(), wf.scale(), state.scale(), &p.multiplier1, &p.shift1,
                          "effective_scale_1")) != Status::kOk ||
      (s = effectiveScale(ctx, state.scale(), wt.scale(), output.scale(), &p.multiplier2, &p.shift2,
                          "effective_scale_2")) != Status::kOk) {
    return s;
  }
  data->int16State = wt.type == TensorType::kInt16;
  // Both scratch buffers live only during this operator's invoke (planned with the activations).
  const size_t batches = static_cast<size_t>(p.batches);
  if ((s = ctx.requestScratch(sizeof(int32_t) * batches * static_cast<size_t>(p.filters),
                              &data->scratch)) != Status::kOk ||
      (s = ctx.requestScratch(sizeof(int32_t) * batches * static_cast<size_t>(p.units),
                              &data->scratchOut)) != Status::kOk) {
    return s;
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const SvdfData*>(ctx.userData());
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(kBias) : nullptr;
  void* state = ctx.data(ctx.inputIndex(kState));
  if (d->int16State) {
    reference::svdfInteger(d->params, ctx.inputData<int8_t>(kInput),
                           ctx.inputData<int8_t>(kWeightsFeature),
                           ctx.inputData<int16_t>(kWeightsTime), bias, static_cast<int16_t*>(state),
                           static_cast<int32_t*>(d->scratch), static_cast<int32_t*>(d->scratchOut),
                           ctx.outputData<int8_t>(0));
  } else {
    reference::svdfInteger(d->params, ctx.inputData<int8_t>(kInput),
                           ctx.inputData<int8_t>(kWeightsFeature),
                           ctx.inputData<int8_t>(kWeightsTime), bias, static_cast<int8_t*>(state),
                           static_cast<int32_t*>(d->scratch), static_cast<int32_t*>(d->scratchOut),
                           ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerSvdf() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kSvdf);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
