// MAXIMUM and MINIMUM like the TFLite Micro reference: elementwise on the raw values (no
// requantization, even for int8 inputs of different scales), int8/int16/int32/int64/float32,
// broadcasting up to 5 dimensions.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerMaximum();
OpRegistration registerMinimum();

}  // namespace tinyscope::runner::kernels
