// SELECT_V2: output = condition ? x : y element by element, with the three operands broadcast
// to the output (up to 5 dimensions, as TFLite Micro); float32, int8 and int16 values, bool
// condition. Values are copied as stored: no requantization.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerSelectV2();

}  // namespace tinyscope::runner::kernels
