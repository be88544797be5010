// GATHER_ND (float32, int8 params; int32 indices), as TFLite Micro's reference: the last
// dimension of the indices (1-5 entries, at most the params' rank) addresses a slice of the
// params; the output shape must be indices.shape[:-1] + params.shape[nd:]. Constant indices are
// checked against the params' dimensions in prepare (a model with one outside is refused);
// computed ones at invoke, where an index tuple outside the params gives a slice of zero bytes
// (TFLM's release build reads outside the params there). Memory: a few words of op data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerGatherNd();

}  // namespace tinyscope::runner::kernels
