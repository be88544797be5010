// SQUARED_DIFFERENCE: (x - y)^2 with TFLite Micro's reference semantics: float32 and int32 plain;
// int8 (left shift 7) and int16 (zero points 0, left shift 0) rescale both inputs to a common
// scale, square the difference and requantize. Broadcasting up to 4 dimensions.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerSquaredDifference();

}  // namespace tinyscope::runner::kernels
