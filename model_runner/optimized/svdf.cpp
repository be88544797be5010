// SVDF, optimized for desktop hosts with a host cache: the feature matrix (filters x input) is
// prepared once like a fully connected layer and run as an int8 GEMV into int32; the time
// weights meet the state in one widened pass (sum w*s - zero point * sum w, both in wrapping
// int32 as the reference's sum of w*(s - zero point)); the state shifts with one memmove.
// Without a host cache (a device plan) or vector unit, the reference kernel runs unchanged.
#include "model_runner/kernels/svdf.h"

#include <cstring>
#include <limits>

#include "model_runner/optimized/optimized_registrations.h"
#include "model_runner/optimized/simd_kernels.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::optimized {

namespace {

constexpr uint32_t kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4;

struct SvdfCache {
  CachedGemv feature;      // acc = sum w * (x - input zero point)
  RequantParams toState;   // effective scale 1, clamped to the state type (zero point added after)
  RequantParams toOutput;  // effective scale 2, output zero point, int8 clamp
  const int32_t* timeSums = nullptr;  // per filter: the sum of its time weights
  int32_t* pairs = nullptr;           // work buffer: batches * filters * memory / 2 (memory even)
};

template <typename StateT>
void timeSums(const StateT* wt, int32_t filters, int32_t memory, int32_t* sums) {
  for (int32_t f = 0; f < filters; ++f) {
    uint32_t sum = 0;
    for (int32_t m = 0; m < memory; ++m)
      sum += static_cast<uint32_t>(static_cast<int32_t>(wt[f * memory + m]));
    sums[f] = static_cast<int32_t>(sum);
  }
}

template <uint8_t kIsa>
Status prepare(OpContext& ctx) {
  const Status s = kernels::registerSvdf().prepare(ctx);
  const SimdKernels* simd = simdKernels(kIsa);
  if (s != Status::kOk || simd == nullptr) return s;
  const auto* d = static_cast<const kernels::SvdfOpData*>(ctx.userData());
  const kernels::SvdfParams& p = d->params;
  if (!ctx.input(kWeightsFeature).isConstant() || !ctx.input(kWeightsTime).isConstant())
    return Status::kOk;
  auto* cache = static_cast<SvdfCache*>(ctx.allocateHostCache(sizeof(SvdfCache)));
  auto* sums = static_cast<int32_t*>(
      ctx.allocateHostCache(sizeof(int32_t) * static_cast<size_t>(p.filters)));
  if (cache == nullptr || sums == nullptr) return Status::kOk;
  *cache = SvdfCache();
  const int32_t stateMin = d->int16State ? -32768 : -128, stateMax = d->int16State ? 32767 : 127;
  if (!buildUniformRequant(ctx, p.filters, p.multiplier1, p.shift1, 0, stateMin, stateMax,
                           &cache->toState) ||
      !buildUniformRequant(ctx, p.units, p.multiplier2, p.shift2, p.outputZeroPoint, -128, 127,
                           &cache->toOutput)) {
    return Status::kOk;
  }
  if (p.memory % 2 == 0) {
    cache->pairs = static_cast<int32_t*>(
        ctx.allocateHostCache(sizeof(int32_t) * static_cast<size_t>(p.batches) *
                              static_cast<size_t>(p.filters) * static_cast<size_t>(p.memory / 2)));
  }
  // Requantization is scalar (to the state's range); the GEMV only adds the offset term.
  if (!buildCachedGemv(ctx, ctx.inputData<int8_t>(kWeightsFeature), p.filters, p.inputSize, nullptr,
                       -p.inputZeroPoint - simd->activationBias, &p.multiplier1, &p.shift1, false,
                       0, -128, 127, &cache->feature)) {
    return Status::kOk;
  }
  if (d->int16State) {
    timeSums(ctx.inputData<int16_t>(kWeightsTime), p.filters, p.memory, sums);
  } else {
    timeSums(ctx.inputData<int8_t>(kWeightsTime), p.filters, p.memory, sums);
  }
  cache->timeSums = sums;
  ctx.setHostData(cache);
  return Status::kOk;
}

template <typename StateT>
void run(const SimdKernels& simd, const SvdfCache& c, const kernels::SvdfOpData& d,
         const OpContext& ctx) {
  const kernels::SvdfParams& p = d.params;
  auto* state = static_cast<StateT*>(ctx.data(ctx.inputIndex(kState)));
  const StateT* wt = ctx.inputData<StateT>(kWeightsTime);
  const int32_t* bias = d.hasBias ? ctx.inputData<int32_t>(kBias) : nullptr;
  auto* acc = static_cast<int32_t*>(d.scratch);
  auto* accOut = static_cast<int32_t*>(d.scratchOut);
  const size_t stateSize = static_cast<size_t>(p.batches) * static_cast<size_t>(p.filters) *
                           static_cast<size_t>(p.memory);
  if (stateSize > 1) std::memmove(state, state + 1, (stateSize - 1) * sizeof(StateT));

  // Feature matrix, then effective scale 1 and the state clamp in the vector unit (whole
  // blocks of 8 filters; the rest scalar), the zero point added after the clamp with wrap-around.
  simd.gemvCached(c.feature, ctx.inputData<int8_t>(kInput), p.batches, nullptr, acc);
  const int32_t whole = p.filters & ~7;
  const size_t filterStride = static_cast<size_t>(p.memory);
  for (int32_t b = 0; b < p.batches; ++b) {
    int32_t* accB = acc + b * p.filters;
    simd.requant(accB, whole, c.toState, accB);
    for (int32_t f = whole; f < p.filters; ++f) {
      const int32_t a = quant::multiplyByQuantizedMultiplier(accB[f], p.multiplier1, p.shift1);
      accB[f] =
          a < c.toState.actMin ? c.toState.actMin : (a > c.toState.actMax ? c.toState.actMax : a);
    }
    StateT* newest = state + static_cast<size_t>(b) * p.filters * filterStride + (p.memory - 1);
    for (int32_t f = 0; f < p.filters; ++f)
      newest[f * filterStride] = static_cast<StateT>(quant::wrappingAdd(accB[f], p.stateZeroPoint));
  }
  // Time weights against the state: sum w*s in wrapping int32, minus zero point * sum w.
  const uint32_t zp = static_cast<uint32_t>(p.stateZeroPoint);
  for (int32_t b = 0; b < p.batches; ++b) {
    const StateT* s = state + static_cast<size_t>(b) * p.filters * filterStride;
    if (c.pairs != nullptr) {
      const int32_t n = p.filters * p.memory;
      if constexpr (sizeof(StateT) == 1) {
        simd.pairDots8(s, wt, n, c.pairs);
      } else {
        simd.pairDots16(s, wt, n, c.pairs);
      }
      const int32_t half = p.memory / 2;
      for (int32_t f = 0; f < p.filters; ++f) {
        uint32_t wrapped = 0;
        for (int32_t m = 0; m < half; ++m) wrapped += static_cast<uint32_t>(c.pairs[f * half + m]);
        acc[b * p.filters + f] =
            static_cast<int32_t>(wrapped - zp * static_cast<uint32_t>(c.timeSums[f]));
      }
      continue;
    }
    for (int32_t f = 0; f < p.filters; ++f) {
      const StateT* sf = s + f * filterStride;
      const StateT* wf = wt + f * filterStride;
      uint32_t wrapped = 0;  // each product fits int32; the sum wraps like the reference's
      for (int32_t m = 0; m < p.memory; ++m)
        wrapped += static_cast<uint32_t>(static_cast<int32_t>(wf[m]) * static_cast<int32_t>(sf[m]));
      acc[b * p.filters + f] =
          static_cast<int32_t>(wrapped - zp * static_cast<uint32_t>(c.timeSums[f]));
    }
  }
  // Reduce over the rank, add the bias, then effective scale 2 (vector blocks, scalar rest).
  for (int32_t b = 0; b < p.batches; ++b) {
    int32_t* outB = accOut + b * p.units;
    const int32_t* accB = acc + b * p.filters;
    if (p.rank == 1) {
      for (int32_t u = 0; u < p.units; ++u) {
        outB[u] = static_cast<int32_t>(static_cast<uint32_t>(accB[u]) +
                                       (bias != nullptr ? static_cast<uint32_t>(bias[u]) : 0u));
      }
    } else {
      for (int32_t u = 0; u < p.units; ++u) {
        uint32_t a = bias != nullptr ? static_cast<uint32_t>(bias[u]) : 0u;
        for (int32_t r = 0; r < p.rank; ++r) a += static_cast<uint32_t>(accB[u * p.rank + r]);
        outB[u] = static_cast<int32_t>(a);
      }
    }
    const int32_t units8 = p.units & ~7;
    simd.requant(outB, units8, c.toOutput, outB);
    for (int32_t u = units8; u < p.units; ++u) {
      const int32_t y =
          quant::wrappingAdd(quant::multiplyByQuantizedMultiplier(outB[u], p.multiplier2, p.shift2),
                             p.outputZeroPoint);
      outB[u] = y < -128 ? -128 : (y > 127 ? 127 : y);
    }
  }
  int8_t* out = ctx.outputData<int8_t>(0);
  for (int32_t i = 0; i < p.batches * p.units; ++i) out[i] = static_cast<int8_t>(accOut[i]);
}

template <uint8_t kIsa>
void invoke(const OpContext& ctx) {
  const auto* cache = static_cast<const SvdfCache*>(ctx.hostData());
  const SimdKernels* simd = simdKernels(kIsa);
  if (cache == nullptr || simd == nullptr) {
    kernels::registerSvdf().invoke(ctx);
    return;
  }
  const auto& d = *static_cast<const kernels::SvdfOpData*>(ctx.userData());
  if (d.int16State) {
    run<int16_t>(*simd, *cache, d, ctx);
  } else {
    run<int8_t>(*simd, *cache, d, ctx);
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
