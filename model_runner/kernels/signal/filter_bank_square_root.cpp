// SignalFilterBankSquareRoot: integer square root (TFLM's Sqrt64/Sqrt32 with their rounding)
// of each uint64 channel, shifted right by the scalar scale_bits input.
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

uint16_t sqrt32(uint32_t num) {
  if (num == 0) return 0;
  uint32_t res = 0;
  const int32_t top = static_cast<int32_t>(32 - signal::mostSignificantBit32(num)) | 1;
  uint32_t bit = uint32_t{1} << (31 - top);
  for (int32_t it = (31 - top) / 2 + 1; it > 0; --it) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (num > res && res != 0xFFFF) ++res;  // round, when the result has room
  return static_cast<uint16_t>(res);
}

// Below 2^32 TFLM takes the 32-bit path (slightly off near 2^32, on purpose).
uint32_t sqrt64(uint64_t num) {
  if ((num >> 32) == 0) return sqrt32(static_cast<uint32_t>(num));
  uint64_t res = 0;
  const int32_t top = static_cast<int32_t>(64 - signal::mostSignificantBit64(num)) | 1;
  uint64_t bit = uint64_t{1} << (63 - top);
  for (int32_t it = (63 - top) / 2 + 1; it > 0; --it) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (num > res && res != 0xFFFFFFFFull) ++res;
  return static_cast<uint32_t>(res);
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 2, 2, 1);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), bits = ctx.input(1), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kUInt64, 1, "input")) != Status::kOk ||
      (s = requireType(ctx, bits, TensorType::kInt32, "scale_bits")) != Status::kOk ||
      (s = requireRank(ctx, bits, 0, "scale_bits")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kUInt32, 1, "output")) != Status::kOk) {
    return s;
  }
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  ctx.setUserData(reinterpret_cast<void*>(static_cast<uintptr_t>(input.elementCount)));
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto count = static_cast<size_t>(reinterpret_cast<uintptr_t>(ctx.userData()));
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
