// The extended-tier op table: QUANTIZE, SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM, LOGISTIC (int8
// reference kernels; SVDF/LSTM keep their state in variable tensors). Models of this tier also
// use core ops, so a resolver for them gets addCoreOps() too (or addAllOps()).
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every extended-tier registration to `resolver`; kResolverFull when it has no room.
Status addExtendedOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
