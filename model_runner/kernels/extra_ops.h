// The rest of TFLite Micro's operator list (reference kernels, the types TFLM has): CEIL, ROUND,
// SQUARE, SIN, COS, FLOOR_DIV, FLOOR_MOD. Models of this tier also use core ops, so a resolver
// for them gets addCoreOps() too (or addAllOps()). At most 32 registrations, the room a
// firmware image gives each op group.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every registration of this tier to `resolver`; kResolverFull when it has no room.
Status addExtraOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
