#include "model_runner/kernels/cumsum.h"

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace reference {

namespace {

// Calls step(offset, first) for each element of each line along the axis, in summation order.
template <typename Step>
void forEachLine(const CumsumParams& p, Step step) {
  const auto before = static_cast<size_t>(p.before), length = static_cast<size_t>(p.length),
             after = static_cast<size_t>(p.after);
  for (size_t a = 0; a < after; ++a) {
    const size_t aa = p.reverse ? after - 1 - a : a;
    for (size_t b = 0; b < before; ++b) {
      const size_t bb = p.reverse ? before - 1 - b : b;
      for (size_t k = 0; k < length; ++k) {
        const size_t kk = p.reverse ? length - 1 - k : k;
        step(aa + bb * length * after + kk * after, k == 0);
      }
    }
  }
}

}  // namespace

void cumsumInt8(const CumsumParams& p, const int8_t* input, int8_t* output) {
  auto scaleIn = [&p](int32_t y) {
    return quant::multiplyByQuantizedMultiplierSmallerThanOneExp(y * (1 << 20), p.inputMultiplier,
                                                                 p.inputShift);
  };
  int32_t acc = 0;
  forEachLine(p, [&](size_t i, bool first) {
    if (first) acc = scaleIn(p.inputOffset);
    const int32_t y = scaleIn(p.inputOffset + input[i]);
    int32_t sum;
    if (p.exclusive) {
      sum = acc;
      acc = quant::wrappingAdd(acc, y);
    } else {
      acc = quant::wrappingAdd(acc, y);
      sum = acc;
    }
    int32_t out = quant::multiplyByQuantizedMultiplierSmallerThanOneExp(sum, p.outputMultiplier,
                                                                        p.outputShift) +
                  p.outputOffset;
    out = out < -128 ? -128 : (out > 127 ? 127 : out);
    output[i] = static_cast<int8_t>(out);
  });
}

void cumsumFloat(const CumsumParams& p, const float* input, float* output) {
  float acc = 0.0f;
  forEachLine(p, [&](size_t i, bool first) {
    if (first) acc = 0.0f;
    if (p.exclusive) {
      output[i] = acc;
      acc += input[i];
    } else {
      acc += input[i];
      output[i] = acc;
    }
  });
}

}  // namespace reference

namespace {

struct CumsumData {
  CumsumParams params;
  bool isFloat = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk ||
      (s = requireOptions(ctx, schema::BuiltinOptionsType::kCumsumOptions)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), axis = ctx.input(1), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, input, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk ||
      (s = requireType(ctx, axis, TensorType::kInt32, "axis")) != Status::kOk) {
    return s;
  }
  if (axis.elementCount != 1)
    return ctx.fail(Status::kShapeMismatch, "axis (one value)", axis.index);
  if (!axis.isConstant()) return ctx.fail(Status::kBadOpParams, "axis (not constant)", axis.index);
  if (input.rank < 1) return ctx.failValue(Status::kShapeMismatch, "input rank", 0, input.index);
  bool same = output.rank == input.rank;
  for (int32_t d = 0; same && d < input.rank; ++d) same = output.dims[d] == input.dims[d];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  const int32_t raw = static_cast<int32_t>(constantInt(axis, 0));
  const int32_t at = raw < 0 ? raw + input.rank : raw;
  if (at < 0 || at >= input.rank)
    return ctx.failValue(Status::kBadOpParams, "axis", raw, axis.index);
  auto* data = static_cast<CumsumData*>(ctx.allocatePersistent(sizeof(CumsumData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = CumsumData();
  ctx.setUserData(data);
  CumsumParams& p = data->params;
  for (int32_t d = 0; d < at; ++d) p.before *= input.dims[d];
  p.length = input.dims[at];
  for (int32_t d = at + 1; d < input.rank; ++d) p.after *= input.dims[d];
  p.exclusive = ctx.options().boolean(schema::cumsum_options::kExclusive);
  p.reverse = ctx.options().boolean(schema::cumsum_options::kReverse);
  data->isFloat = input.type == TensorType::kFloat32;
  if (data->isFloat) return Status::kOk;
  if ((s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, output, "output")) != Status::kOk) {
    return s;
  }
  p.inputOffset = -input.zeroPoint();
  p.outputOffset = output.zeroPoint();
  const double twiceInScale = 2 * static_cast<double>(input.scale());
  const double realIn = static_cast<double>(input.scale()) / twiceInScale;
  const double realOut = twiceInScale / ((1 << 20) * static_cast<double>(output.scale()));
  int inShift = 0, outShift = 0;
  if (!quant::quantizeMultiplierSmallerThanOneExp(realIn, &p.inputMultiplier, &inShift) ||
      !quant::quantizeMultiplierSmallerThanOneExp(realOut, &p.outputMultiplier, &outShift)) {
    return ctx.fail(Status::kBadQuantization, "output scale", output.index);
  }
  p.inputShift = inShift;
  p.outputShift = outShift;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const CumsumData*>(ctx.userData());
  if (d->isFloat) {
    reference::cumsumFloat(d->params, ctx.inputData<float>(0), ctx.outputData<float>(0));
  } else {
    reference::cumsumInt8(d->params, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerCumsum() {
  return builtinRegistration(schema::BuiltinOperator::kCumsum, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
