// DYNAMIC_UPDATE_SLICE (float32, int8, int32), as TFLite Micro's reference: the output is the
// operand with the update (same rank, no dimension larger) written at the start indices (int32
// or int64, one per dimension, constant or computed), each clamped to [0, operand - update] at
// invoke, so every index is valid. No rescaling between operand and update. Memory: a few words.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerDynamicUpdateSlice();

}  // namespace tinyscope::runner::kernels
