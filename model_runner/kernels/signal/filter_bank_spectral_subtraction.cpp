// SignalFilterBankSpectralSubtraction: a per-channel noise estimate (state, smoothed with
// alternating coefficients on even/odd channels) subtracted from each channel, floored at
// min_signal_remaining of the input. Output 1 is a copy of the updated noise estimate.
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct SpectralSubtractionData {
  uint32_t smoothing = 0, oneMinusSmoothing = 0;
  uint32_t alternateSmoothing = 0, alternateOneMinusSmoothing = 0;
  uint32_t minSignalRemaining = 0;
  uint32_t smoothingBits = 0, spectralSubtractionBits = 0;
  bool clamping = false;
  int32_t channels = 0;
  uint32_t* noise = nullptr;  // persistent state, zero after prepare
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 2);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0), noise = ctx.output(1);
  if ((s = signal::requireTensor(ctx, input, TensorType::kUInt32, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kUInt32, 1, "output")) != Status::kOk ||
      (s = signal::requireTensor(ctx, noise, TensorType::kUInt32, 1, "noise_estimate")) !=
          Status::kOk) {
    return s;
  }
  // The coefficients are uint32 in TFLM's config, read from int32 parameters.
  constexpr int64_t kMin = -2147483647 - 1, kMax = 2147483647;
  int64_t v[9] = {};
  const char* keys[9] = {"alternate_one_minus_smoothing", "alternate_smoothing",
                         "min_signal_remaining", "one_minus_smoothing", "smoothing"};
  for (int k = 0; k < 5; ++k) {
    if ((s = signal::requireInt(ctx, map, keys[k], kMin, kMax, &v[k])) != Status::kOk) return s;
  }
  int64_t channels = 0, smoothingBits = 0, subtractionBits = 0;
  if ((s = signal::requireInt(ctx, map, "num_channels", 1, 4096, &channels)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "smoothing_bits", 0, 31, &smoothingBits)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "spectral_subtraction_bits", 0, 63, &subtractionBits)) !=
          Status::kOk) {
    return s;
  }
  const flex::FlexValue clamping = map.find("clamping");
  if (!clamping.present) return ctx.fail(Status::kBadOpParams, "clamping");
  const auto n = static_cast<size_t>(channels);
  if (input.elementCount != n) return ctx.fail(Status::kShapeMismatch, "input", input.index);
  if (output.elementCount != n) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  if (noise.elementCount != n)
    return ctx.fail(Status::kShapeMismatch, "noise_estimate", noise.index);

  SpectralSubtractionData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->alternateOneMinusSmoothing = static_cast<uint32_t>(v[0]);
  d->alternateSmoothing = static_cast<uint32_t>(v[1]);
  d->minSignalRemaining = static_cast<uint32_t>(v[2]);
  d->oneMinusSmoothing = static_cast<uint32_t>(v[3]);
  d->smoothing = static_cast<uint32_t>(v[4]);
  d->smoothingBits = static_cast<uint32_t>(smoothingBits);
  d->spectralSubtractionBits = static_cast<uint32_t>(subtractionBits);
  d->clamping = clamping.asUInt != 0;
  d->channels = static_cast<int32_t>(channels);
  d->noise = static_cast<uint32_t*>(ctx.allocatePersistent(n * sizeof(uint32_t)));
  if (d->noise == nullptr) return ctx.fail(Status::kArenaTooSmall, "noise_estimate");
  std::memset(d->noise, 0, n * sizeof(uint32_t));
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  auto* d = static_cast<SpectralSubtractionData*>(ctx.userData());
  const uint32_t* in = ctx.inputData<uint32_t>(0);
  uint32_t* out = ctx.outputData<uint32_t>(0);
  uint32_t* noise = d->noise;
  const uint32_t ssBits = d->spectralSubtractionBits;
  for (int32_t i = 0; i < d->channels; ++i) {
    const bool odd = (i & 1) != 0;
    const uint32_t smoothing = odd ? d->alternateSmoothing : d->smoothing;
    const uint32_t oneMinus = odd ? d->alternateOneMinusSmoothing : d->oneMinusSmoothing;
    const uint32_t scaled = in[i] << d->smoothingBits;
    noise[i] = static_cast<uint32_t>(
        (uint64_t{scaled} * smoothing + uint64_t{noise[i]} * oneMinus) >> ssBits);
    uint32_t estimate = noise[i];
    if (estimate > scaled) {
      estimate = scaled;
      if (d->clamping) noise[i] = estimate;
    }
    const auto floor = static_cast<uint32_t>((uint64_t{in[i]} * d->minSignalRemaining) >> ssBits);
    const uint32_t subtracted = (scaled - estimate) >> d->smoothingBits;
    out[i] = subtracted > floor ? subtracted : floor;
  }
  std::memcpy(ctx.outputData<uint32_t>(1), noise,
              static_cast<size_t>(d->channels) * sizeof(uint32_t));
}

// resetState(): the noise estimate starts over from zero, as after allocate().
void reset(const OpContext& ctx) {
  auto* d = static_cast<SpectralSubtractionData*>(ctx.userData());
  std::memset(d->noise, 0, static_cast<size_t>(d->channels) * sizeof(uint32_t));
}

}  // namespace

OpRegistration registerSignalFilterBankSpectralSubtraction() {
  return signal::customRegistration("SignalFilterBankSpectralSubtraction", prepare, invoke, reset);
}

}  // namespace tinyscope::runner::kernels
