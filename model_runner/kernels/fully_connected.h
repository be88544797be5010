// FULLY_CONNECTED, int8 activations/weights, int32 bias; per-tensor or per-channel weights.
#pragma once

#include <cstdint>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_context.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct FullyConnectedParams {
  int32_t inputOffset = 0;   // -input zero point
  int32_t filterOffset = 0;  // -filter zero point
  int32_t outputOffset = 0;  // output zero point
  int32_t actMin = -128, actMax = 127;
};

struct FullyConnectedOpData {
  FullyConnectedParams params;
  int32_t batches = 0, accumDepth = 0, outputDepth = 0;
  int32_t multiplier = 0, shift = 0;  // per-tensor case
  PerChannelQuant quant;              // per-channel case
  bool perChannel = false;
  bool hasBias = false;
  // Filled in by optimized kernels (x86, Cortex-M) after this prepare; unused by the reference.
  int32_t panel = 0;        // GEMM: output channels packed at a time
  bool fast = false;        // the fast path applies
  void* scratch = nullptr;  // requestScratch slot
};

// Prepare shared by every kernel set: the checks (same order, same error fields) and the
// parameters. Allocates the op data from the persistent arena and sets it as user data.
Status prepareFullyConnectedOp(OpContext& ctx, FullyConnectedOpData** out);

namespace reference {

// input: batches x accumDepth, filter: outputDepth x accumDepth, output: batches x outputDepth.
// multipliers/shifts hold one entry, or outputDepth entries when perChannel.
template <typename InputT, typename FilterT, typename BiasT, typename OutputT>
void fullyConnected(const FullyConnectedParams& p, const int32_t* multipliers,
                    const int32_t* shifts, bool perChannel, int32_t batches, int32_t accumDepth,
                    int32_t outputDepth, const InputT* input, const FilterT* filter,
                    const BiasT* bias, OutputT* output) {
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oc = 0; oc < outputDepth; ++oc) {
      int32_t acc = 0;
      for (int32_t d = 0; d < accumDepth; ++d) {
        const int32_t iv = input[b * accumDepth + d];
        const int32_t fv = filter[oc * accumDepth + d];
        acc = quant::wrappingAdd(acc, (fv + p.filterOffset) * (iv + p.inputOffset));
      }
      if (bias != nullptr) acc = quant::wrappingAdd(acc, static_cast<int32_t>(bias[oc]));
      const int32_t q = perChannel ? oc : 0;
      acc = quant::multiplyByQuantizedMultiplier(acc, multipliers[q], shifts[q]);
      acc = quant::wrappingAdd(acc, p.outputOffset);
      acc = acc < p.actMin ? p.actMin : (acc > p.actMax ? p.actMax : acc);
      output[b * outputDepth + oc] = static_cast<OutputT>(acc);
    }
  }
}

}  // namespace reference

OpRegistration registerFullyConnected();

}  // namespace tinyscope::runner::kernels
