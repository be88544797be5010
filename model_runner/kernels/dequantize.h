// DEQUANTIZE: int8/int16 -> float32, real = float(double(scale) * (q - zeroPoint)), like TFLite
// Micro's reference kernel (which reads the first scale and zero point of the input).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerDequantize();

}  // namespace tinyscope::runner::kernels
