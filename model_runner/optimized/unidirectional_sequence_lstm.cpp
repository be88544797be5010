// UNIDIRECTIONAL_SEQUENCE_LSTM, optimized for desktop hosts with a host cache: each gate's two
// fully connected parts (input and recurrent weights) are prepared once as cached int8 GEMVs
// into int32 and requantized to Q3.12 in the vector unit; the elementwise products requantize
// the same way; sigmoid and tanh are looked up in tables of every int16 value built at prepare
// from the reference's own functions. Without a host cache (a device
// plan) or vector unit, the reference kernel runs unchanged.
#include "model_runner/kernels/unidirectional_sequence_lstm.h"

#include <cstring>

#include "model_runner/kernels/lut_activations.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::optimized {

namespace {

using kernels::LstmGate;
using kernels::LstmMulParams;
using kernels::LstmParams;

constexpr uint32_t kInput = 0, kInputWeights = 1, kRecurrentWeights = 5, kGateBias = 12;
constexpr uint32_t kHiddenState = 18, kCellState = 19;

// A uniform requantization (one multiplier and shift for every element) over `count` values.
struct Requant {
  RequantParams rq;  // arrays of roundUp(count, 8) entries, offsetBias zero
};

struct LstmCache {
  CachedGemv input[4], recurrent[4];  // acc + bias + input-offset terms
  Requant inputToQ312[4], recurrentToQ312[4];
  Requant forgetTimesCell, inputTimesCellGate, outputTimesTanh;
  int32_t* acc[2] = {};  // work buffers: rows * stateSize int32 each, rounded up to 8
  // The reference's sigmoid/tanh of every int16 value (indexed by the value as uint16): gates
  // (Q3.12 in) and the cell state's tanh (its own input scaling).
  const int16_t* sigmoidQ312 = nullptr;
  const int16_t* tanhQ312 = nullptr;
  const int16_t* tanhCell = nullptr;
};

// table[(uint16) x] = f(x) for every int16 x, from the reference function itself.
const int16_t* int16Table(const OpContext& ctx,
                          void (*f)(int32_t, int32_t, int32_t, const int16_t*, int16_t*),
                          int32_t multiplier, int32_t shift) {
  auto* t = static_cast<int16_t*>(ctx.allocateHostCache(sizeof(int16_t) * 65536));
  if (t == nullptr) return nullptr;
  for (int32_t u = 0; u < 65536; ++u) t[u] = static_cast<int16_t>(static_cast<uint16_t>(u));
  f(multiplier, shift, 65536, t, t);  // input and output may alias
  return t;
}

bool buildRequant(const OpContext& ctx, int32_t count, int32_t multiplier, int32_t shift,
                  int32_t outputOffset, int32_t actMin, int32_t actMax, Requant* r) {
  return buildUniformRequant(ctx, count, multiplier, shift, outputOffset, actMin, actMax, &r->rq);
}

bool buildMul(const OpContext& ctx, int32_t count, const LstmMulParams& m, Requant* r) {
  return buildRequant(ctx, count, m.multiplier, m.shift, m.outputOffset, m.actMin, m.actMax, r);
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  const Status s = kernels::registerUnidirectionalSequenceLstm().prepare(ctx);
  const SimdKernels* simd = simdKernels(kIsa);
  if (s != Status::kOk || simd == nullptr) return s;
  const auto* d = static_cast<const kernels::LstmOpData*>(ctx.userData());
  const LstmParams& p = d->params;
  for (uint32_t g = 0; g < 4; ++g) {
    if (!ctx.input(kInputWeights + g).isConstant() ||
        !ctx.input(kRecurrentWeights + g).isConstant() || !ctx.input(kGateBias + g).isConstant()) {
      return Status::kOk;
    }
  }
  auto* c = static_cast<LstmCache*>(ctx.allocateHostCache(sizeof(LstmCache)));
  if (c == nullptr) return Status::kOk;
  *c = LstmCache();
  const int32_t rows = p.timeMajor ? p.batches : 1;
  const int32_t n = rows * p.stateSize;
  for (uint32_t g = 0; g < 4; ++g) {
    const kernels::LstmGateParams& gp = p.gates[g];
    if (!buildCachedGemv(ctx, ctx.inputData<int8_t>(kInputWeights + g), p.stateSize, p.inputSize,
                         ctx.inputData<int32_t>(kGateBias + g),
                         gp.inputFc.inputOffset - simd->activationBias, &gp.inputMultiplier,
                         &gp.inputShift, false, 0, -32768, 32767, &c->input[g]) ||
        !buildCachedGemv(ctx, ctx.inputData<int8_t>(kRecurrentWeights + g), p.stateSize,
                         p.stateSize, nullptr, gp.recurrentFc.inputOffset - simd->activationBias,
                         &gp.recurrentMultiplier, &gp.recurrentShift, false, 0, -32768, 32767,
                         &c->recurrent[g]) ||
        !buildRequant(ctx, n, gp.inputMultiplier, gp.inputShift, 0, -32768, 32767,
                      &c->inputToQ312[g]) ||
        !buildRequant(ctx, n, gp.recurrentMultiplier, gp.recurrentShift, 0, -32768, 32767,
                      &c->recurrentToQ312[g])) {
      return Status::kOk;
    }
  }
  if (!buildMul(ctx, n, p.forgetTimesCell, &c->forgetTimesCell) ||
      !buildMul(ctx, n, p.inputTimesCellGate, &c->inputTimesCellGate) ||
      !buildMul(ctx, n, p.outputTimesTanh, &c->outputTimesTanh)) {
    return Status::kOk;
  }
  c->sigmoidQ312 = int16Table(ctx, kernels::lut::sigmoidInt16, 0, 0);
  c->tanhQ312 = int16Table(ctx, kernels::lut::tanhInt16, 0, 0);
  c->tanhCell = int16Table(ctx, kernels::lut::tanhInt16, p.cellTanhMultiplier, p.cellTanhShift);
  if (c->sigmoidQ312 == nullptr || c->tanhQ312 == nullptr || c->tanhCell == nullptr)
    return Status::kOk;
  for (int32_t*& a : c->acc) {
    a = static_cast<int32_t*>(
        ctx.allocateHostCache(sizeof(int32_t) * static_cast<size_t>(roundUp(n, kChannelBlock))));
    if (a != nullptr) std::memset(a, 0, sizeof(int32_t) * static_cast<size_t>(roundUp(n, 8)));
    if (a == nullptr) return Status::kOk;
  }
  ctx.setHostData(c);
  return Status::kOk;
}

// acc[i] = clamp(MultiplyByQuantizedMultiplier(acc[i]) + offset) for i < n, in vector blocks
// of 8 (acc and the arrays hold roundUp(n, 8) entries; the lanes past n are don't-care).
void requantAll(const SimdKernels& simd, const Requant& r, int32_t n, int32_t* acc) {
  simd.requant(acc, roundUp(n, kChannelBlock), r.rq, acc);
}

struct Step {
  const SimdKernels& simd;
  const LstmCache& c;
  const LstmParams& p;
  int32_t rows;
  int16_t* b[4];

