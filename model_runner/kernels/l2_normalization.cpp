#include "model_runner/kernels/l2_normalization.h"

#include "model_runner/fixed_point.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace reference {

void invSqrtMultiplier(int32_t x, int32_t* multiplier, int* shift) {
  if (x <= 1) {  // 0 counts as 1, as in TFLite
    *multiplier = quant::kInt32Max;
    *shift = 0;
    return;
  }
  int s = 11;
  while (x >= (1 << 29)) {
    x /= 4;
    ++s;
  }
  const int leadingZeros = __builtin_clz(static_cast<uint32_t>(x));
  const int pairs = (leadingZeros - 1) / 2 - 1;
  s -= pairs;
  x = quant::wrappingShiftLeft(x, 2 * pairs);  // now in [2^27, 2^29)
  // Newton-Raphson for 1/sqrt in Q3 (3 integer bits), five steps from 1.
  const int32_t input = x >> 1;
  const int32_t halfInput = fixed::saturatingRoundingMultiplyByPOT(input, -1);
  const int32_t halfThree = (1 << 28) + (1 << 27);  // 1.5 in Q3
  int32_t r = 1 << 28;                              // 1.0 in Q3
  for (int i = 0; i < 5; ++i) {
    const int32_t r3 = fixed::rescale(fixed::mul(fixed::mul(r, r), r), 9, 3);
    const int32_t a = fixed::mul(halfThree, r);   // Q6
    const int32_t b = fixed::mul(halfInput, r3);  // Q6
    r = fixed::rescale(static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b)), 6,
                       3);
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2)/2 in Q0
  r = fixed::mul(r, kHalfSqrt2);              // Q3
  if (s < 0) {
    r = quant::wrappingShiftLeft(r, -s);
    s = 0;
  }
  *multiplier = r;
  *shift = -s;
}

void l2NormalizeInt8(int32_t inputZeroPoint, int32_t rows, int32_t depth, const int8_t* input,
                     int8_t* output) {
  for (int32_t row = 0; row < rows; ++row) {
    const int8_t* in = input + static_cast<size_t>(row) * depth;
    int8_t* out = output + static_cast<size_t>(row) * depth;
    int32_t acc = 0;
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t v = in[c] - inputZeroPoint;
      acc = quant::wrappingAdd(acc, v * v);
    }
    int32_t multiplier = 0;
    int shift = 0;
    invSqrtMultiplier(acc, &multiplier, &shift);
    for (int32_t c = 0; c < depth; ++c) {
      int32_t v =
          quant::multiplyByQuantizedMultiplier(in[c] - inputZeroPoint, multiplier, shift + 7);
      v = v < -128 ? -128 : (v > 127 ? 127 : v);
      out[c] = static_cast<int8_t>(v);
    }
  }
}

void l2NormalizeFloat(int32_t rows, int32_t depth, const float* input, float* output) {
  for (int32_t row = 0; row < rows; ++row) {
    const float* in = input + static_cast<size_t>(row) * depth;
    float* out = output + static_cast<size_t>(row) * depth;
    float sum = 0.0f;
    for (int32_t c = 0; c < depth; ++c) sum += in[c] * in[c];
    float norm = __builtin_sqrtf(sum);
    norm = norm < 1e-6f ? 1e-6f : norm;
    for (int32_t c = 0; c < depth; ++c) out[c] = in[c] / norm;
  }
}

}  // namespace reference

namespace {

struct L2Data {
  int32_t rows = 1, depth = 1, inputZeroPoint = 0;
  bool isFloat = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk ||
      (s = requireOptions(ctx, schema::BuiltinOptionsType::kL2NormOptions)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = requireTypeIn(ctx, input, typeBit(TensorType::kFloat32) | typeBit(TensorType::kInt8),
                         "input")) != Status::kOk ||
      (s = requireType(ctx, output, input.type, "output")) != Status::kOk) {
    return s;
  }
  if (input.rank < 1 || input.rank > 4)
    return ctx.failValue(Status::kShapeMismatch, "input rank", input.rank, input.index);
  bool same = output.rank == input.rank;
  for (int32_t d = 0; same && d < input.rank; ++d) same = output.dims[d] == input.dims[d];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  const uint8_t activation = ctx.options().u8(schema::l2_norm_options::kActivation);
  if (activation != 0)
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", activation);
  auto* data = static_cast<L2Data*>(ctx.allocatePersistent(sizeof(L2Data)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = L2Data();
  ctx.setUserData(data);
  data->depth = input.dims[input.rank - 1];
  data->rows = data->depth > 0
                   ? static_cast<int32_t>(input.elementCount / static_cast<size_t>(data->depth))
                   : 0;
  data->isFloat = input.type == TensorType::kFloat32;
  if (!data->isFloat) {
    if (input.numChannels() != 1) return ctx.fail(Status::kBadQuantization, "input", input.index);
    data->inputZeroPoint = input.zeroPoint();
    if (data->inputZeroPoint < -128 || data->inputZeroPoint > 127)
      return ctx.failValue(Status::kBadQuantization, "input zero point", data->inputZeroPoint,
                           input.index);
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const L2Data*>(ctx.userData());
  if (d->isFloat) {
    reference::l2NormalizeFloat(d->rows, d->depth, ctx.inputData<float>(0),
                                ctx.outputData<float>(0));
  } else {
    reference::l2NormalizeInt8(d->inputZeroPoint, d->rows, d->depth, ctx.inputData<int8_t>(0),
                               ctx.outputData<int8_t>(0));
  }
}

}  // namespace

OpRegistration registerL2Normalization() {
  return builtinRegistration(schema::BuiltinOperator::kL2Normalization, prepare, invoke);
}

}  // namespace tinyscope::runner::kernels
