// SignalOverlapAdd (int16, float32 by its "T" option): each frame of frame_size samples is
// added into that row's overlap buffer (int16 saturated), the buffer's first frame_step
// samples go out, and the buffer moves on by frame_step (zeros come in). Input [..., frames,
// frame_size], output [..., frames * frame_step]; frame_step <= frame_size. The buffers
// (frame_size samples per row) live in the persistent arena; resetState() zeroes them.
#include <cstring>

#include "model_runner/kernels/elementwise_util.h"
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct OverlapAddData {
  bool isFloat = false;
  size_t frameSize = 0, frameStep = 0, frames = 0, rows = 0, sampleBytes = 0;
  void* buffers = nullptr;  // rows x frameSize samples
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  int64_t type = 0, step = 0;
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "T", 0, 255, &type)) != Status::kOk) {
    return s;
  }
  if (type != static_cast<int64_t>(TensorType::kInt16) &&
      type != static_cast<int64_t>(TensorType::kFloat32)) {
    return ctx.failValue(Status::kUnsupportedOpType, "T", type);
  }
  const auto tensorType = static_cast<TensorType>(type);
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, tensorType, -1, "input")) != Status::kOk) return s;
  if (input.rank < 2)
    return ctx.failValue(Status::kShapeMismatch, "input", input.rank, input.index);
  if ((s = signal::requireTensor(ctx, output, tensorType, input.rank - 1, "output")) != Status::kOk)
    return s;
  const int32_t frameSize = input.dims[input.rank - 1];
  const int32_t frames = input.dims[input.rank - 2];
  if ((s = signal::requireInt(ctx, map, "frame_step", 1, frameSize, &step)) != Status::kOk)
    return s;
  bool same = output.dims[output.rank - 1] == frames * static_cast<int32_t>(step);
  for (int32_t k = 0; same && k < input.rank - 2; ++k) same = output.dims[k] == input.dims[k];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  OverlapAddData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->isFloat = tensorType == TensorType::kFloat32;
  d->frameSize = static_cast<size_t>(frameSize);
  d->frameStep = static_cast<size_t>(step);
  d->frames = static_cast<size_t>(frames);
  d->rows = input.elementCount / (d->frameSize * d->frames);
  d->sampleBytes = d->isFloat ? sizeof(float) : sizeof(int16_t);
  const size_t bytes = d->rows * d->frameSize * d->sampleBytes;
  d->buffers = ctx.allocatePersistent(bytes);
  if (d->buffers == nullptr) return ctx.fail(Status::kArenaTooSmall, "overlap buffers (state)");
  std::memset(d->buffers, 0, bytes);
  return Status::kOk;
}

int16_t addSample(int16_t a, int16_t b) {
  return saturateTo<int16_t>(int32_t{a} + b);
}
float addSample(float a, float b) {
  return a + b;
}

template <typename T>
void overlapAdd(const OverlapAddData& d, const T* in, T* out) {
  for (size_t r = 0; r < d.rows; ++r) {
    T* buffer = static_cast<T*>(d.buffers) + r * d.frameSize;
    for (size_t f = 0; f < d.frames; ++f) {
      const T* frame = in + (r * d.frames + f) * d.frameSize;
      for (size_t i = 0; i < d.frameSize; ++i) buffer[i] = addSample(frame[i], buffer[i]);
      std::memcpy(out + (r * d.frames + f) * d.frameStep, buffer, d.frameStep * sizeof(T));
      std::memmove(buffer, buffer + d.frameStep, (d.frameSize - d.frameStep) * sizeof(T));
      std::memset(buffer + d.frameSize - d.frameStep, 0, d.frameStep * sizeof(T));
    }
  }
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const OverlapAddData*>(ctx.userData());
  if (d->isFloat) {
    overlapAdd(*d, ctx.inputData<float>(0), ctx.outputData<float>(0));
  } else {
    overlapAdd(*d, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
  }
}

void reset(const OpContext& ctx) {
  const auto* d = static_cast<const OverlapAddData*>(ctx.userData());
  std::memset(d->buffers, 0, d->rows * d->frameSize * d->sampleBytes);
}

}  // namespace

OpRegistration registerSignalOverlapAdd() {
  return signal::customRegistration("SignalOverlapAdd", prepare, invoke, reset);
}

}  // namespace tinyscope::runner::kernels
