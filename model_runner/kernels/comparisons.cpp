#include "model_runner/kernels/comparisons.h"

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace {

enum class Comparison : uint8_t { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct ComparisonData {
  BinaryLayout layout;
  TensorType type = TensorType::kInt8;
  Comparison op = Comparison::kEqual;
  int32_t input1Offset = 0, input2Offset = 0;
  int32_t input1Multiplier = 0, input1Shift = 0;
  int32_t input2Multiplier = 0, input2Shift = 0;
};

constexpr int kLeftShift = 8;

template <typename T>
bool compare(Comparison op, T a, T b) {
  switch (op) {
    case Comparison::kEqual:
      return a == b;
    case Comparison::kNotEqual:
      return a != b;
    case Comparison::kLess:
      return a < b;
    case Comparison::kLessEqual:
      return a <= b;
    case Comparison::kGreater:
      return a > b;
    case Comparison::kGreaterEqual:
      return a >= b;
  }
  return false;
}

bool typeSupported(Comparison op, TensorType t) {
  const bool equality = op == Comparison::kEqual || op == Comparison::kNotEqual;
  switch (t) {
    case TensorType::kFloat32:
    case TensorType::kInt32:
    case TensorType::kInt64:
    case TensorType::kInt8:
      return true;
    case TensorType::kBool:
      return equality;
    default:
      return false;
  }
}

// TFLM's QuantizeMultiplierSmallerThanOneExp(scale): only defined for scales below one.
Status inputScaling(const OpContext& ctx, const TensorDesc& t, const char* field,
                    int32_t* multiplier, int32_t* shift) {
  Status s = requireQuantizedTensor(ctx, t, field, false);
  if (s != Status::kOk) return s;
  int sh = 0;
  if (!quant::quantizeMultiplierSmallerThanOneExp(static_cast<double>(t.scale()), multiplier, &sh))
    return ctx.fail(Status::kBadQuantization, field, t.index);
  *shift = sh;
  return Status::kOk;
}

Status prepareComparison(OpContext& ctx, Comparison op) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc in1 = ctx.input(0), in2 = ctx.input(1), out = ctx.output(0);
  if (!typeSupported(op, in1.type)) {
    return ctx.failValue(Status::kUnsupportedOpType, "input1", static_cast<int64_t>(in1.type),
                         in1.index);
  }
  if ((s = requireType(ctx, in2, in1.type, "input2")) != Status::kOk ||
      (s = requireType(ctx, out, TensorType::kBool, "output")) != Status::kOk) {
    return s;
  }
  ComparisonData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = in1.type;
  d->op = op;
  if ((s = prepareBinaryLayout(ctx, in1, in2, out, 4, &d->layout)) != Status::kOk) return s;
  if (in1.type != TensorType::kInt8) return Status::kOk;
  d->input1Offset = -in1.zeroPoint();
  d->input2Offset = -in2.zeroPoint();
  if ((s = inputScaling(ctx, in1, "input1", &d->input1Multiplier, &d->input1Shift)) !=
      Status::kOk) {
    return s;
  }
  return inputScaling(ctx, in2, "input2", &d->input2Multiplier, &d->input2Shift);
}

template <typename T>
void compareRaw(const OpContext& ctx, const ComparisonData& d) {
  const Comparison op = d.op;
  mapBinary<T, bool>(ctx, d.layout, [op](T a, T b) { return compare(op, a, b); });
}

int32_t rescaled(int32_t offset, int32_t q, int32_t multiplier, int32_t shift) {
  return quant::multiplyByQuantizedMultiplierSmallerThanOneExp(
      quant::wrappingShiftLeft(offset + q, kLeftShift), multiplier, shift);
}

void invoke(const OpContext& ctx) {
  const auto& d = *static_cast<const ComparisonData*>(ctx.userData());
  switch (d.type) {
    case TensorType::kInt8:
      mapBinary<int8_t, bool>(ctx, d.layout, [&d](int8_t a, int8_t b) {
        return compare(d.op, rescaled(d.input1Offset, a, d.input1Multiplier, d.input1Shift),
                       rescaled(d.input2Offset, b, d.input2Multiplier, d.input2Shift));
      });
      break;
    case TensorType::kInt32:
      compareRaw<int32_t>(ctx, d);
      break;
    case TensorType::kInt64:
      compareRaw<int64_t>(ctx, d);
      break;
    case TensorType::kBool:  // the stored bytes, as the reference build compares them
      compareRaw<uint8_t>(ctx, d);
      break;
    default:
      compareRaw<float>(ctx, d);
      break;
  }
}

template <Comparison kOp>
Status prepare(OpContext& ctx) {
  return prepareComparison(ctx, kOp);
}

template <Comparison kOp>
OpRegistration registration(schema::BuiltinOperator code) {
  return builtinRegistration(code, prepare<kOp>, invoke);
}

}  // namespace

OpRegistration registerEqual() {
  return registration<Comparison::kEqual>(schema::BuiltinOperator::kEqual);
}
OpRegistration registerNotEqual() {
  return registration<Comparison::kNotEqual>(schema::BuiltinOperator::kNotEqual);
}
OpRegistration registerLess() {
  return registration<Comparison::kLess>(schema::BuiltinOperator::kLess);
}
OpRegistration registerLessEqual() {
  return registration<Comparison::kLessEqual>(schema::BuiltinOperator::kLessEqual);
}
OpRegistration registerGreater() {
  return registration<Comparison::kGreater>(schema::BuiltinOperator::kGreater);
}
OpRegistration registerGreaterEqual() {
  return registration<Comparison::kGreaterEqual>(schema::BuiltinOperator::kGreaterEqual);
}

}  // namespace tinyscope::runner::kernels
