// SQUEEZE and EXPAND_DIMS: the input's bytes under a shape with size-1 dimensions removed or
// inserted, checked as TFLite Micro checks them.
//  - SQUEEZE: squeeze_dims (negative counts from the end) must name size-1 dimensions; with no
//    squeeze_dims every size-1 dimension goes. Any fixed-size tensor type. As in TFLM, the
//    output needs the input's byte count and each kept dimension must fit the output's at its
//    place (extra trailing size-1 output dimensions pass).
//  - EXPAND_DIMS: a constant int32 axis (one element, in [-rank-1, rank]); float32, int8, int16;
//    the output must have exactly the expanded shape.
// Both need the output to have the input's type.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerSqueeze();
OpRegistration registerExpandDims();

}  // namespace tinyscope::runner::kernels
