// SignalFilterBankLog: natural log of each channel (after a left shift by
// input_correction_bits) through TFLM's 128-segment log2 table, scaled by output_scale and
// saturated to int16; inputs <= 1 give 0.
#include "model_runner/kernels/signal/signal_ops.h"
#include "model_runner/kernels/signal/signal_util.h"

namespace tinyscope::runner::kernels {

namespace {

// log2(1 + x) - x on 128 segments of [0, 1), scale 2^16 (TFLM's kLogLut values).
constexpr uint16_t kLogTable[130] = {
    0,    224,  442,  654,  861,  1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646,
    2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460,
    4549, 4633, 4714, 4791, 4864, 4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408,
    5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249,
    5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341,
    4264, 4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981,
    2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963,  830,  695,  559,  421,  282,  142,  0,    0};
constexpr uint32_t kScaleBits = 16;
constexpr uint32_t kSegmentBits = 7;
constexpr uint64_t kLnTwo = 45426;  // ln(2) * 2^16

// Fractional part of log2(x) in 16 bits, x's highest bit at `log2x`.
uint32_t log2Fraction(uint32_t x, uint32_t log2x) {
  int32_t frac = static_cast<int32_t>(static_cast<int64_t>(x) - (int64_t{1} << log2x));
  if (log2x < kScaleBits) {
    frac = static_cast<int32_t>(static_cast<uint32_t>(frac) << (kScaleBits - log2x));
  } else {
    frac >>= log2x - kScaleBits;
  }
  const uint32_t segment = static_cast<uint32_t>(frac) >> (kScaleBits - kSegmentBits);
  const int32_t c0 = kLogTable[segment];
  const int32_t c1 = kLogTable[segment + 1];
  const int32_t segmentBase = static_cast<int32_t>(segment << (kScaleBits - kSegmentBits));
  const int32_t rel = ((c1 - c0) * (frac - segmentBase)) >> kScaleBits;
  return static_cast<uint32_t>(frac + c0 + rel);
}

uint32_t log32(uint32_t x, uint32_t outScale) {
  const uint32_t integer = signal::mostSignificantBit32(x) - 1;
  const uint32_t log2 = (integer << kScaleBits) + log2Fraction(x, integer);
  const uint32_t round = 1u << (kScaleBits - 1);
  const auto ln = static_cast<uint32_t>((kLnTwo * log2 + round) >> kScaleBits);
  return (outScale * ln + round) >> kScaleBits;  // uint32 arithmetic, as TFLM's
}

struct LogData {
  uint32_t correctionBits = 0;
  uint32_t outputScale = 0;
  size_t count = 0;
};

Status prepare(OpContext& ctx) {
  Status s = requireArity(ctx, 1, 1, 1);
  if (s != Status::kOk) return s;
  flex::FlexMap map(nullptr, 0);
  if ((s = signal::readOptions(ctx, &map)) != Status::kOk) return s;
  const TensorDesc input = ctx.input(0), output = ctx.output(0);
  if ((s = signal::requireTensor(ctx, input, TensorType::kUInt32, 1, "input")) != Status::kOk ||
      (s = signal::requireTensor(ctx, output, TensorType::kInt16, 1, "output")) != Status::kOk) {
    return s;
  }
  if (output.elementCount != input.elementCount)
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  int64_t bits = 0, scale = 0;
  if ((s = signal::requireInt(ctx, map, "input_correction_bits", 0, 31, &bits)) != Status::kOk ||
      (s = signal::requireInt(ctx, map, "output_scale", -2147483647 - 1, 2147483647, &scale)) !=
          Status::kOk) {
    return s;
  }
  LogData* d = nullptr;
  if ((s = allocateOpData(ctx, &d)) != Status::kOk) return s;
  d->correctionBits = static_cast<uint32_t>(bits);
  d->outputScale = static_cast<uint32_t>(scale);
  d->count = input.elementCount;
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const LogData*>(ctx.userData());
  const uint32_t* in = ctx.inputData<uint32_t>(0);
  int16_t* out = ctx.outputData<int16_t>(0);
  for (size_t i = 0; i < d->count; ++i) {
    const uint32_t scaled = in[i] << d->correctionBits;
    if (scaled > 1) {
      const uint32_t v = log32(scaled, d->outputScale);
      out[i] = static_cast<int16_t>(v < 32767u ? v : 32767u);
    } else {
      out[i] = 0;
    }
  }
}

}  // namespace

OpRegistration registerSignalFilterBankLog() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  r.customName = "SignalFilterBankLog";
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
