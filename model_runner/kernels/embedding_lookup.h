// EMBEDDING_LOOKUP, as TFLite Micro's reference: rows of the value tensor (rank >= 2, float32
// or int8) picked by the int32 lookup vector (input 0). float32 → float32 and int8 → int8 copy
// the rows' bytes; int8 → float32 dequantizes them, (q · scale) in float, which TFLM allows
// only with zero point 0. The output shape must be [lookups, value.shape[1:]]. Constant lookups
// are range-checked in prepare; a computed one outside the rows (TFLM stops the inference
// there) gives a row of zeros. Memory: a few words of op data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerEmbeddingLookup();

}  // namespace tinyscope::runner::kernels
