// ADD_N: the element-wise sum of N >= 2 tensors of one shape, as TFLite Micro's reference.
// float32: 0 + in0 + in1 + ... in input order. int8 (every input with the same scale and zero
// point): each (q - zp) << 20 halved by TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp,
// summed (starting, like TFLM, from the halved -zp << 20 rather than 0), rescaled by
// 2·s_in / (2^20 · s_out), zero point added, saturated. Memory: a few words of op data; int8
// uses 4 bytes of scratch per output element.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerAddN();

}  // namespace tinyscope::runner::kernels
