// L2_POOL_2D (float32, as TFLite Micro, which has no quantized kernel): the square root of the
// mean of the squares over the in-image part of each window (squares summed in window order),
// then the fused activation's float range. Window checks shared with the other pools
// (preparePoolWindow). Memory: a few words of op data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerL2Pool2d();

}  // namespace tinyscope::runner::kernels