  int32_t count() const { return rows * p.stateSize; }

  // gate = act(FC(x, W) + FC(h, R)) in Q0.15, each FC requantized to Q3.12 and clamped to int16,
  // their sum saturated.
  void gate(LstmGate g, const int8_t* x, const int8_t* h, int16_t* out) const {
    const int32_t n = count();
    int32_t* a = c.acc[0];
    int32_t* r = c.acc[1];
    simd.gemvCached(c.input[g], x, rows, nullptr, a);
    simd.gemvCached(c.recurrent[g], h, rows, nullptr, r);
    requantAll(simd, c.inputToQ312[g], n, a);
    requantAll(simd, c.recurrentToQ312[g], n, r);
    const int16_t* act = g == kernels::kLstmCellGate ? c.tanhQ312 : c.sigmoidQ312;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t sum = a[i] + r[i];
      const int32_t q = sum < -32768 ? -32768 : (sum > 32767 ? 32767 : sum);
      out[i] = act[static_cast<uint16_t>(q)];
    }
  }

  // The products of two int16 vectors, requantized (MulElementwise).
  template <typename OutputT>
  void mul(const Requant& m, const int16_t* x, const int16_t* y, OutputT* out) const {
    const int32_t n = count();
    int32_t* a = c.acc[0];
    for (int32_t i = 0; i < n; ++i) a[i] = static_cast<int32_t>(x[i]) * static_cast<int32_t>(y[i]);
    requantAll(simd, m, n, a);
    for (int32_t i = 0; i < n; ++i) out[i] = static_cast<OutputT>(a[i]);
  }

