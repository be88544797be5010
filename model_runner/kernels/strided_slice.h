// STRIDED_SLICE like the TFLite Micro reference: input rank <= 4, constant int32 begin/end/
// strides, begin/end/shrink-axis masks (ellipsis and new-axis masks are ignored, as in TFLM),
// negative indices and strides, float32/int8/int16/int32/bool. A shrunk axis whose start falls
// outside the input (TFLM would read past it) or that has a negative stride (TFLM then leaves
// the output unwritten) is refused.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerStridedSlice();

}  // namespace tinyscope::runner::kernels
