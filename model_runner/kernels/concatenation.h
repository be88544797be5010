// CONCATENATION like the TFLite Micro reference: up to 10 inputs of rank <= 6 joined along
// `axis` (negative counts from the end), float32/int8/int16/int32/int64/bool, copied as they
// are. As in TFLM, int8 inputs must carry the output's scale and zero point, int16 ones a zero
// point of 0, and fused activations are refused.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerConcatenation();

}  // namespace tinyscope::runner::kernels
