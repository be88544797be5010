#include "model_runner/kernels/elementwise_util.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

Status prepareBinaryLayout(const OpContext& ctx, const TensorDesc& in1, const TensorDesc& in2,
                           const TensorDesc& output, uint32_t maxRank, BinaryLayout* layout) {
  *layout = BinaryLayout();
  bool same = in1.rank == in2.rank;
  for (uint32_t i = 0; same && i < in1.rank; ++i) same = in1.dims[i] == in2.dims[i];
  if (same) {
    if (output.elementCount != in1.elementCount)
      return ctx.fail(Status::kShapeMismatch, "output", output.index);
    layout->count = in1.elementCount;
    return Status::kOk;
  }
  if (in1.rank > maxRank) return ctx.failValue(Status::kShapeMismatch, "input1 rank", in1.rank);
  if (in2.rank > maxRank) return ctx.failValue(Status::kShapeMismatch, "input2 rank", in2.rank);
  layout->broadcast = true;
  if (!computeBroadcastShape(in1, in2, output, &layout->shape))
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  return Status::kOk;
}

Status requireQuantizedTensor(const OpContext& ctx, const TensorDesc& t, const char* field,
                              bool int16ZeroPointZero) {
  const float s = t.scale();
  if (t.numChannels() != 1 || !(s > 0.0f && s < 1e30f))
    return ctx.fail(Status::kBadQuantization, field, t.index);
  const int64_t zp = t.zeroPoints.size() > 0 ? t.zeroPoints.i64(0) : 0;
  const bool is16 = t.type == TensorType::kInt16;
  const int64_t lo = is16 ? (int16ZeroPointZero ? 0 : -32768) : -128;
  const int64_t hi = is16 ? (int16ZeroPointZero ? 0 : 32767) : 127;
  if (zp < lo || zp > hi) return ctx.failValue(Status::kBadQuantization, field, zp, t.index);
  return Status::kOk;
}

Status requireUnaryOperands(const OpContext& ctx, uint32_t allowedInputTypes,
                            const TensorType* outputType) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in = ctx.input(0), out = ctx.output(0);
  if ((allowedInputTypes & typeBit(in.type)) == 0)
    return ctx.failValue(Status::kUnsupportedOpType, "input", static_cast<int64_t>(in.type),
                         in.index);
  if ((s = requireType(ctx, out, outputType != nullptr ? *outputType : in.type, "output")) !=
      Status::kOk) {
    return s;
  }
  if (in.elementCount != out.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", out.index);
  return Status::kOk;
}

Status requireQuantizedInputOutput(const OpContext& ctx, bool int16ZeroPointZero) {
  Status s = requireQuantizedTensor(ctx, ctx.input(0), "input", int16ZeroPointZero);
  if (s == Status::kOk)
    s = requireQuantizedTensor(ctx, ctx.output(0), "output", int16ZeroPointZero);
  return s;
}

}  // namespace tinyscope::runner::kernels
