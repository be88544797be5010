// Operators built on the C library's float exp/log, as TFLite Micro's reference kernels call
// them: ELU (float32 through expm1f; int8 through a 256-entry table filled at prepare with
// expf, TFLM's PopulateLookupTable), EXP, LOG, SIN and COS (float32). The desktop and the oracle
// share glibc; an MCU image uses newlib's, which may differ in the last bit.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerElu();
OpRegistration registerExp();
OpRegistration registerLog();
OpRegistration registerSin();
OpRegistration registerCos();

}  // namespace tinyscope::runner::kernels
