// L2_NORMALIZATION over the last dimension (rank 1..4), as TFLite Micro's reference kernels:
//  - int8: sum of (q - zp)^2 per row, TFLite's GetInvSqrtQuantizedMultiplierExp (Newton-Raphson
//    in Q3 fixed point), then MultiplyByQuantizedMultiplier(q - zp, M, S + 7) clamped to int8:
//    the output is in scale 1/128, zero point 0, whatever the output tensor declares (TFLM does
//    not read it).
//  - float32: x / max(sqrt(sum x^2), 1e-6).
// No fused activation (TFLM refuses one). Memory: a few words of op data.
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

namespace reference {

// 1/sqrt(x) as a quantized multiplier and left shift, TFLite's GetInvSqrtQuantizedMultiplierExp
// with reverse_shift = -1.
void invSqrtMultiplier(int32_t x, int32_t* multiplier, int* shift);

void l2NormalizeInt8(int32_t inputZeroPoint, int32_t rows, int32_t depth, const int8_t* input,
                     int8_t* output);
void l2NormalizeFloat(int32_t rows, int32_t depth, const float* input, float* output);

}  // namespace reference

OpRegistration registerL2Normalization();

}  // namespace tinyscope::runner::kernels
