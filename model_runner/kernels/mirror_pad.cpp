#include "model_runner/kernels/mirror_pad.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct MirrorPadData {
  MirrorPadParams params;
  bool isFloat = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk ||
      (s = requireOptions(ctx, schema::BuiltinOptionsType::kMirrorPadOptions)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), paddings = ctx.input(1), output = ctx.output(0);
  constexpr uint32_t kIndexTypes = typeBit(TensorType::kInt32) | typeBit(TensorType::kInt64);
  if ((s = requireTypeIn(ctx, input, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk ||
      (s = requireTypeIn(ctx, paddings, kIndexTypes, "paddings")) != Status::kOk) {
    return s;
  }
  if (!paddings.isConstant())
    return ctx.fail(Status::kBadOpParams, "paddings (not constant)", paddings.index);
  if (paddings.rank != 2 || paddings.dims[0] != input.rank || paddings.dims[1] != 2 ||
      output.rank != input.rank) {
    return ctx.fail(Status::kShapeMismatch, "paddings", paddings.index);
  }
  const uint8_t mode = ctx.options().u8(schema::mirror_pad_options::kMode);
  if (mode > 1) return ctx.failValue(Status::kBadOpParams, "mode", mode);
  auto* data = static_cast<MirrorPadData*>(ctx.allocatePersistent(sizeof(MirrorPadData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = MirrorPadData();
  ctx.setUserData(data);
  MirrorPadParams& p = data->params;
  p.rank = input.rank;
  p.offset = mode == 0 ? 1 : 0;  // REFLECT skips the edge element, SYMMETRIC repeats it
  for (int32_t d = 0; d < p.rank; ++d) {
    const int64_t before = constantInt(paddings, static_cast<size_t>(2 * d));
    const int64_t after = constantInt(paddings, static_cast<size_t>(2 * d + 1));
    const int64_t limit = int64_t{input.dims[d]} - p.offset;  // beyond it TFLM reads outside
    if (before < 0 || after < 0 || before > limit || after > limit)
      return ctx.failValue(Status::kBadOpParams, "paddings", before > limit ? before : after,
                           paddings.index);
    if (output.dims[d] != before + input.dims[d] + after)
      return ctx.fail(Status::kShapeMismatch, "output", output.index);
    p.inDims[d] = input.dims[d];
    p.outDims[d] = output.dims[d];
    p.before[d] = static_cast<int32_t>(before);
  }
  data->isFloat = input.type == TensorType::kFloat32;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const MirrorPadData*>(ctx.userData());
  if (d->isFloat) {
    reference::mirrorPad(d->params, ctx.inputData<int32_t>(0), ctx.outputData<int32_t>(0));
  } else {
    reference::mirrorPad(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerMirrorPad() {
  return builtinRegistration(schema::BuiltinOperator::kMirrorPad, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
