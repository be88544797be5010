// The core-tier op table: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D,
// RESHAPE, SOFTMAX, ADD (int8 reference kernels).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every core-tier registration to `resolver`; kResolverFull when it has no room.
Status addCoreOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
