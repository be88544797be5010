// Every reference kernel of the runtime: addCoreOps + addExtendedOps + addLargeOps +
// addLayoutOps + addElementwiseOps + addAudioOps + addSignalOps + addExtraOps. The op table the
// desktop (CLI, tests, comparator) uses; firmware picks only the groups it needs.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// kResolverFull when `resolver` has no room (an AllOpsResolver, kAllOpsCapacity, has room for all).
Status addAllOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
