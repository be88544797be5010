// UNIDIRECTIONAL_SEQUENCE_LSTM, optimized for desktop hosts with a host cache: the four gates'
// input weights are stacked into one matrix (4 x state rows, gate order of LstmGate) and so are
// their recurrent weights, each packed once for the recurrent GEMV; a time step is two GEMVs, two
// vector requantizations to Q3.12 (each row with its gate's multiplier; the input rows add the
// bias and both add the input-offset terms), then the gate activations, cell update and hidden
// state on whole vectors of one row. Sigmoid and tanh are looked up in tables of every int16
// value built at prepare from the reference's own functions. Each batch row runs alone (rows
// never meet). Without a host cache (a device plan) or vector unit, the reference kernel runs
// unchanged.
#include "model_runner/kernels/unidirectional_sequence_lstm.h"

#include <cstring>

#include "model_runner/kernels/lut_activations.h"
#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"
#include "model_runner/optimized/simd_recurrent.h"

namespace tinyscope::runner::optimized {

namespace {

using kernels::LstmMulParams;
using kernels::LstmParams;

constexpr uint32_t kInput = 0, kInputWeights = 1, kRecurrentWeights = 5, kGateBias = 12;
constexpr uint32_t kHiddenState = 18, kCellState = 19;

// One stacked matrix of the four gates, packed, with its per-row requantization to Q3.12.
struct StackedGemv {
  const void* packed = nullptr;
  int32_t depth = 0;
  RequantParams rq;  // roundUp(4 * state, 8) rows: offset terms, gate multipliers, int16 clamp
};

struct LstmCache {
  StackedGemv input, recurrent;
  RequantParams forgetTimesCell, inputTimesCellGate, outputTimesTanh;  // state-size arrays
  // Work buffers (one batch row): the two GEMVs' int32 rows (roundUp(4 * state, 16)), the gates
  // in Q0.15 (4 * state), two product rows (roundUp(state, 16)) and the cell's tanh (state).
  int32_t* accInput = nullptr;
  int32_t* accRecurrent = nullptr;
  int16_t* gates = nullptr;
  int32_t* productA = nullptr;
  int32_t* productB = nullptr;
  int16_t* cellTanh = nullptr;
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

template <typename T>
T* hostArray(const OpContext& ctx, int32_t n) {
  auto* p = static_cast<T*>(ctx.allocateHostCache(sizeof(T) * static_cast<size_t>(n)));
  if (p != nullptr) std::memset(p, 0, sizeof(T) * static_cast<size_t>(n));
  return p;
}

// Stacks the four gates' matrices (`first` + gate) of `depth` columns, packs them, and builds
// the per-row requantization (bias: the gates' biases at kGateBias, or none).
bool buildStacked(const OpContext& ctx, const RecurrentKernels& rk, const LstmParams& p,
                  uint32_t first, int32_t depth, bool recurrent, StackedGemv* out) {
  const int32_t s = p.stateSize, rows = 4 * s;
  auto* weights = hostArray<int8_t>(ctx, rows * depth);
  auto* bias = hostArray<int32_t>(ctx, rows);
  auto* multipliers = hostArray<int32_t>(ctx, rows);
  auto* shifts = hostArray<int32_t>(ctx, rows);
  void* packed = ctx.allocateHostCache(rk.packedGemvBytes(rows, depth));
  if (weights == nullptr || bias == nullptr || multipliers == nullptr || shifts == nullptr ||
      packed == nullptr) {
    return false;
  }
  const kernels::FullyConnectedParams& fc0 =
      recurrent ? p.gates[0].recurrentFc : p.gates[0].inputFc;
  for (uint32_t g = 0; g < 4; ++g) {
    const kernels::LstmGateParams& gp = p.gates[g];
    const kernels::FullyConnectedParams& fc = recurrent ? gp.recurrentFc : gp.inputFc;
    if (fc.inputOffset != fc0.inputOffset) return false;
    const size_t row0 = static_cast<size_t>(g) * static_cast<size_t>(s);
    std::memcpy(weights + row0 * static_cast<size_t>(depth), ctx.inputData<int8_t>(first + g),
                static_cast<size_t>(s) * static_cast<size_t>(depth));
    if (!recurrent) {
      std::memcpy(bias + row0, ctx.inputData<int32_t>(kGateBias + g),
                  sizeof(int32_t) * static_cast<size_t>(s));
    }
    for (int32_t r = 0; r < s; ++r) {
      multipliers[row0 + static_cast<size_t>(r)] =
          recurrent ? gp.recurrentMultiplier : gp.inputMultiplier;
      shifts[row0 + static_cast<size_t>(r)] = recurrent ? gp.recurrentShift : gp.inputShift;
    }
  }
  CachedGemv rq;  // its requantization arrays (offset terms from the weight sums)
  if (!buildCachedGemv(ctx, weights, rows, depth, bias, fc0.inputOffset - rk.stateBias, multipliers,
                       shifts, true, 0, -32768, 32767, &rq)) {
    return false;
  }
  rk.packGemv(weights, rows, depth, packed);
  out->packed = packed;
  out->depth = depth;
  out->rq = rq.rq;
  return true;
}

bool buildMul(const OpContext& ctx, int32_t count, const LstmMulParams& m, RequantParams* r) {
  return buildUniformRequant(ctx, count, m.multiplier, m.shift, m.outputOffset, m.actMin, m.actMax,
                             r);
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  const Status s = kernels::registerUnidirectionalSequenceLstm().prepare(ctx);
  const SimdKernels* simd = simdKernels(kIsa);
  const RecurrentKernels* rk = recurrentKernels(kIsa);
  if (s != Status::kOk || simd == nullptr || rk == nullptr) return s;
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
  const int32_t n = p.stateSize, rows = roundUp(4 * n, 16);
  c->accInput = hostArray<int32_t>(ctx, rows);
  c->accRecurrent = hostArray<int32_t>(ctx, rows);
  c->gates = hostArray<int16_t>(ctx, 4 * n);
  c->productA = hostArray<int32_t>(ctx, roundUp(n, 16));
  c->productB = hostArray<int32_t>(ctx, roundUp(n, 16));
  c->cellTanh = hostArray<int16_t>(ctx, n);
  if (c->accInput == nullptr || c->accRecurrent == nullptr || c->gates == nullptr ||
      c->productA == nullptr || c->productB == nullptr || c->cellTanh == nullptr ||
      !buildStacked(ctx, *rk, p, kInputWeights, p.inputSize, false, &c->input) ||
      !buildStacked(ctx, *rk, p, kRecurrentWeights, n, true, &c->recurrent) ||
      !buildMul(ctx, n, p.forgetTimesCell, &c->forgetTimesCell) ||
      !buildMul(ctx, n, p.inputTimesCellGate, &c->inputTimesCellGate) ||
      !buildMul(ctx, n, p.outputTimesTanh, &c->outputTimesTanh)) {
    return Status::kOk;
  }
  c->sigmoidQ312 = int16Table(ctx, kernels::lut::sigmoidInt16, 0, 0);
  c->tanhQ312 = int16Table(ctx, kernels::lut::tanhInt16, 0, 0);
  c->tanhCell = int16Table(ctx, kernels::lut::tanhInt16, p.cellTanhMultiplier, p.cellTanhShift);
  if (c->sigmoidQ312 == nullptr || c->tanhQ312 == nullptr || c->tanhCell == nullptr)
    return Status::kOk;
  ctx.setHostData(c);
  return Status::kOk;
}

struct Step {
  const SimdKernels& simd;
  const RecurrentKernels& rk;
  const LstmCache& c;
  const LstmParams& p;

