// SignalRfft (int16, int32, float32 by its "T" option): each frame of the input's last
// dimension, zero-padded to fft_length, through kiss_fft's real FFT of that type (rfft.h);
// fft_length/2 + 1 complex bins per frame. SignalIrfft: the inverse (kiss_fftri), each frame of
// fft_length/2 + 1 bins back to fft_length samples.
#include <cstring>

#include "model_runner/kernels/signal/rfft.h"
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct RfftData {
  TensorType type = TensorType::kInt16;
  bool inverse = false;
  int32_t fftLength = 0;
  int32_t frameLength = 0;  // input samples per frame
  size_t frames = 0;
  void* twiddles = nullptr;  // signal::Cpx<T>
  void* scratch = nullptr;   // fftLength samples of T, then fftLength/2 Cpx<T>
};

size_t sampleSize(TensorType type) {
  return type == TensorType::kInt16 ? sizeof(int16_t) : sizeof(int32_t);  // int32, float
}

template <typename T>
Status makeTwiddles(OpContext& ctx, RfftData* d) {
  const size_t count = signal::rfftTwiddleCount(d->fftLength);
  auto* twiddles =
      static_cast<signal::Cpx<T>*>(ctx.allocatePersistent(count * sizeof(signal::Cpx<T>)));
  if (twiddles == nullptr) return ctx.fail(Status::kArenaTooSmall, "twiddles");
  signal::rfftMakeTwiddles(d->fftLength, twiddles, d->inverse);
  d->twiddles = twiddles;
  return Status::kOk;
}

template <typename T>
void transformFrames(const OpContext& ctx, const RfftData& d) {
  const T* in = ctx.inputData<T>(0);
  T* out = ctx.outputData<T>(0);
  auto* samples = static_cast<T*>(d.scratch);
  auto* tmp = reinterpret_cast<signal::Cpx<T>*>(samples + d.fftLength);
  const auto* twiddles = static_cast<const signal::Cpx<T>*>(d.twiddles);
  const size_t bins = static_cast<size_t>(d.fftLength + 2);  // (re, im) values per frame
  const auto samplesPerFrame = static_cast<size_t>(d.fftLength);
  for (size_t f = 0; f < d.frames; ++f) {
    if (d.inverse) {
      signal::irfft(d.fftLength, twiddles, in + f * bins, tmp, out + f * samplesPerFrame);
      continue;
    }
    std::memcpy(samples, in + f * static_cast<size_t>(d.frameLength),
                static_cast<size_t>(d.frameLength) * sizeof(T));
    std::memset(samples + d.frameLength, 0,
                static_cast<size_t>(d.fftLength - d.frameLength) * sizeof(T));
    signal::rfft(d.fftLength, twiddles, samples, tmp, out + f * bins);
  }
}

Status prepareTransform(OpContext& ctx, bool inverse) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  int64_t type = 0, fftLength = 0;
  if ((s = signal::requireInt(ctx, map, "T", 0, 255, &type)) != Status::kOk) return s;
  if (type != static_cast<int64_t>(TensorType::kInt16) &&
      type != static_cast<int64_t>(TensorType::kInt32) &&
      type != static_cast<int64_t>(TensorType::kFloat32)) {
    return ctx.failValue(Status::kUnsupportedOpType, "T", type);
  }
  const auto tensorType = static_cast<TensorType>(type);
  if ((s = signal::requireInt(ctx, map, "fft_length", 4, signal::kMaxRfftLength, &fftLength)) !=
      Status::kOk) {
    return s;
  }
  if (!signal::rfftLengthSupported(static_cast<int32_t>(fftLength)))
    return ctx.failValue(Status::kBadOpParams, "fft_length", fftLength);
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, tensorType, -1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, tensorType, input.rank, "output")) != Status::kOk) {
    return s;
  }
  const int32_t bins = static_cast<int32_t>(fftLength / 2 + 1);
  // The forward transform reads frames of up to fft_length samples and writes 2 * bins values;
  // the inverse reads exactly 2 * bins values and writes fft_length samples.
  const int32_t frameLength = input.dims[input.rank - 1];
  if (inverse ? frameLength != 2 * bins : (frameLength <= 0 || frameLength > fftLength))
    return ctx.failValue(Status::kShapeMismatch, "input", frameLength, input.index);
  const int32_t outLength = inverse ? static_cast<int32_t>(fftLength) : 2 * bins;
  if (output.dims[output.rank - 1] != outLength)
    return ctx.failValue(Status::kShapeMismatch, "output", output.dims[output.rank - 1],
                         output.index);
  const size_t frames = input.elementCount / static_cast<size_t>(frameLength);
  if (output.elementCount / static_cast<size_t>(outLength) != frames)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);

  RfftData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->type = tensorType;
  d->inverse = inverse;
  d->fftLength = static_cast<int32_t>(fftLength);
  d->frameLength = frameLength;
  d->frames = frames;
  switch (tensorType) {
    case TensorType::kInt16:
      s = makeTwiddles<int16_t>(ctx, d);
      break;
    case TensorType::kInt32:
      s = makeTwiddles<int32_t>(ctx, d);
      break;
    default:
      s = makeTwiddles<float>(ctx, d);
      break;
  }
  if (s != Status::kOk) return s;
  // fft_length samples, then fft_length/2 complex values (forward) or twice that (inverse).
  const size_t scratch =
      static_cast<size_t>(fftLength) * sampleSize(tensorType) +
      static_cast<size_t>(fftLength / 2) * 2 * sampleSize(tensorType) * (inverse ? 2 : 1);
  return ctx.requestScratch(scratch, &d->scratch);
}

Status prepare(OpContext& ctx) {
  return prepareTransform(ctx, false);
}

Status prepareInverse(OpContext& ctx) {
  return prepareTransform(ctx, true);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const RfftData*>(ctx.userData());
  switch (d->type) {
    case TensorType::kInt16:
      transformFrames<int16_t>(ctx, *d);
      break;
    case TensorType::kInt32:
      transformFrames<int32_t>(ctx, *d);
      break;
    default:
      transformFrames<float>(ctx, *d);
      break;
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

OpRegistration registerSignalIrfft() {
  OpRegistration r = registerSignalRfft();
  r.customName = "SignalIrfft";
  r.prepare = prepareInverse;
  return r;
}

}  // namespace tinyscope::runner::kernels
