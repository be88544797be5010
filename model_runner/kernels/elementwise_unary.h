// One-input element-wise operators with TFLite Micro's reference semantics:
//  - ABS: float32, int8 (requantized when the scales differ), int16 (zero points 0, or without
//    quantization: the plain integer absolute value)
//  - NEG, FLOOR, SQRT: float32
//  - CEIL, ROUND (half to even, TFLite's RoundToNearest), SQUARE: float32
//  - RSQRT: float32, int8, int16 (zero points 0) through the integer inverse square root (TFLM's
//    Newton-Raphson); TFLM stops at invoke on an input below the zero point, tinyscope computes
//    it as the smallest input
//  - LOGICAL_NOT: bool
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerAbs();
OpRegistration registerNeg();
OpRegistration registerFloor();
OpRegistration registerSqrt();
OpRegistration registerRsqrt();
OpRegistration registerLogicalNot();
OpRegistration registerCeil();
OpRegistration registerRound();
OpRegistration registerSquare();

}  // namespace tinyscope::runner::kernels
