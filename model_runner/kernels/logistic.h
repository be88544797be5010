// LOGISTIC (sigmoid), int8 and int16, bit-exact with TFLite Micro's reference kernels.
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

}  // namespace reference

OpRegistration registerLogistic();

}  // namespace tinyscope::runner::kernels