  // One batch row, one time step: x (input), h (hidden, updated), cell (updated), out.
  void run(const int8_t* x, int8_t* h, int16_t* cell, int8_t* out) const {
    const int32_t n = p.stateSize, stacked = roundUp(4 * n, kChannelBlock);
    const int32_t n8 = roundUp(n, kChannelBlock);
    // gate = act(Q3.12(FC(x, W)) + Q3.12(FC(h, R))) for the four gates at once.
    rk.gemvPacked(c.input.packed, 4 * n, p.inputSize, x, c.accInput);
    rk.gemvPacked(c.recurrent.packed, 4 * n, n, h, c.accRecurrent);
    simd.requant(c.accInput, stacked, c.input.rq, c.accInput);
    simd.requant(c.accRecurrent, stacked, c.recurrent.rq, c.accRecurrent);
    int16_t* input = c.gates + kernels::kLstmInputGate * n;
    int16_t* forget = c.gates + kernels::kLstmForgetGate * n;
    int16_t* cellGate = c.gates + kernels::kLstmCellGate * n;
    int16_t* output = c.gates + kernels::kLstmOutputGate * n;
    static_assert(kernels::kLstmCellGate == 2, "sigmoid rows 0..2n, tanh 2n..3n, sigmoid 3n..4n");
    rk.addLookup(c.accInput, c.accRecurrent, 2 * n, c.sigmoidQ312, c.gates);
    rk.addLookup(c.accInput + 2 * n, c.accRecurrent + 2 * n, n, c.tanhQ312, cellGate);
    rk.addLookup(c.accInput + 3 * n, c.accRecurrent + 3 * n, n, c.sigmoidQ312, output);
    // cell = clip(saturate(forget * cell + input * cell gate)), each product requantized.
    rk.products16(forget, cell, n, c.productA);
    rk.products16(input, cellGate, n, c.productB);
    simd.requant(c.productA, n8, c.forgetTimesCell, c.productA);
    simd.requant(c.productB, n8, c.inputTimesCellGate, c.productB);
    const int32_t hi = p.cellClip > 0 ? p.cellClip : 32767;
    const int32_t lo = p.cellClip > 0 ? -p.cellClip : -32768;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t sum = c.productA[i] + c.productB[i];
      const int32_t q = sum < lo ? lo : (sum > hi ? hi : sum);
      cell[i] = static_cast<int16_t>(q);
      c.cellTanh[i] = c.tanhCell[static_cast<uint16_t>(q)];
    }
    // h = output gate * tanh(cell), requantized to the hidden state; copied to the output.
    rk.products16(c.cellTanh, output, n, c.productA);
    simd.requant(c.productA, n8, c.outputTimesTanh, c.productA);
    rk.narrowBytes(c.productA, n, h);
    std::memcpy(out, h, static_cast<size_t>(n));
  }
};

template <uint8_t kIsa>
void invoke(const OpContext& ctx) {
  const auto* c = static_cast<const LstmCache*>(ctx.hostData());
  const SimdKernels* simd = simdKernels(kIsa);
  const RecurrentKernels* rk = recurrentKernels(kIsa);
  if (c == nullptr || simd == nullptr || rk == nullptr) {
    kernels::registerUnidirectionalSequenceLstm().invoke(ctx);
    return;
  }
  const auto* d = static_cast<const kernels::LstmOpData*>(ctx.userData());
  const LstmParams& p = d->params;
  const int8_t* input = ctx.inputData<int8_t>(kInput);
  auto* hidden = static_cast<int8_t*>(ctx.data(ctx.inputIndex(kHiddenState)));
  auto* cell = static_cast<int16_t*>(ctx.data(ctx.inputIndex(kCellState)));
  int8_t* output = ctx.outputData<int8_t>(0);
  const Step step{*simd, *rk, *c, p};
  const size_t in = static_cast<size_t>(p.inputSize), st = static_cast<size_t>(p.stateSize);
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t t = 0; t < p.timeSteps; ++t) {
      // Row of (b, t): [t, b, :] time-major, [b, t, :] batch-major.
      const size_t row = static_cast<size_t>(p.timeMajor ? t * p.batches + b : b * p.timeSteps + t);
      step.run(input + row * in, hidden + static_cast<size_t>(b) * st,
               cell + static_cast<size_t>(b) * st, output + row * st);
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
