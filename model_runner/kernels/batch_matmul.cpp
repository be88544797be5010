#include "model_runner/kernels/batch_matmul.h"

#include "model_runner/kernels/kernel_util.h"

namespace tinyscope::runner::kernels {

namespace {

// Dimension i of t extended on the left with 1s to rank 5.
int32_t dim5(const TensorDesc& t, int i) {
  const int lead = 5 - static_cast<int>(t.rank);
  return i < lead ? 1 : t.dim(static_cast<uint8_t>(i - lead));
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  if ((s = requireOptions(ctx, schema::BuiltinOptionsType::kBatchMatMulOptions)) != Status::kOk)
    return s;
  const TensorDesc lhs = ctx.input(0), rhs = ctx.input(1), output = ctx.output(0);
  constexpr uint32_t kTypes =
      typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8) | typeBit(TensorType::kInt16);
  if ((s = requireSameTypeIn(ctx, lhs, output, kTypes)) != Status::kOk ||
      (s = requireType(ctx, rhs, lhs.type, "rhs")) != Status::kOk) {
    return s;
  }
  if (lhs.rank < 2 || lhs.rank > 5)
    return ctx.failValue(Status::kShapeMismatch, "lhs rank", lhs.rank, lhs.index);
  if (rhs.rank < 2 || rhs.rank > 5)
    return ctx.failValue(Status::kShapeMismatch, "rhs rank", rhs.rank, rhs.index);

  BatchMatmulParams* p = nullptr;
  if ((s = allocateOpData(ctx, &p)) != Status::kOk) return s;
  p->adjX = ctx.options().u8(schema::batch_matmul_options::kAdjX) != 0;
  p->adjY = ctx.options().u8(schema::batch_matmul_options::kAdjY) != 0;
  for (int i = 0; i < 3; ++i) {
    p->lhsBatch[i] = dim5(lhs, i);
    p->rhsBatch[i] = dim5(rhs, i);
    if (p->lhsBatch[i] != p->rhsBatch[i] && p->lhsBatch[i] != 1 && p->rhsBatch[i] != 1)
      return ctx.failValue(Status::kShapeMismatch, "rhs batch dimension", p->rhsBatch[i],
                           rhs.index);
    p->outBatch[i] = p->lhsBatch[i] == 1 ? p->rhsBatch[i] : p->lhsBatch[i];
  }
  p->rows = p->adjX ? dim5(lhs, 4) : dim5(lhs, 3);
  p->depth = p->adjX ? dim5(lhs, 3) : dim5(lhs, 4);
  p->cols = p->adjY ? dim5(rhs, 3) : dim5(rhs, 4);
  const int32_t rhsDepth = p->adjY ? dim5(rhs, 4) : dim5(rhs, 3);
  if (rhsDepth != p->depth)
    return ctx.failValue(Status::kShapeMismatch, "rhs accumulation dimension", rhsDepth, rhs.index);
  // The output is [broadcast batches of the higher rank, rows, cols].
  const uint8_t outRank = lhs.rank > rhs.rank ? lhs.rank : rhs.rank;
  bool outputOk = output.rank == outRank;
  for (int i = 5 - outRank; outputOk && i < 3; ++i) outputOk = dim5(output, i) == p->outBatch[i];
  if (!outputOk || dim5(output, 3) != p->rows || dim5(output, 4) != p->cols)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  if (lhs.type == TensorType::kFloat32) return Status::kOk;

  if ((s = requirePerTensorQuantOf(ctx, lhs, lhs.type, "lhs")) != Status::kOk ||
      (s = requirePerTensorQuantOf(ctx, rhs, lhs.type, "rhs")) != Status::kOk ||
      (s = requirePerTensorQuantOf(ctx, output, lhs.type, "output")) != Status::kOk) {
    return s;
  }
  if (lhs.type == TensorType::kInt16) {
    // TFLM: int16 operands are symmetric.
    if (lhs.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "lhs zero_point", lhs.zeroPoint(), lhs.index);
    if (rhs.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "rhs zero_point", rhs.zeroPoint(), rhs.index);
    if (output.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "output zero_point", output.zeroPoint(),
                           output.index);
  }
  const double real = static_cast<double>(lhs.scale()) * static_cast<double>(rhs.scale()) /
                      static_cast<double>(output.scale());
  int shift = 0;
  if (!quant::quantizeMultiplier(real, &p->multiplier, &shift))
    return ctx.fail(Status::kBadQuantization, "effective scale", output.index);
  p->shift = shift;
  p->lhsOffset = -lhs.zeroPoint();
  p->rhsOffset = -rhs.zeroPoint();
  p->outputOffset = output.zeroPoint();
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* p = static_cast<const BatchMatmulParams*>(ctx.userData());
  if (ctx.input(0).type == TensorType::kFloat32) {
    reference::batchMatmul(*p, ctx.inputData<float>(0), ctx.inputData<float>(1),
                           ctx.outputData<float>(0));
  } else if (ctx.input(0).type == TensorType::kInt16) {
    reference::batchMatmul(*p, ctx.inputData<int16_t>(0), ctx.inputData<int16_t>(1),
                           ctx.outputData<int16_t>(0));
  } else {
    reference::batchMatmul(*p, ctx.inputData<int8_t>(0), ctx.inputData<int8_t>(1),
                           ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerBatchMatmul() {
  return builtinRegistration(schema::BuiltinOperator::kBatchMatmul, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
