// RESHAPE: same bytes, the output tensor's shape. Any tensor type.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerReshape();

}  // namespace tinyscope::runner::kernels
