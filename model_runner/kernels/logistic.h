// LOGISTIC (sigmoid) and TANH, float32, int8 and int16, bit-exact with TFLite Micro's reference
// kernels (float32 through the C library's expf/tanhf, as TFLM).
// TANH shares the input handling: int8 through gemmlowp's fixed-point tanh (output Q0.7 whatever
// the output quantization says, as TFLM), int16 through the same table (tanh = 2 sigmoid(2x) - 1).
//  - int8: input rescaled to Q4.27, gemmlowp fixed-point logistic, output scale 1/256 with
//    zero point -128; inputs beyond the representable radius saturate.
//  - int16: zero points 0, output scale 2^-15, table interpolation (lut_activations.h).
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct LogisticInt8Params {
  int32_t inputZeroPoint = 0;
  int32_t inputRangeRadius = 0;
  int32_t inputMultiplier = 0;
  int32_t inputLeftShift = 0;
};

namespace reference {

// Q0 logistic of a Q4 fixed-point value (gemmlowp::logistic with 4 integer bits).
int32_t logisticQ4(int32_t x);
void logisticInt8(const LogisticInt8Params& p, int32_t count, const int8_t* input, int8_t* output);
// float32 LOGISTIC as TFLM's reference (the C library's expf, with its cut-offs).
float logisticFloat(float x);
// Q0 tanh of a Q4 fixed-point value (gemmlowp::tanh with 4 integer bits).
int32_t tanhQ4(int32_t x);
void tanhInt8(const LogisticInt8Params& p, int32_t count, const int8_t* input, int8_t* output);

}  // namespace reference

OpRegistration registerLogistic();
OpRegistration registerTanh();

}  // namespace tinyscope::runner::kernels
