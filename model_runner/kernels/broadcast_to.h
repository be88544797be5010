// BROADCAST_TO and BROADCAST_ARGS, as TFLite Micro's reference kernels.
//  - BROADCAST_TO: the input (any fixed-size type, rank <= 5) repeated along its size-1 and
//    missing leading dimensions to the shape operand (int32 or int64, rank 1, <= 5 entries),
//    which must equal the output's shape. TFLM reads the shape operand in prepare, so it must be
//    a constant here (a computed one is refused with that reason).
//  - BROADCAST_ARGS: the numpy broadcast of two shape vectors (int32 or int64, rank 1), right-
//    aligned, into an output vector of the same type whose length the model gives (missing
//    entries count as 1; each pair truncated to int like TFLM). TFLM aborts on a pair that does
//    not broadcast (neither 1 nor equal); constant operands are checked in prepare, and a
//    computed pair that does not broadcast gives -1 (invoke cannot fail).
// Memory: a few words of op data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerBroadcastTo();
OpRegistration registerBroadcastArgs();

}  // namespace tinyscope::runner::kernels
