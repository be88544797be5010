// Pointwise activations with TFLite Micro's reference semantics:
//  - RELU (float32, int8, int16: requantized to the output scale, clamped at the output's zero)
//  - RELU6 (float32, int8, int16: clamped to [zero, quantized 6] of the input, no rescale)
//  - LEAKY_RELU (float32, int8, int16: one multiplier for x >= 0, one for alpha * x)
//  - HARD_SWISH (float32, int8: TFLM's 16-bit fixed-point "reluish" computation)
//  - PRELU (float32, int8, int16 with int8 alpha; alpha broadcast up to 4 dimensions)
// Every check is in prepare; invoke cannot fail.
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct HardSwishParams {
  int32_t inputZeroPoint = 0, outputZeroPoint = 0;
  int16_t outputMultiplier = 0, reluishMultiplier = 0;  // Q0.15
  int32_t outputExponent = 0, reluishExponent = 0;
};

namespace reference {

// One int8 element of HARD_SWISH (exposed for the x86/Cortex-M kernels to agree with).
int8_t hardSwishInt8(const HardSwishParams& p, int8_t x);

}  // namespace reference

OpRegistration registerRelu();
OpRegistration registerRelu6();
OpRegistration registerLeakyRelu();
OpRegistration registerHardSwish();
OpRegistration registerPrelu();

}  // namespace tinyscope::runner::kernels
