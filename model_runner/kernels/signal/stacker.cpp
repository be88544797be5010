// SignalStacker (int16): each invoke appends one frame of num_channels values to a stream;
// the very first frame is repeated stacker_left_context more times (left padding). Whenever
// the stream holds (left + right + 1) frames, they go out (output 1, a bool scalar, true) and
// the oldest stacker_step frames are dropped; otherwise output 1 is false and output 0 is
// written as zeros (TFLM leaves it unwritten). The stream lives in the persistent arena;
// resetState() empties it and forgets the first frame, as TFLM's Reset.
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct StackerData {
  size_t channels = 0, left = 0, bufferSize = 0, stepSize = 0;
  int16_t* stream = nullptr;  // bufferSize values, oldest first
  size_t held = 0;
  bool hasFirstFrame = false;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 2);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  int64_t channels = 0, left = 0, right = 0, step = 0;
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "num_channels", 1, 1 << 16, &channels)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "stacker_left_context", 0, 1 << 10, &left)) !=
          Status::kOk ||
      (s = signal::requireInt(ctx, map, "stacker_right_context", 0, 1 << 10, &right)) !=
          Status::kOk) {
    return s;
  }
  // TFLM drops stacker_step frames after each output: more than the stream holds (or none,
  // so the stream overflows) makes it read and write outside its buffer.
  if ((s = signal::requireInt(ctx, map, "stacker_step", 1, left + right + 1, &step)) !=
      Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), output = ctx.output(0), valid = ctx.output(1);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, 1, "output")) != Status::kOk ||
      (s = signal::requireTensor(ctx, valid, TensorType::kBool, 0, "output_valid")) !=
          Status::kOk) {
    return s;
  }
  const auto bufferSize = static_cast<size_t>(channels * (left + right + 1));
  if (input.elementCount != static_cast<size_t>(channels))
    return ctx.failValue(Status::kShapeMismatch, "input (num_channels values)", input.dims[0],
                         input.index);
  if (output.elementCount != bufferSize)
    return ctx.failValue(Status::kShapeMismatch, "output", output.dims[0], output.index);
  StackerData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->channels = static_cast<size_t>(channels);
  d->left = static_cast<size_t>(left);
  d->bufferSize = bufferSize;
  d->stepSize = static_cast<size_t>(channels * step);
  d->stream = static_cast<int16_t*>(ctx.allocatePersistent(bufferSize * sizeof(int16_t)));
  if (d->stream == nullptr) return ctx.fail(Status::kArenaTooSmall, "stream (state)");
  std::memset(d->stream, 0, bufferSize * sizeof(int16_t));
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  auto* d = static_cast<StackerData*>(ctx.userData());
  const int16_t* in = ctx.inputData<int16_t>(0);
  std::memcpy(d->stream + d->held, in, d->channels * sizeof(int16_t));
  d->held += d->channels;
  if (!d->hasFirstFrame) {
    for (size_t k = 0; k < d->left; ++k) {
      std::memcpy(d->stream + d->held, in, d->channels * sizeof(int16_t));
      d->held += d->channels;
    }
    d->hasFirstFrame = true;
  }
  int16_t* out = ctx.outputData<int16_t>(0);
  const bool valid = d->held >= d->bufferSize;
  if (valid) {
    std::memcpy(out, d->stream, d->bufferSize * sizeof(int16_t));
    d->held -= d->stepSize;
    std::memmove(d->stream, d->stream + d->stepSize, d->held * sizeof(int16_t));
  } else {
    std::memset(out, 0, d->bufferSize * sizeof(int16_t));
  }
  *ctx.outputData<bool>(1) = valid;
}

void reset(const OpContext& ctx) {
  auto* d = static_cast<StackerData*>(ctx.userData());
  std::memset(d->stream, 0, d->bufferSize * sizeof(int16_t));
  d->held = 0;
  d->hasFirstFrame = false;
}

}  // namespace

OpRegistration registerSignalStacker() {
  return signal::customRegistration("SignalStacker", prepare, invoke, reset);
}

}  // namespace tinyscope::runner::kernels
