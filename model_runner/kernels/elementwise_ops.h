// The element-wise op table (reference kernels in float32, int8 and, where TFLite Micro has them,
// int16/int32/bool): SUB, SQUARED_DIFFERENCE, DEQUANTIZE, RELU, RELU6, LEAKY_RELU, HARD_SWISH,
// PRELU, TANH, ABS, NEG, FLOOR, SQRT, RSQRT, EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
// GREATER_EQUAL, SELECT_V2, LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT, ELU, EXP, LOG. Models of this
// tier also use core ops, so a resolver for them gets addCoreOps() too (or addAllOps()).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every element-wise registration to `resolver`; kResolverFull when it has no room.
Status addElementwiseOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
