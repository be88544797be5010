#include "model_runner/kernels/fully_connected.h"

namespace tinyscope::runner::kernels {

Status prepareFullyConnectedOp(OpContext& ctx, FullyConnectedOpData** out) {
  using namespace schema::fully_connected_options;
  Status s = requireArity(ctx, 2, 3, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kFullyConnectedOptions)) != Status::kOk)
    return s;
  const TensorDesc input = ctx.input(0), filter = ctx.input(1), output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kInt8, "input")) != Status::kOk ||
      (s = requireType(ctx, filter, TensorType::kInt8, "filter")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
      (s = requireRank(ctx, filter, 2, "filter")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  if (filter.zeroPoint() < -128 || filter.zeroPoint() > 127) {
    return ctx.failValue(Status::kBadQuantization, "filter zero_point", filter.zeroPoint(),
                         filter.index);
  }
  const fb::Table& o = ctx.options();
  if (o.u8(kWeightsFormat) != 0)
    return ctx.failValue(Status::kBadOpParams, "weights_format", o.u8(kWeightsFormat));
  auto* data =
      static_cast<FullyConnectedOpData*>(ctx.allocatePersistent(sizeof(FullyConnectedOpData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = FullyConnectedOpData();
  ctx.setUserData(data);
  *out = data;
  data->outputDepth = filter.dims[0];
  data->accumDepth = filter.dims[1];
  if (output.rank < 1 || output.dims[output.rank - 1] != data->outputDepth ||
      data->outputDepth <= 0) {
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  }
  data->batches =
      static_cast<int32_t>(output.elementCount / static_cast<size_t>(data->outputDepth));
  if (static_cast<size_t>(data->batches) * static_cast<size_t>(data->accumDepth) !=
      input.elementCount) {
    return ctx.fail(Status::kShapeMismatch, "input", input.index);
  }
  FullyConnectedParams& p = data->params;
  p.inputOffset = -input.zeroPoint();
  p.filterOffset = -filter.zeroPoint();
  p.outputOffset = output.zeroPoint();
  if ((s = activationRange(ctx, o.u8(kActivation), output, &p.actMin, &p.actMax)) != Status::kOk)
    return s;
  if (ctx.hasInput(2)) {
    if ((s = checkBias(ctx, ctx.input(2), data->outputDepth)) != Status::kOk) return s;
    data->hasBias = true;
  }
  if (filter.numChannels() > 1) {
    data->perChannel = true;
    return populatePerChannel(ctx, input, filter, output, data->outputDepth, &data->quant);
  }
  if (filter.numChannels() != 1) return ctx.fail(Status::kBadQuantization, "filter", filter.index);
  const double real = static_cast<double>(input.scale()) * static_cast<double>(filter.scale()) /
                      static_cast<double>(output.scale());
  int shift = 0;
  if (!quant::quantizeMultiplier(real, &data->multiplier, &shift)) {
    return ctx.fail(Status::kBadQuantization, "effective scale", filter.index);
  }
  data->shift = shift;
  return Status::kOk;
}

namespace {

Status prepare(OpContext& ctx) {
  FullyConnectedOpData* data = nullptr;
  return prepareFullyConnectedOp(ctx, &data);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const FullyConnectedOpData*>(ctx.userData());
  const int32_t* multipliers = d->perChannel ? d->quant.multipliers : &d->multiplier;
  const int32_t* shifts = d->perChannel ? d->quant.shifts : &d->shift;
  reference::fullyConnected(
      d->params, multipliers, shifts, d->perChannel, d->batches, d->accumDepth, d->outputDepth,
      ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1),
      d->hasBias ? ctx.inputData<int32_t>(2) : nullptr, ctx.outputData<int8_t>(0));
}

}  // namespace

OpRegistration registerFullyConnected() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kFullyConnected);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
