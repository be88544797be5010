// RESHAPE: same bytes, the output tensor's shape. Any tensor type.
#pragma once

#include <cstddef>

#include "model_runner/op_context.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

OpRegistration registerReshape();

// For every operator whose output holds the input's bytes unchanged (RESHAPE, SQUEEZE,
// EXPAND_DIMS): prepare records the byte count (kept in the user-data pointer itself, no arena
// memory), invoke copies that many bytes from input 0 to output 0.
void setByteCopy(const OpContext& ctx, size_t bytes);
void invokeByteCopy(const OpContext& ctx);

}  // namespace tinyscope::runner::kernels
