// SignalFilterBankSquareRoot: integer square root (TFLM's Sqrt64/Sqrt32 with their rounding)
// of each uint64 channel, shifted right by the scalar scale_bits input.
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

// Bit-by-bit integer square root of a nonzero `num` whose highest set bit is `msb` (from 1),
// rounded up when the remainder exceeds the root, unless the root is already all ones.
template <typename U>
U squareRoot(U num, uint32_t msb, U allOnes) {
  constexpr int32_t kBits = static_cast<int32_t>(sizeof(U) * 8);
  U res = 0;
  const int32_t top = (kBits - static_cast<int32_t>(msb)) | 1;
  U bit = U{1} << (kBits - 1 - top);
  for (int32_t it = (kBits - 1 - top) / 2 + 1; it > 0; --it) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (num > res && res != allOnes) ++res;
  return res;
}

// TFLM's Sqrt64: below 2^32 it takes the 32-bit path (slightly off near 2^32, on purpose).
uint32_t sqrt64(uint64_t num) {
  if (num == 0) return 0;
  if ((num >> 32) == 0) {
    const auto n = static_cast<uint32_t>(num);
    return squareRoot<uint32_t>(n, signal::mostSignificantBit32(n), 0xFFFFu);
  }
  return static_cast<uint32_t>(
      squareRoot<uint64_t>(num, signal::mostSignificantBit64(num), 0xFFFFFFFFull));
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), bits = ctx.input(1), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kUInt64, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, bits, TensorType::kInt32, 0, "scale_bits")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kUInt32, 1, "output")) != Status::kOk) {
    return s;
  }
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  signal::storeCount(ctx, input.elementCount);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const size_t count = signal::storedCount(ctx);
  const uint64_t* in = ctx.inputData<uint64_t>(0);
  const int32_t bits = *ctx.inputData<int32_t>(1);
  uint32_t* out = ctx.outputData<uint32_t>(0);
  // FftAutoScale gives 0..15; a shift outside [0, 31] (only from a hostile constant) gives 0.
  for (size_t i = 0; i < count; ++i) out[i] = (bits >= 0 && bits < 32) ? sqrt64(in[i]) >> bits : 0;
}

}  // namespace

OpRegistration registerSignalFilterBankSquareRoot() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalFilterBankSquareRoot";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
