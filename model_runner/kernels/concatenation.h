// CONCATENATION like the TFLite Micro reference: up to 10 inputs of rank <= 4 joined along
// `axis` (negative counts from the end), float32/int8/int16/int32/int64. int8 inputs are
// copied as they are (TFLM does not requantize even when scales differ); fused activations
// are refused, as in TFLM.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerConcatenation();

}  // namespace tinyscope::runner::kernels
