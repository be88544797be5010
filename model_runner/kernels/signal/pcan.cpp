// SignalPCAN: per-channel energy normalisation (TFLM's fixed-point PCAN auto gain control):
// a gain from the noise estimate through a piecewise-quadratic lookup table, then a "shrink"
// curve on the signal-to-noise ratio (12 fractional bits in, 6 out).
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr uint32_t kSnrBits = 12;
constexpr uint32_t kOutputBits = 6;
// The table is read at 4 * msb - 6 + {0, 1, 2} for msb <= 32, and at [0, 2] for small inputs.
constexpr size_t kMinLutSize = 4 * 32 - 6 + 3;

struct PcanData {
  int32_t snrShift = 0;
  size_t count = 0;
};

int16_t wideDynamicFunction(uint32_t x, const int16_t* lut) {
  if (x <= 2) return lut[x];
  const auto interval = static_cast<int16_t>(signal::mostSignificantBit32(x));
  lut += 4 * interval - 6;
  const auto frac = static_cast<int16_t>(
      ((interval < 11) ? (x << (11 - interval)) : (x >> (interval - 11))) & 0x3FF);
  // int32 arithmetic as TFLM's, with its wrap-around made explicit.
  uint32_t r = static_cast<uint32_t>((int32_t{lut[2]} * frac) >> 5);
  r += static_cast<uint32_t>(static_cast<int32_t>(static_cast<uint32_t>(lut[1]) << 5));
  r *= static_cast<uint32_t>(static_cast<int32_t>(frac));
  int32_t result = static_cast<int32_t>(r + (1u << 14)) >> 15;
  result += lut[0];
  return static_cast<int16_t>(result);
}

uint32_t shrink(uint32_t x) {
  if (x < (2u << kSnrBits)) return (x * x) >> (2 + 2 * kSnrBits - kOutputBits);
  return (x >> (kSnrBits - kOutputBits)) - (1u << kOutputBits);
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 3, 3, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), noise = ctx.input(1), lut = ctx.input(2);
  const TensorDesc output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kUInt32, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, noise, TensorType::kUInt32, 1, "noise_estimate")) !=
          Status::kOk ||
      (s = signal::requireTensor(ctx, lut, TensorType::kInt16, 1, "gain_lut")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kUInt32, 1, "output")) != Status::kOk) {
    return s;
  }
  if (input.elementCount == 0) return ctx.fail(Status::kShapeMismatch, "input", input.index);
  if (noise.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "noise_estimate", noise.index);
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  if (lut.elementCount < kMinLutSize)
    return ctx.failValue(Status::kShapeMismatch, "gain_lut", static_cast<int64_t>(lut.elementCount),
                         lut.index);
  int64_t snrShift = 0;
  if ((s = signal::requireInt(ctx, map, "snr_shift", 0, 63, &snrShift)) != Status::kOk) return s;
  PcanData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->snrShift = static_cast<int32_t>(snrShift);
  d->count = input.elementCount;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const PcanData*>(ctx.userData());
  const uint32_t* in = ctx.inputData<uint32_t>(0);
  const uint32_t* noise = ctx.inputData<uint32_t>(1);
  const int16_t* lut = ctx.inputData<int16_t>(2);
  uint32_t* out = ctx.outputData<uint32_t>(0);
  for (size_t i = 0; i < d->count; ++i) {
    // The int16 gain widens to uint32 with its sign, as in TFLM.
    const auto gain =
        static_cast<uint32_t>(static_cast<int32_t>(wideDynamicFunction(noise[i], lut)));
    const auto snr = static_cast<uint32_t>((uint64_t{in[i]} * gain) >> d->snrShift);
    out[i] = shrink(snr);
  }
}

}  // namespace

OpRegistration registerSignalPcan() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalPCAN";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
