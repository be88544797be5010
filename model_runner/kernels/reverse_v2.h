// REVERSE_V2 (float32, int8, uint8, int16, int32, int64, bool), as TFLite Micro's reference:
// the elements reversed along every axis of the constant int32 axis vector (negative axes count
// from the end); the axes, sorted, must be contiguous (TFLM refuses others at invoke), so the
// reversal is one of the flattened block they span. TFLM reads the axes at invoke; a computed
// axis vector is refused here (its range cannot be checked before invoke). Memory: a few words.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerReverseV2();

}  // namespace tinyscope::runner::kernels
