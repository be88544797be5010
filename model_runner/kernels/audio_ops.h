// The builtin operators the audio front-end tier needs beyond the core set, in every TFLM type
// they have: MUL, DIV, MAXIMUM, MINIMUM, CONCATENATION, STRIDED_SLICE and CAST.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// kResolverFull when the resolver has no room.
Status addAudioOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
