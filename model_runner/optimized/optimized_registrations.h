// Registrations of the optimized kernels for one instruction set (internal; users call
// addOptimizedOps()). One file per operator, named like the reference kernel.
#pragma once

#include "model_runner/op_resolver.h"
#include "model_runner/optimized/optimized_ops.h"

namespace tinyscope::runner::optimized {

OpRegistration registerConv2d(Isa isa);
OpRegistration registerDepthwiseConv2d(Isa isa);
OpRegistration registerFullyConnected(Isa isa);
OpRegistration registerAdd(Isa isa);
OpRegistration registerAveragePool2d(Isa isa);

}  // namespace tinyscope::runner::optimized
