// LOGICAL_AND, LOGICAL_OR on bool tensors, broadcasting up to 4 dimensions (TFLite Micro's
// reference kernels).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerLogicalAnd();
OpRegistration registerLogicalOr();

}  // namespace tinyscope::runner::kernels
