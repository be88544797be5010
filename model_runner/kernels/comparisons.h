// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL -> bool, with TFLite Micro's
// reference semantics: float32, int32, int64 (and bool for (NOT_)EQUAL) compare the raw values;
// int8 compares both inputs rescaled to a common scale (left shift 8, then each input scale as a
// multiplier below one). Broadcasting up to 4 dimensions. int16 is refused: TFLM's reference
// GREATER reads int16 with rescaling parameters its prepare never computes (all false).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerEqual();
OpRegistration registerNotEqual();
OpRegistration registerLess();
OpRegistration registerLessEqual();
OpRegistration registerGreater();
OpRegistration registerGreaterEqual();

}  // namespace tinyscope::runner::kernels
