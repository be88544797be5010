// DEPTH_TO_SPACE, SPACE_TO_DEPTH, BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND (float32, int8):
// NHWC data moved between depth, space and batch, as TFLite Micro's reference kernels.
//  - DEPTH_TO_SPACE / SPACE_TO_DEPTH: block_size >= 1, rank-4 tensors; channel block (dy, dx)
//    is (dy * block + dx) * C, C being the smaller depth.
//  - BATCH_TO_SPACE_ND / SPACE_TO_BATCH_ND: rank 3 (NHC) or 4 (NHWC); constant int32
//    block_shape [rank - 2] (>= 1) and crops / paddings [rank - 2, 2] (>= 0). As TFLM, the pads
//    of SPACE_TO_BATCH_ND are zero bytes (not the output zero point).
// Every output shape must be the one the operator gives. Memory: a few words of op data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerDepthToSpace();
OpRegistration registerSpaceToDepth();
OpRegistration registerBatchToSpaceNd();
OpRegistration registerSpaceToBatchNd();

}  // namespace tinyscope::runner::kernels
