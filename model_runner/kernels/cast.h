// CAST between int8, uint8, int16, uint16, int32, uint32, int64, float32 and bool, element by
// element with C++ conversion semantics as TFLite Micro's reference (integers wrap modulo the
// target width; float to integer truncates toward zero, non-finite or out-of-int64-range floats
// give INT64_MIN before narrowing; bool is value != 0). Shapes must hold the same count.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerCast();

}  // namespace tinyscope::runner::kernels
