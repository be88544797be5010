// SignalDelay (int16): every row of the input's last dimension comes out delay_length samples
// later; the first delay_length outputs of a fresh (or reset) stream are 0. The pending samples
// of each row live in the persistent arena (delay_length int16 per row); resetState() zeroes
// them, as TFLM's Reset.
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

constexpr int64_t kMaxDelay = 1 << 16;

struct DelayData {
  int32_t frameSize = 0, delay = 0;
  size_t rows = 0;
  int16_t* pending = nullptr;  // rows x delay samples, oldest first
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  int64_t delay = 0;
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "delay_length", 0, kMaxDelay, &delay)) != Status::kOk) {
    return s;
  }
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, -1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, input.rank, "output")) !=
          Status::kOk) {
    return s;
  }
  if (output.elementCount != input.elementCount ||
      output.dims[output.rank - 1] != input.dims[input.rank - 1])
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  DelayData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->frameSize = input.dims[input.rank - 1];
  d->delay = static_cast<int32_t>(delay);
  d->rows = input.elementCount / static_cast<size_t>(d->frameSize);
  const size_t bytes = d->rows * static_cast<size_t>(d->delay) * sizeof(int16_t);
  if (bytes == 0) return Status::kOk;
  d->pending = static_cast<int16_t*>(ctx.allocatePersistent(bytes));
  if (d->pending == nullptr) return ctx.fail(Status::kArenaTooSmall, "delay_length (state)");
  std::memset(d->pending, 0, bytes);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const DelayData*>(ctx.userData());
  const int16_t* in = ctx.inputData<int16_t>(0);
  int16_t* out = ctx.outputData<int16_t>(0);
  const auto frame = static_cast<size_t>(d->frameSize);
  const auto delay = static_cast<size_t>(d->delay);
  for (size_t r = 0; r < d->rows; ++r) {
    const int16_t* x = in + r * frame;
    int16_t* y = out + r * frame;
    int16_t* state = d->pending + r * delay;
    // The stream is state ++ x: the first `frame` values go out, the last `delay` stay.
    for (size_t k = 0; k < frame; ++k) y[k] = k < delay ? state[k] : x[k - delay];
    for (size_t j = 0; j < delay; ++j) {
      const size_t at = frame + j;
      state[j] = at < delay ? state[at] : x[at - delay];
    }
  }
}

void reset(const OpContext& ctx) {
  const auto* d = static_cast<const DelayData*>(ctx.userData());
  if (d->pending != nullptr)
    std::memset(d->pending, 0, d->rows * static_cast<size_t>(d->delay) * sizeof(int16_t));
}

}  // namespace

OpRegistration registerSignalDelay() {
  return signal::customRegistration("SignalDelay", prepare, invoke, reset);
}

}  // namespace tinyscope::runner::kernels
