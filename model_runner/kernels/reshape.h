// RESHAPE: same bytes, new shape (taken from the output tensor). Any tensor type.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerReshape();

}  // namespace tinyscope::runner::kernels
