// FLOOR_DIV and FLOOR_MOD (float32, as TFLite Micro's kernels; numpy broadcasting up to 4
// dimensions): FLOOR_DIV is floor(double(a) / double(b)) rounded to float; FLOOR_MOD is
// fmodf(a, b) moved onto b's side when the signs differ. A constant divisor holding 0 is refused
// for FLOOR_DIV (TFLM stops its inference there); a computed 0 gives floor(a / 0) = ±inf or
// NaN, since invoke cannot fail. FLOOR_MOD by 0 is NaN, as in TFLM. Memory: the layout only.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerFloorDiv();
OpRegistration registerFloorMod();

}  // namespace tinyscope::runner::kernels
