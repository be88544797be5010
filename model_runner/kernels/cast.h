// CAST in the type pairs TFLite Micro's reference has: from int8, int16, int32, uint32, float32
// or bool to int8, int16, int32, uint32 or float32 (others are refused, as TFLM refuses them).
// C++ conversions as the x86-64 reference build does them: integers wrap modulo the target
// width; float to integer truncates toward zero, out of range or NaN giving INT32_MIN before
// narrowing (for uint32, values >= 2^31 convert as (v - 2^31) with the top bit set back, the
// SSE way). Both shapes must hold the same number of elements.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerCast();

}  // namespace tinyscope::runner::kernels
