// GATHER (float32, int8): slices of the input along `axis` picked by int32 positions, with
// batch_dims leading dimensions shared by input and positions, as TFLite Micro's reference.
// The positions must be a constant tensor: every position is checked against the axis in
// prepare (TFLM checks them at invoke; tinyscope's invoke cannot fail, so a model that computes
// its positions is refused with that reason). The output shape must be the one TFLM computes:
// input[:axis] + positions[batch_dims:] + input[axis+1:].
// Memory: a few words of op data; positions are read from the model bytes in place.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerGather();

}  // namespace tinyscope::runner::kernels
