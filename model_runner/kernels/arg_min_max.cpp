#include "model_runner/kernels/arg_min_max.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct ArgData {
  int32_t outer = 1, axisSize = 1, inner = 1;
  bool isFloat = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), axis = ctx.input(1), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, input, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, axis, TensorType::kInt32, "axis")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt32, "output")) != Status::kOk) {
    return s;
  }
  if (!axis.isConstant()) return ctx.fail(Status::kBadOpParams, "axis (not constant)", axis.index);
  if (axis.elementCount < 1) return ctx.fail(Status::kShapeMismatch, "axis", axis.index);
  const int32_t raw = quant::loadInt32(axis.constData);
  const int32_t at = raw < 0 ? raw + input.rank : raw;
  if (at < 0 || at >= input.rank)
    return ctx.failValue(Status::kBadOpParams, "axis", raw, axis.index);
  bool same = output.rank == input.rank - 1;
  for (int32_t d = 0, o = 0; same && d < input.rank; ++d) {
    if (d != at) same = output.dims[o++] == input.dims[d];
  }
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  auto* data = static_cast<ArgData*>(ctx.allocatePersistent(sizeof(ArgData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = ArgData();
  ctx.setUserData(data);
  for (int32_t d = 0; d < at; ++d) data->outer *= input.dims[d];
  data->axisSize = input.dims[at];
  for (int32_t d = at + 1; d < input.rank; ++d) data->inner *= input.dims[d];
  data->isFloat = input.type == TensorType::kFloat32;
  return Status::kOk;
}

template <bool kMax>
void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const ArgData*>(ctx.userData());
  if (d->axisSize == 0) return;
  if (d->isFloat) {
    reference::argMinMax<float, kMax>(ctx.inputData<float>(0), d->outer, d->axisSize, d->inner,
                                      ctx.outputData<int32_t>(0));
  } else {
    reference::argMinMax<int8_t, kMax>(ctx.inputData<int8_t>(0), d->outer, d->axisSize, d->inner,
                                       ctx.outputData<int32_t>(0));
  }
}

}  // namespace

OpRegistration registerArgMax() {
  return builtinRegistration(schema::BuiltinOperator::kArgMax, prepare, invoke<true>);
}

OpRegistration registerArgMin() {
  OpRegistration r = registerArgMax();
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kArgMin);
  r.invoke = invoke<false>;
  return r;
}

}  // namespace tinyscope::runner::kernels
