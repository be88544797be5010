// SignalFilterBankSquareRoot: integer square root (TFLM's Sqrt64/Sqrt32 with their rounding)
// of each uint64 channel, shifted right by the scalar scale_bits input. Where SSE2 is there
// (desktop hosts) the floor of the root comes from the hardware's double square root, corrected
// to the exact integer; elsewhere (the device) from TFLM's bit-by-bit loop. Both give the floor
// and its remainder, which TFLM's rounding then uses.
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tinyscope::runner::kernels {

namespace {

// The reference's rounding: up when the remainder exceeds the root, unless the root is all ones.
template <typename U>
U roundRoot(U root, U remainder, U allOnes) {
  return remainder > root && root != allOnes ? root + 1 : root;
}

#if defined(__SSE2__)
// floor(sqrt(num)) exactly: the double root (num rounded to 53 bits) is within one of it.
template <typename U>
U squareRoot(U num, U allOnes) {
  const double x = static_cast<double>(num);
  auto root = static_cast<uint64_t>(_mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x))));
  const uint64_t n = num, maxRoot = 0xFFFFFFFFull;  // floor(sqrt(2^64 - 1))
  if (root > maxRoot) root = maxRoot;
  while (root * root > n) --root;
  while (root < maxRoot && (root + 1) * (root + 1) <= n) ++root;
  return roundRoot(static_cast<U>(root), static_cast<U>(n - root * root), allOnes);
}
#else
// Bit by bit from the highest power of four not above num, as TFLM's loop.
template <typename U>
U squareRoot(U num, U allOnes) {
  constexpr int32_t kBits = static_cast<int32_t>(sizeof(U) * 8);
  const uint32_t msb = sizeof(U) == 8 ? signal::mostSignificantBit64(num)
                                      : signal::mostSignificantBit32(static_cast<uint32_t>(num));
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
  return roundRoot(res, num, allOnes);
}
#endif

// TFLM's Sqrt64: below 2^32 it takes the 32-bit path (slightly off near 2^32, on purpose).
uint32_t sqrt64(uint64_t num) {
  if (num == 0) return 0;
  if ((num >> 32) == 0) return squareRoot<uint32_t>(static_cast<uint32_t>(num), 0xFFFFu);
  return static_cast<uint32_t>(squareRoot<uint64_t>(num, 0xFFFFFFFFull));
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
