// SHAPE, FILL and ZEROS_LIKE, as TFLite Micro's kernels:
//  - SHAPE: the input's dimensions as an int32 vector (any input type).
//  - FILL: the scalar `value` (float32, int32 or int8; the output's type) in every element;
//    `dims` must be a constant int8/16/32/64 vector equal to the output's shape (TFLM refuses a
//    computed one, and counts a zero-element one as computed: no scalar FILL).
//  - ZEROS_LIKE: zeros of the input's type and element count (int64, int32, int8, float32).
// Memory: a few words of op data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerShape();
OpRegistration registerFill();
OpRegistration registerZerosLike();

}  // namespace tinyscope::runner::kernels
