// SignalFramer (int16): each row of the input's last dimension (a multiple of frame_step) is
// appended, frame_step samples at a time, to that row's stream; whenever the stream holds
// frame_size samples, its first frame_size go out as a frame and frame_step are dropped. With
// `prefill` the stream starts with frame_size - frame_step zeros. Output 1 (bool scalar) is
// false when some frame of this invoke was not complete; such a frame is written as zeros
// (TFLM leaves it unwritten). Each row's stream lives in the persistent arena (capacity:
// frame_size rounded up to a multiple of frame_step); resetState() restarts it.
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int64_t kMaxFrame = 1 << 16;

struct FramerData {
  int32_t frameSize = 0, frameStep = 0, framesPerRow = 0, capacity = 0;
  bool prefill = false;
  size_t rows = 0;
  int16_t* streams = nullptr;  // rows x capacity samples, oldest first
  int32_t* counts = nullptr;   // samples held per row
};

void restart(const FramerData& d) {
  std::memset(d.streams, 0, d.rows * static_cast<size_t>(d.capacity) * sizeof(int16_t));
  for (size_t r = 0; r < d.rows; ++r) d.counts[r] = d.prefill ? d.frameSize - d.frameStep : 0;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 2);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  int64_t frameSize = 0, frameStep = 0, prefill = 0;
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "frame_size", 1, kMaxFrame, &frameSize)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "frame_step", 1, kMaxFrame, &frameStep)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "prefill", 0, 1, &prefill)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), output = ctx.output(0), valid = ctx.output(1);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, -1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, input.rank + 1, "output")) !=
          Status::kOk ||
      (s = signal::requireTensor(ctx, valid, TensorType::kBool, 0, "output_valid")) !=
          Status::kOk) {
    return s;
  }
  const int32_t innermost = input.dims[input.rank - 1];
  if (innermost < frameStep || innermost % frameStep != 0)
    return ctx.failValue(Status::kBadOpParams,
                         "frame_step (must divide the input's last dimension)", frameStep,
                         input.index);
  const int32_t frames = innermost / static_cast<int32_t>(frameStep);
  bool same = output.dims[input.rank - 1] == frames && output.dims[input.rank] == frameSize;
  for (int32_t k = 0; same && k < input.rank - 1; ++k) same = output.dims[k] == input.dims[k];
  if (!same) return ctx.fail(Status::kShapeMismatch, "output", output.index);
  FramerData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->frameSize = static_cast<int32_t>(frameSize);
  d->frameStep = static_cast<int32_t>(frameStep);
  d->framesPerRow = frames;
  d->capacity = static_cast<int32_t>((frameSize + frameStep - 1) / frameStep * frameStep);
  d->prefill = prefill != 0;
  d->rows = input.elementCount / static_cast<size_t>(innermost);
  d->streams = static_cast<int16_t*>(
      ctx.allocatePersistent(d->rows * static_cast<size_t>(d->capacity) * sizeof(int16_t)));
  d->counts = static_cast<int32_t*>(ctx.allocatePersistent(d->rows * sizeof(int32_t)));
  if (d->streams == nullptr || d->counts == nullptr)
    return ctx.fail(Status::kArenaTooSmall, "frame_size (state)");
  restart(*d);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const FramerData*>(ctx.userData());
  const int16_t* in = ctx.inputData<int16_t>(0);
  int16_t* out = ctx.outputData<int16_t>(0);
  bool valid = true;
  const auto size = static_cast<size_t>(d->frameSize);
  const auto step = static_cast<size_t>(d->frameStep);
  for (size_t r = 0; r < d->rows; ++r) {
    int16_t* stream = d->streams + r * static_cast<size_t>(d->capacity);
    auto held = static_cast<size_t>(d->counts[r]);
    for (int32_t f = 0; f < d->framesPerRow; ++f) {
      const size_t frame = r * static_cast<size_t>(d->framesPerRow) + static_cast<size_t>(f);
      std::memcpy(stream + held, in + frame * step, step * sizeof(int16_t));
      held += step;
      if (held >= size) {
        std::memcpy(out + frame * size, stream, size * sizeof(int16_t));
        held -= step;
        std::memmove(stream, stream + step, held * sizeof(int16_t));
      } else {
        std::memset(out + frame * size, 0, size * sizeof(int16_t));
        valid = false;
      }
    }
    d->counts[r] = static_cast<int32_t>(held);
  }
  *ctx.outputData<bool>(1) = valid;
}

void reset(const OpContext& ctx) {
  restart(*static_cast<const FramerData*>(ctx.userData()));
}

}  // namespace

OpRegistration registerSignalFramer() {
  return signal::customRegistration("SignalFramer", prepare, invoke, reset);
}

}  // namespace tinyscope::runner::kernels
