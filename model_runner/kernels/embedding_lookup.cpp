#include "model_runner/kernels/embedding_lookup.h"

#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

struct EmbeddingData {
  size_t lookups = 0;
  int32_t rows = 0;
  size_t columns = 0;   // elements per row
  size_t rowBytes = 0;  // one row of the value tensor
  bool dequantize = false;
  float scale = 0.0f;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc lookup = ctx.input(0), value = ctx.input(1), output = ctx.output(0);
  if ((s = requireType(ctx, lookup, TensorType::kInt32, "lookup")) != Status::kOk ||
      (s = requireTypeIn(ctx, value, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "value")) != Status::kOk) {
    return s;
  }
  const uint32_t outputTypes = value.type == TensorType::kFloat32
                                   ? typeBit(TensorType::kFloat32)
                                   : typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8);
  if ((s = requireTypeIn(ctx, output, outputTypes, "output")) != Status::kOk) return s;
  if (lookup.rank != 1)
    return ctx.failValue(Status::kShapeMismatch, "lookup rank", lookup.rank, lookup.index);
  if (value.rank < 2)
    return ctx.failValue(Status::kShapeMismatch, "value rank (at least 2)", value.rank,
                         value.index);
  bool same = output.rank == value.rank && output.dims[0] == lookup.dims[0];
  for (int32_t d = 1; same && d < value.rank; ++d) same = output.dims[d] == value.dims[d];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  EmbeddingData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->lookups = lookup.elementCount;
  d->rows = value.dims[0];
  d->columns = value.elementCount / static_cast<size_t>(value.dims[0]);
  d->rowBytes = d->columns * schema::tensorTypeSize(value.type);
  d->dequantize = value.type == TensorType::kInt8 && output.type == TensorType::kFloat32;
  if (d->dequantize) {
    if ((s = requireQuantizedTensor(ctx, value, "value", false)) != Status::kOk) return s;
    if (value.zeroPoint() != 0)
      return ctx.failValue(Status::kBadQuantization, "value zero point (must be 0)",
                           value.zeroPoint(), value.index);
    d->scale = value.scale();
  }
  for (size_t i = 0; lookup.isConstant() && i < d->lookups; ++i) {
    const int32_t row = quant::loadInt32(lookup.constData + 4 * i);
    if (row < 0 || row >= d->rows)
      return ctx.failValue(Status::kBadOpParams, "lookup (outside the rows)", row, lookup.index);
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const EmbeddingData*>(ctx.userData());
  const auto* lookup = ctx.inputData<uint8_t>(0);
  if (d->dequantize) {
    const int8_t* value = ctx.inputData<int8_t>(1);
    float* out = ctx.outputData<float>(0);
    for (size_t i = 0; i < d->lookups; ++i) {
      const int32_t row = quant::loadInt32(lookup + 4 * i);
      float* o = out + i * d->columns;
      const bool inside = row >= 0 && row < d->rows;
      const int8_t* v = value + (inside ? static_cast<size_t>(row) * d->columns : 0);
      for (size_t c = 0; c < d->columns; ++c)
        o[c] = inside ? static_cast<float>(v[c]) * d->scale : 0.0f;
    }
    return;
  }
  const size_t rowBytes = d->rowBytes;
  const auto* value = ctx.inputData<uint8_t>(1);
  auto* out = ctx.outputData<uint8_t>(0);
  for (size_t i = 0; i < d->lookups; ++i) {
    const int32_t row = quant::loadInt32(lookup + 4 * i);
    if (row < 0 || row >= d->rows) {
      std::memset(out + i * rowBytes, 0, rowBytes);
    } else {
      std::memcpy(out + i * rowBytes, value + static_cast<size_t>(row) * rowBytes, rowBytes);
    }
  }
}

}  // namespace

OpRegistration registerEmbeddingLookup() {
  return builtinRegistration(schema::BuiltinOperator::kEmbeddingLookup, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
