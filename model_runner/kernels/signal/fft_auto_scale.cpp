// SignalFftAutoScale: shifts an int16 frame left so its largest magnitude uses all 15 bits;
// output 1 is the shift (int32 scalar).
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

// The largest magnitude as TFLM's MaxAbs16 scans for it: in int16, so |-32768| wraps to -32768
// and later values compare against that. Without -32768 in the frame that is the larger of the
// maximum and minus the minimum (reductions that vectorize); with it, the reference's scan.
int16_t maxAbs16(const int16_t* in, size_t count) {
  int16_t hi = 0, lo = 0;
  for (size_t i = 0; i < count; ++i) {
    hi = in[i] > hi ? in[i] : hi;
    lo = in[i] < lo ? in[i] : lo;
  }
  const bool wraps = lo == -32768;
  const int32_t plain = hi > -lo ? hi : -lo;
  if (!wraps) return static_cast<int16_t>(plain);
  int16_t max = 0;
  for (size_t i = 0; i < count; ++i) {
    const int16_t v = in[i];
    if (v > max) {
      max = v;
    } else if (-v > max) {
      max = static_cast<int16_t>(-v);
    }
  }
  return max;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 2);
  if (s != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0), scaleBits = ctx.output(1);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, 1, "output")) != Status::kOk ||
      (s = signal::requireTensor(ctx, scaleBits, TensorType::kInt32, 0, "scale_bits")) !=
          Status::kOk) {
    return s;
  }
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  signal::storeCount(ctx, input.elementCount);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const size_t count = signal::storedCount(ctx);
  const int16_t* in = ctx.inputData<int16_t>(0);
  int16_t* out = ctx.outputData<int16_t>(0);
  const int16_t max = maxAbs16(in, count);
  const int32_t msb =
      static_cast<int32_t>(signal::mostSignificantBit32(static_cast<uint32_t>(int32_t{max})));
  int32_t bits = 16 - msb - 1;
  if (bits < 0) bits = 0;
  for (size_t i = 0; i < count; ++i)
    out[i] = static_cast<int16_t>(static_cast<int32_t>(in[i]) * (int32_t{1} << bits));
  *ctx.outputData<int32_t>(1) = bits;
}

}  // namespace

OpRegistration registerSignalFftAutoScale() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalFftAutoScale";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
