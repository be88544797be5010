// The element-wise op table: SUB, DEQUANTIZE, RELU, RELU6, LEAKY_RELU, HARD_SWISH, PRELU (float32,
// int8 and, where TFLite Micro has it, int16 reference kernels). Models of this tier also use
// core ops, so a resolver for them gets addCoreOps() too (or addAllOps()).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every element-wise registration to `resolver`; kResolverFull when it has no room.
Status addElementwiseOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