  void run(const int8_t* x, int8_t* h, int16_t* cell, int8_t* out) const {
    const int32_t n = count();
    int16_t* forget = b[0];
    int16_t* input = b[1];
    int16_t* cellGate = b[2];
    gate(kernels::kLstmForgetGate, x, h, forget);
    gate(kernels::kLstmInputGate, x, h, input);
    gate(kernels::kLstmCellGate, x, h, cellGate);
    mul(c.forgetTimesCell, forget, cell, cell);
    int16_t* inputTimesCellGate = b[1];
    mul(c.inputTimesCellGate, input, cellGate, inputTimesCellGate);
    for (int32_t i = 0; i < n; ++i) {
      const int32_t sum = cell[i] + inputTimesCellGate[i];
      cell[i] = static_cast<int16_t>(sum < -32768 ? -32768 : (sum > 32767 ? 32767 : sum));
    }
    if (p.cellClip > 0) {
      const int16_t hi = p.cellClip, lo = static_cast<int16_t>(-p.cellClip);
      for (int32_t i = 0; i < n; ++i) cell[i] = cell[i] > hi ? hi : (cell[i] < lo ? lo : cell[i]);
    }
    int16_t* outputGate = b[1];
    gate(kernels::kLstmOutputGate, x, h, outputGate);
    int16_t* cellTanh = b[0];
    for (int32_t i = 0; i < n; ++i) cellTanh[i] = c.tanhCell[static_cast<uint16_t>(cell[i])];
    mul(c.outputTimesTanh, cellTanh, outputGate, h);
    std::memcpy(out, h, static_cast<size_t>(n));
  }
};

template <uint8_t kIsa>
void invoke(const OpContext& ctx) {
  const auto* c = static_cast<const LstmCache*>(ctx.hostData());
  const SimdKernels* simd = simdKernels(kIsa);
  if (c == nullptr || simd == nullptr) {
    kernels::registerUnidirectionalSequenceLstm().invoke(ctx);
    return;
  }
  const auto* d = static_cast<const kernels::LstmOpData*>(ctx.userData());
  const LstmParams& p = d->params;
  const int8_t* input = ctx.inputData<int8_t>(kInput);
  auto* hidden = static_cast<int8_t*>(ctx.data(ctx.inputIndex(kHiddenState)));
  auto* cell = static_cast<int16_t*>(ctx.data(ctx.inputIndex(kCellState)));
  int8_t* output = ctx.outputData<int8_t>(0);
  Step step{*simd, *c, p, p.timeMajor ? p.batches : 1, {}};
  for (int i = 0; i < 4; ++i) step.b[i] = static_cast<int16_t*>(d->buffers[i]);
  if (p.timeMajor) {
    // All batches advance together: step t reads [t, :, :].
    for (int32_t t = 0; t < p.timeSteps; ++t) {
      step.run(input + t * p.batches * p.inputSize, hidden, cell,
               output + t * p.batches * p.stateSize);
    }
    return;
  }
  // Batch-major: one batch at a time through all its steps, with its own state slice.
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t t = 0; t < p.timeSteps; ++t) {
      const int32_t row = b * p.timeSteps + t;
      step.run(input + row * p.inputSize, hidden + b * p.stateSize, cell + b * p.stateSize,
               output + row * p.stateSize);
    }
  }
}

}  // namespace

OpRegistration registerUnidirectionalSequenceLstm(Isa isa) {
  OpRegistration r = kernels::registerUnidirectionalSequenceLstm();
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  r.invoke = forIsa(isa, invoke<0>, invoke<1>, invoke<2>, invoke<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
