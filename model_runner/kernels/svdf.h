// SVDF, integer path of TFLite Micro: int8 input and feature weights, int8 or int16 time
// weights and activation state (a variable tensor), int32 bias, int8 output.
//
// Per invoke: the state (batch x filters x memory) shifts left by one; the feature matmul
// result, rescaled by effective_scale_1 = in * wf / state, lands in each filter's newest
// slot; the time matmul against the state is reduced over `rank`, biased, rescaled by
// effective_scale_2 = state * wt / out. As in the reference, the fused activation is not
// applied on this path (only the output type's clamp).
#pragma once

#include <cstdint>
#include <limits>

#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct SvdfParams {
  int32_t batches = 0, inputSize = 0, filters = 0, units = 0, rank = 1, memory = 0;
  int32_t inputZeroPoint = 0, stateZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier1 = 0, shift1 = 0;  // feature matmul -> state
  int32_t multiplier2 = 0, shift2 = 0;  // time matmul -> output
};

// The prepared operator (user data), shared with the optimized kernels.
struct SvdfOpData {
  SvdfParams params;
  void* scratch = nullptr;     // batches * filters int32
  void* scratchOut = nullptr;  // batches * units int32
  bool int16State = false;
  bool hasBias = false;
};

namespace reference {

// scratch: batches * filters int32; scratchOut: batches * units int32. bias may be null.
template <typename StateT>
void svdfInteger(const SvdfParams& p, const int8_t* input, const int8_t* weightsFeature,
                 const StateT* weightsTime, const int32_t* bias, StateT* state, int32_t* scratch,
                 int32_t* scratchOut, int8_t* output) {
  const int32_t stateSize = p.batches * p.filters * p.memory;
  for (int32_t i = 0; i + 1 < stateSize; ++i) state[i] = state[i + 1];

  constexpr int32_t kStateMin = std::numeric_limits<StateT>::min();
  constexpr int32_t kStateMax = std::numeric_limits<StateT>::max();
  for (int32_t b = 0; b < p.batches; ++b) {
    const int8_t* in = input + b * p.inputSize;
    StateT* newest = state + b * p.filters * p.memory + (p.memory - 1);
    for (int32_t f = 0; f < p.filters; ++f) {
      const int8_t* w = weightsFeature + f * p.inputSize;
      int32_t acc = 0;
      for (int32_t c = 0; c < p.inputSize; ++c) {
        acc = quant::wrappingAdd(
            acc, static_cast<int32_t>(w[c]) * (static_cast<int32_t>(in[c]) - p.inputZeroPoint));
      }
      acc = quant::multiplyByQuantizedMultiplier(acc, p.multiplier1, p.shift1);
      acc = acc < kStateMin ? kStateMin : (acc > kStateMax ? kStateMax : acc);
      // The oracle adds the state zero point after the clamp and narrows with wrap-around
      // (later TFLM releases add it before the clamp); kept for bit-exactness.
      newest[f * p.memory] = static_cast<StateT>(quant::wrappingAdd(acc, p.stateZeroPoint));
    }
  }

  for (int32_t b = 0; b < p.batches; ++b) {
    const StateT* s = state + b * p.filters * p.memory;
    for (int32_t f = 0; f < p.filters; ++f) {
      int32_t acc = 0;
      for (int32_t m = 0; m < p.memory; ++m) {
        const int32_t wt = weightsTime[f * p.memory + m];
        acc = quant::wrappingAdd(
            acc, wt * (static_cast<int32_t>(s[f * p.memory + m]) - p.stateZeroPoint));
      }
      scratch[b * p.filters + f] = acc;
    }
  }

  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t u = 0; u < p.units; ++u) {
      int32_t acc = bias != nullptr ? bias[u] : 0;
      for (int32_t r = 0; r < p.rank; ++r)
        acc = quant::wrappingAdd(acc, scratch[b * p.filters + u * p.rank + r]);
      scratchOut[b * p.units + u] = acc;
    }
  }

  for (int32_t i = 0; i < p.batches * p.units; ++i) {
    int32_t y = quant::wrappingAdd(
        quant::multiplyByQuantizedMultiplier(scratchOut[i], p.multiplier2, p.shift2),
        p.outputZeroPoint);
    y = y < -128 ? -128 : (y > 127 ? 127 : y);
    output[i] = static_cast<int8_t>(y);
  }
}

}  // namespace reference

OpRegistration registerSvdf();

}  // namespace tinyscope::runner::kernels
