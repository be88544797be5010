// The layout-tier op table: pooling and operators that move data without arithmetic
// (MAX_POOL_2D, SQUEEZE, EXPAND_DIMS, SLICE, SPLIT, SPLIT_V, PACK, UNPACK, GATHER, SHAPE, FILL,
// ZEROS_LIKE) and the reductions SUM, REDUCE_MAX, ARG_MAX, ARG_MIN; reference kernels
// bit-exact with TFLite Micro. Part of addAllOps().
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every layout-tier registration to `resolver`; kResolverFull when it has no room.
Status addLayoutOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
