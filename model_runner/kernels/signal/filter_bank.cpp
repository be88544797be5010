// SignalFilterBank: mel channels as weighted sums of uint32 energies into uint64 accumulators;
// each bin's "unweight" share goes to the next channel (channel 0 is scratch, dropped).
#include <cstring>

#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

struct FilterBankData {
  int32_t channels = 0;  // num_channels; channels + 1 accumulated
  size_t outputs = 0;    // output elements (<= channels)
  void* scratch = nullptr;
};

// Every index the math uses must stay inside its tensor: the channel tables are constants
// checked here once.
Status checkTables(const OpContext& ctx, int32_t channels) {
  const TensorDesc input = ctx.input(0), weights = ctx.input(1), unweights = ctx.input(2);
  const TensorDesc freqStarts = ctx.input(3), weightStarts = ctx.input(4), widths = ctx.input(5);
  const char* names[3] = {"channel_frequency_starts", "channel_weight_starts", "channel_widths"};
  const TensorDesc* tables[3] = {&freqStarts, &weightStarts, &widths};
  for (int t = 0; t < 3; ++t) {
    if (!tables[t]->isConstant())
      return ctx.fail(Status::kUnsupportedOpType, names[t], tables[t]->index);
    if (tables[t]->elementCount < static_cast<size_t>(channels) + 1)
      return ctx.failValue(Status::kShapeMismatch, names[t],
                           static_cast<int64_t>(tables[t]->elementCount), tables[t]->index);
  }
  const int64_t weightCount =
      static_cast<int64_t>(weights.elementCount < unweights.elementCount ? weights.elementCount
                                                                         : unweights.elementCount);
  for (int32_t c = 0; c <= channels; ++c) {
    int16_t v[3];
    for (int t = 0; t < 3; ++t) std::memcpy(&v[t], tables[t]->constData + 2 * c, sizeof(int16_t));
    const int64_t width = v[2] < 0 ? 0 : v[2];
    if (width > 0 && (v[0] < 0 || v[0] + width > static_cast<int64_t>(input.elementCount)))
      return ctx.failValue(Status::kBadOpParams, names[0], v[0], freqStarts.index);
    if (width > 0 && (v[1] < 0 || v[1] + width > weightCount))
      return ctx.failValue(Status::kBadOpParams, names[1], v[1], weightStarts.index);
  }
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 6, 6, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  const TensorDesc output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, ctx.input(0), TensorType::kUInt32, 1, "input")) !=
          Status::kOk ||
      (s = signal::requireTensor(ctx, ctx.input(1), TensorType::kInt16, 1, "weights")) !=
          Status::kOk ||
      (s = signal::requireTensor(ctx, ctx.input(2), TensorType::kInt16, 1, "unweights")) !=
          Status::kOk ||
      (s = signal::requireTensor(ctx, ctx.input(3), TensorType::kInt16, 1,
                                 "channel_frequency_starts")) != Status::kOk ||
      (s = signal::requireTensor(ctx, ctx.input(4), TensorType::kInt16, 1,
                                 "channel_weight_starts")) != Status::kOk ||
      (s = signal::requireTensor(ctx, ctx.input(5), TensorType::kInt16, 1, "channel_widths")) !=
          Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kUInt64, 1, "output")) != Status::kOk) {
    return s;
  }
  int64_t channels = 0;
  if ((s = signal::requireInt(ctx, map, "num_channels", 1, 4096, &channels)) != Status::kOk)
    return s;
  if (output.elementCount > static_cast<size_t>(channels))
    return ctx.failValue(Status::kShapeMismatch, "output",
                         static_cast<int64_t>(output.elementCount), output.index);
  if ((s = checkTables(ctx, static_cast<int32_t>(channels))) != Status::kOk) return s;
  FilterBankData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->channels = static_cast<int32_t>(channels);
  d->outputs = output.elementCount;
  return ctx.requestScratch((static_cast<size_t>(channels) + 1) * sizeof(uint64_t), &d->scratch);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const FilterBankData*>(ctx.userData());
  const uint32_t* in = ctx.inputData<uint32_t>(0);
  const int16_t* weights = ctx.inputData<int16_t>(1);
  const int16_t* unweights = ctx.inputData<int16_t>(2);
  const int16_t* freqStarts = ctx.inputData<int16_t>(3);
  const int16_t* weightStarts = ctx.inputData<int16_t>(4);
  const int16_t* widths = ctx.inputData<int16_t>(5);
  auto* acc = static_cast<uint64_t*>(d->scratch);
  // int16 coefficients meet uint64 energies: sign-extended, products modulo 2^64.
  uint64_t weighted = 0, unweighted = 0;
  for (int32_t c = 0; c <= d->channels; ++c) {
    const int32_t f0 = freqStarts[c], w0 = weightStarts[c];
    for (int32_t j = 0; j < widths[c]; ++j) {
      const uint64_t e = in[f0 + j];
      weighted += static_cast<uint64_t>(static_cast<int64_t>(weights[w0 + j])) * e;
      unweighted += static_cast<uint64_t>(static_cast<int64_t>(unweights[w0 + j])) * e;
    }
    acc[c] = weighted;
    weighted = unweighted;
    unweighted = 0;
  }
  std::memcpy(ctx.outputData<uint64_t>(0), acc + 1, d->outputs * sizeof(uint64_t));
}

}  // namespace

OpRegistration registerSignalFilterBank() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalFilterBank";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
