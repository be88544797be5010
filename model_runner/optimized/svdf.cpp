// SVDF, optimized for desktop hosts with a host cache: the feature matrix (filters x input) is
// packed once for the recurrent GEMV (whole vectors of filters per depth group, no horizontal
// sums) and requantized to the state in the vector unit. With int8 state and AVX-512 (memory a
// power of two from 4 to 64), one pass per batch shifts each 64-byte chunk of the state, drops in
// the newest slots, stores it and multiplies it by the time weights (VNNI quads of state + 128),
// reducing the quads of 16 units in registers. Otherwise the state shifts with one memmove, the
// newest slots are scattered, and the time weights meet the state in groups of products (VNNI
// quads, or int16 pairs) summed by vector halving. Either way each unit's sum lands on a constant
// prepared once: bias - (state offset + zero point) * sum of the unit's time weights, all in
// wrapping int32 like the reference's sum of w * (s - zero point). A memory that is not a whole
// number of groups takes a scalar loop. Without a host cache (a device plan) or vector unit, or
// with a bias that is not constant, the reference kernel runs unchanged.
#include "model_runner/kernels/svdf.h"

#include <cstring>

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"
#include "model_runner/optimized/simd_recurrent.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::optimized {

namespace {

constexpr uint32_t kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4;

struct SvdfCache {
  const void* feature = nullptr;  // the feature matrix packed for gemvPacked
  RequantParams toState;   // input-offset term, effective scale 1, the state type's clamp (the
                           // zero point is added after)
  RequantParams toOutput;  // effective scale 2, output zero point, int8 clamp
  int32_t group = 0;       // products per group (0: memory is not a whole number of groups)
  const int32_t* unitOffset = nullptr;  // per unit: bias - (state offset + zp) * time weight sum
  int32_t* acc = nullptr;               // work: roundUp(filters, 16) (one batch)
  int32_t* accOut = nullptr;            // work: roundUp(units, 16) (one batch)
  int32_t* groups = nullptr;            // work: filters * memory / 2 + 16
};

template <typename StateT>
uint32_t timeSum(const StateT* wt, int32_t memory) {
  uint32_t sum = 0;
  for (int32_t m = 0; m < memory; ++m) sum += static_cast<uint32_t>(static_cast<int32_t>(wt[m]));
  return sum;
}

// Host-cache int32 array of n entries, zeroed; nullptr when the cache is exhausted.
int32_t* hostInts(const OpContext& ctx, int32_t n) {
  auto* p = static_cast<int32_t*>(ctx.allocateHostCache(sizeof(int32_t) * static_cast<size_t>(n)));
  if (p != nullptr) std::memset(p, 0, sizeof(int32_t) * static_cast<size_t>(n));
  return p;
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  const Status s = kernels::registerSvdf().prepare(ctx);
  const SimdKernels* simd = simdKernels(kIsa);
  const RecurrentKernels* rk = recurrentKernels(kIsa);
  if (s != Status::kOk || simd == nullptr || rk == nullptr) return s;
  const auto* d = static_cast<const kernels::SvdfOpData*>(ctx.userData());
  const kernels::SvdfParams& p = d->params;
  if (!ctx.input(kWeightsFeature).isConstant() || !ctx.input(kWeightsTime).isConstant() ||
      (d->hasBias && !ctx.input(kBias).isConstant())) {
    return Status::kOk;
  }
  auto* cache = static_cast<SvdfCache*>(ctx.allocateHostCache(sizeof(SvdfCache)));
  if (cache == nullptr) return Status::kOk;
  *cache = SvdfCache();
  int32_t* unitOffset = hostInts(ctx, p.units);
  cache->acc = hostInts(ctx, roundUp(p.filters, 16));
  cache->accOut = hostInts(ctx, roundUp(p.units, 16));
  cache->groups = hostInts(ctx, p.filters * (p.memory / 2) + 16);
  if (unitOffset == nullptr || cache->acc == nullptr || cache->accOut == nullptr ||
      cache->groups == nullptr) {
    return Status::kOk;
  }
  const int32_t stateMin = d->int16State ? -32768 : -128, stateMax = d->int16State ? 32767 : 127;
  const int8_t* wf = ctx.inputData<int8_t>(kWeightsFeature);
  void* packed = ctx.allocateHostCache(rk->packedGemvBytes(p.filters, p.inputSize));
  CachedGemv feature;  // its requantization arrays (offset term from the weight sums)
  if (packed == nullptr ||
      !buildCachedGemv(ctx, wf, p.filters, p.inputSize, nullptr, -p.inputZeroPoint - rk->stateBias,
                       &p.multiplier1, &p.shift1, false, 0, stateMin, stateMax, &feature) ||
      !buildUniformRequant(ctx, p.units, p.multiplier2, p.shift2, p.outputZeroPoint, -128, 127,
                           &cache->toOutput)) {
    return Status::kOk;
  }
  rk->packGemv(wf, p.filters, p.inputSize, packed);
  cache->feature = packed;
  cache->toState = feature.rq;
  const int32_t group = d->int16State ? 2 : rk->dotGroup;
  const uint32_t stateOffset = static_cast<uint32_t>(d->int16State ? 0 : rk->stateBias) +
                               static_cast<uint32_t>(p.stateZeroPoint);
  cache->group = p.memory % group == 0 ? group : 0;
  const int32_t* bias = d->hasBias ? ctx.inputData<int32_t>(kBias) : nullptr;
  for (int32_t u = 0; u < p.units; ++u) {
    uint32_t sum = 0;
    for (int32_t r = 0; r < p.rank; ++r) {
      const size_t f =
          static_cast<size_t>(u) * static_cast<size_t>(p.rank) + static_cast<size_t>(r);
      const size_t at = f * static_cast<size_t>(p.memory);
      sum += d->int16State ? timeSum(ctx.inputData<int16_t>(kWeightsTime) + at, p.memory)
                           : timeSum(ctx.inputData<int8_t>(kWeightsTime) + at, p.memory);
    }
    unitOffset[u] = static_cast<int32_t>((bias != nullptr ? static_cast<uint32_t>(bias[u]) : 0u) -
                                         stateOffset * sum);
  }
  cache->unitOffset = unitOffset;
  ctx.setHostData(cache);
  return Status::kOk;
}

// acc[u] = bias[u] + sum over the unit's filters and memory of w * (s - zero point), wrapping
// int32 (the reference's order of terms does not matter modulo 2^32).
template <typename StateT>
void timeScalar(const kernels::SvdfParams& p, const StateT* s, const StateT* wt,
                const int32_t* bias, int32_t* acc) {
  for (int32_t u = 0; u < p.units; ++u) {
    uint32_t sum = bias != nullptr ? static_cast<uint32_t>(bias[u]) : 0u;
    const int32_t n = p.rank * p.memory;
    const StateT* su = s + static_cast<size_t>(u) * static_cast<size_t>(n);
    const StateT* wu = wt + static_cast<size_t>(u) * static_cast<size_t>(n);
    for (int32_t i = 0; i < n; ++i) {
      sum += static_cast<uint32_t>(static_cast<int32_t>(wu[i]) *
                                   (static_cast<int32_t>(su[i]) - p.stateZeroPoint));
    }
    acc[u] = static_cast<int32_t>(sum);
  }
}

template <typename StateT>
void run(const SimdKernels& simd, const RecurrentKernels& rk, const SvdfCache& c,
         const kernels::SvdfOpData& d, const OpContext& ctx) {
  const kernels::SvdfParams& p = d.params;
  auto* state = static_cast<StateT*>(ctx.data(ctx.inputIndex(kState)));
  const StateT* wt = ctx.inputData<StateT>(kWeightsTime);
  const int8_t* input = ctx.inputData<int8_t>(kInput);
  int8_t* out = ctx.outputData<int8_t>(0);
  const size_t batchState = static_cast<size_t>(p.filters) * static_cast<size_t>(p.memory);
  const int32_t* bias = d.hasBias ? ctx.inputData<int32_t>(kBias) : nullptr;
  // Feature matrix, then effective scale 1 and the state clamp in the vector unit; the zero
  // point is added after the clamp with wrap-around as each filter's newest slot.
  auto feature = [&](int32_t b) {
    rk.gemvPacked(c.feature, p.filters, p.inputSize,
                  input + static_cast<size_t>(b) * static_cast<size_t>(p.inputSize), c.acc);
    simd.requant(c.acc, roundUp(p.filters, kChannelBlock), c.toState, c.acc);
  };
  // Effective scale 2 of the units' sums, to the output.
  auto finish = [&](int32_t b) {
    simd.requant(c.accOut, roundUp(p.units, kChannelBlock), c.toOutput, c.accOut);
    rk.narrowBytes(c.accOut, p.units, out + static_cast<size_t>(b) * static_cast<size_t>(p.units));
  };
  if constexpr (sizeof(StateT) == 1) {
    // Shift (the reference shifts the whole array by one; per batch it is the same: each batch's
    // last slot is a newest slot), newest slots and time weights in one pass where it can.
    SvdfShift8 job{nullptr, wt,     c.acc,    c.unitOffset,    c.accOut,
                   p.units, p.rank, p.memory, p.stateZeroPoint};
    bool fused = true;
    for (int32_t b = 0; b < p.batches && fused; ++b) {
      feature(b);
      job.state = state + static_cast<size_t>(b) * batchState;
      fused = rk.svdfShift8(job);
      if (fused) finish(b);
    }
    if (fused) return;  // a shape it cannot take fails on the first batch, before any write
  }
  const size_t stateSize = static_cast<size_t>(p.batches) * batchState;
  if (stateSize > 1) std::memmove(state, state + 1, (stateSize - 1) * sizeof(StateT));
  for (int32_t b = 0; b < p.batches; ++b) {
    feature(b);
    StateT* newest = state + static_cast<size_t>(b) * batchState + (p.memory - 1);
    if constexpr (sizeof(StateT) == 1) {
      rk.scatterBytes(c.acc, p.filters, p.stateZeroPoint, newest, p.memory);
    } else {
      for (int32_t f = 0; f < p.filters; ++f) {
        newest[static_cast<size_t>(f) * static_cast<size_t>(p.memory)] =
            static_cast<StateT>(quant::wrappingAdd(c.acc[f], p.stateZeroPoint));
      }
    }
  }
  // Time weights against the state, reduced over memory and rank onto the unit offsets.
  for (int32_t b = 0; b < p.batches; ++b) {
    const StateT* s = state + static_cast<size_t>(b) * batchState;
    if (c.group != 0) {
      const int32_t n = p.filters * p.memory;
      if constexpr (sizeof(StateT) == 1) {
        rk.timeDots8(s, wt, n, c.groups);
      } else {
        simd.pairDots16(s, wt, n, c.groups);
      }
      rk.groupSums(c.groups, p.units, p.rank * p.memory / c.group, c.unitOffset, c.accOut);
    } else {
      timeScalar(p, s, wt, bias, c.accOut);
    }
    finish(b);
  }
}

template <uint8_t kIsa>
void invoke(const OpContext& ctx) {
  const auto* cache = static_cast<const SvdfCache*>(ctx.hostData());
  const SimdKernels* simd = simdKernels(kIsa);
  const RecurrentKernels* rk = recurrentKernels(kIsa);
  if (cache == nullptr || simd == nullptr || rk == nullptr) {
    kernels::registerSvdf().invoke(ctx);
    return;
  }
  const auto& d = *static_cast<const kernels::SvdfOpData*>(ctx.userData());
  if (d.int16State) {
    run<int16_t>(*simd, *rk, *cache, d, ctx);
  } else {
    run<int8_t>(*simd, *rk, *cache, d, ctx);
  }
}

}  // namespace

OpRegistration registerSvdf(Isa isa) {
  OpRegistration r = kernels::registerSvdf();
  r.prepare = forIsa(isa, prepare<0>, prepare<1>, prepare<2>, prepare<3>);
  r.invoke = forIsa(isa, invoke<0>, invoke<1>, invoke<2>, invoke<3>);
  return r;
}

}  // namespace tinyscope::runner::optimized
