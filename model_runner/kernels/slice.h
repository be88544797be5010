// SLICE: the block of the input starting at `begin` with extent `size` per dimension (size -1:
// to the end), as TFLite Micro's reference. begin and size are constant int32 or int64 vectors
// of the input's rank (at most 5); float32, int8, int16, int32 and bool data.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerSlice();

}  // namespace tinyscope::runner::kernels
