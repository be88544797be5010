// SignalEnergy: |X[k]|^2 of int16 complex bins k in [start_index, end_index) as uint32.
// Bins outside the range are written as 0 (TFLM leaves them unwritten).
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct EnergyData {
  int32_t start = 0, end = 0;
  size_t count = 0;  // output elements
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kInt16, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kUInt32, 1, "output")) != Status::kOk) {
    return s;
  }
  const int64_t bins = static_cast<int64_t>(input.elementCount / 2);
  const int64_t outCount = static_cast<int64_t>(output.elementCount);
  const int64_t limit = bins < outCount ? bins : outCount;
  int64_t start = 0, end = 0;
  if ((s = signal::requireInt(ctx, map, "end_index", 0, limit, &end)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "start_index", 0, end, &start)) != Status::kOk) {
    return s;
  }
  EnergyData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->start = static_cast<int32_t>(start);
  d->end = static_cast<int32_t>(end);
  d->count = output.elementCount;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const EnergyData*>(ctx.userData());
  const int16_t* in = ctx.inputData<int16_t>(0);
  uint32_t* out = ctx.outputData<uint32_t>(0);
  std::memset(out, 0, d->count * sizeof(uint32_t));
  for (int32_t k = d->start; k < d->end; ++k) {
    const int32_t re = in[2 * k], im = in[2 * k + 1];
    // Each square is at most 2^30, so the sum fits in uint32.
    out[k] = static_cast<uint32_t>(re * re) + static_cast<uint32_t>(im * im);
  }
}

}  // namespace

OpRegistration registerSignalEnergy() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalEnergy";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
