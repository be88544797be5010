// The large-tier op table: PAD, TRANSPOSE, MEAN (int8 reference kernels), the ops MobileNetV2
// adds to the core tier. A resolver for such models gets addCoreOps() too (or addAllOps()).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every large-tier registration to `resolver`; kResolverFull when it has no room.
Status addLargeOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
