// DIV like the TFLite Micro reference: float32 (IEEE quotient, then the activation's float
// range; a zero divisor gives an infinity or NaN, as TFLM), int32 (C division truncating toward
// zero, clamped to the fused activation; no quantization) and int8 (the quotient of the offset
// inputs through TFLite's fixed-point reciprocal, requantized by s1/(s2*s_out)), broadcasting up to
// 5 dimensions. Division by zero, which crashes TFLM: a constant divisor holding 0 is refused in
// prepare; a divisor that becomes 0 at run time gives 0 (int32) or the activation bound on the
// side of the dividend's sign (int8). INT32_MIN / -1 wraps to INT32_MIN.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerDiv();

}  // namespace tinyscope::runner::kernels
