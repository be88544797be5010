// GATHER (float32, int8): slices of the input along `axis` picked by int32 positions, with
// batch_dims leading dimensions shared by input and positions, as TFLite Micro's reference.
// Constant positions are checked against the axis in prepare (a model with one outside is
// refused). Computed positions (another op's output or a model input) are checked at invoke:
// TFLM stops the inference on one outside the axis; tinyscope's invoke cannot fail, so that
// position's slice is written as zero bytes. The output shape must be the one TFLM computes:
// input[:axis] + positions[batch_dims:] + input[axis+1:].
// Memory: a few words of op data; positions are read from the model bytes in place.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerGather();

}  // namespace tinyscope::runner::kernels
