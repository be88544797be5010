// SignalRfft (int16): each frame of the input's last dimension, zero-padded to fft_length,
// through the kiss_fft fixed-point real FFT (rfft.h); fft_length/2 + 1 complex bins per frame.
#include <cstring>

#include "model_runner/kernels/signal/rfft.h"
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct RfftData {
  int32_t fftLength = 0;
  int32_t frameLength = 0;  // input samples per frame
  size_t frames = 0;
  signal::Cpx16* twiddles = nullptr;
  void* scratch = nullptr;  // fftLength int16 samples, then fftLength/2 Cpx16
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  int64_t type = 0, fftLength = 0;
  if ((s = signal::requireInt(ctx, map, "T", 0, 255, &type)) != Status::kOk) return s;
  // TFLM also has int32 and float32 variants; only the int16 one exists here.
  if (type != static_cast<int64_t>(TensorType::kInt16))
    return ctx.failValue(Status::kUnsupportedOpType, "T", type);
  if ((s = signal::requireInt(ctx, map, "fft_length", 4, signal::kMaxRfftLength, &fftLength)) !=
      Status::kOk) {
    return s;
  }
  if (!signal::rfftLengthSupported(static_cast<int32_t>(fftLength)))
    return ctx.failValue(Status::kBadOpParams, "fft_length", fftLength);
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, -1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, input.rank, "output")) !=
          Status::kOk) {
    return s;
  }
  const int32_t frameLength = input.dims[input.rank - 1];
  if (frameLength <= 0 || frameLength > fftLength)
    return ctx.failValue(Status::kShapeMismatch, "input", frameLength, input.index);
  const int32_t bins = static_cast<int32_t>(fftLength / 2 + 1);
  if (output.dims[output.rank - 1] != 2 * bins)
    return ctx.failValue(Status::kShapeMismatch, "output", output.dims[output.rank - 1],
                         output.index);
  const size_t frames = input.elementCount / static_cast<size_t>(frameLength);
  if (output.elementCount / static_cast<size_t>(2 * bins) != frames)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);

  RfftData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->fftLength = static_cast<int32_t>(fftLength);
  d->frameLength = frameLength;
  d->frames = frames;
  const size_t twiddles = signal::rfftTwiddleCount(d->fftLength);
  d->twiddles =
      static_cast<signal::Cpx16*>(ctx.allocatePersistent(twiddles * sizeof(signal::Cpx16)));
  if (d->twiddles == nullptr) return ctx.fail(Status::kArenaTooSmall, "twiddles");
  signal::rfftMakeTwiddles(d->fftLength, d->twiddles);
  const size_t scratch = static_cast<size_t>(fftLength) * sizeof(int16_t) +
                         static_cast<size_t>(fftLength / 2) * sizeof(signal::Cpx16);
  return ctx.requestScratch(scratch, &d->scratch);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const RfftData*>(ctx.userData());
  const int16_t* in = ctx.inputData<int16_t>(0);
  int16_t* out = ctx.outputData<int16_t>(0);
  auto* samples = static_cast<int16_t*>(d->scratch);
  auto* tmp = reinterpret_cast<signal::Cpx16*>(samples + d->fftLength);
  const size_t outStride = static_cast<size_t>(d->fftLength + 2);
  for (size_t f = 0; f < d->frames; ++f) {
    std::memcpy(samples, in + f * static_cast<size_t>(d->frameLength),
                static_cast<size_t>(d->frameLength) * sizeof(int16_t));
    std::memset(samples + d->frameLength, 0,
                static_cast<size_t>(d->fftLength - d->frameLength) * sizeof(int16_t));
    signal::rfft(d->fftLength, d->twiddles, samples, tmp, out + f * outStride);
  }
}

}  // namespace

OpRegistration registerSignalRfft() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalRfft";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
