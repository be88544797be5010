// MUL like the TFLite Micro reference: int8 and int16 quantized (product of the offset inputs
// requantized by s1*s2/s_out; int16 needs zero points of 0), int32 (two's-complement
// products clamped to the fused activation) and float32 (the product, then the activation's
// float range), with broadcasting up to 4 dimensions as TFLM's.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerMul();

}  // namespace tinyscope::runner::kernels
