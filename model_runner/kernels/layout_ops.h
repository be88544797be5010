// The layout-tier op table, reference kernels bit-exact with TFLite Micro:
//  - pooling and resizing: MAX_POOL_2D, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR;
//  - data movement: SQUEEZE, EXPAND_DIMS, SLICE, SPLIT, SPLIT_V, PACK, UNPACK, GATHER, PADV2,
//    MIRROR_PAD, DEPTH_TO_SPACE, SPACE_TO_DEPTH, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND;
//  - shapes and constants: SHAPE, FILL, ZEROS_LIKE;
//  - reductions and normalization: SUM, REDUCE_MAX, ARG_MAX, ARG_MIN, L2_NORMALIZATION, CUMSUM.
// Part of addAllOps().
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Adds every layout-tier registration to `resolver`; kResolverFull when it has no room.
Status addLayoutOps(OpResolver& resolver);

}  // namespace tinyscope::runner::kernels
