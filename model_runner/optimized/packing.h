// Invoke-time helpers of the optimized kernels (weight panels, requantization arrays), declared
// in simd_kernels.h. Internal to model_runner/optimized.
#pragma once

#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

// Scratch bytes a GEMM's weight panel may take: a quarter of the operator's activations (which
// already bound the arena around it), at least 2 KiB; larger layers are packed in panels.
inline size_t panelBudget(size_t activationBytes) {
  const size_t share = activationBytes / 4;
  return share > 2048 ? share : 2048;
}
int32_t choosePanel(int32_t channels, int32_t depth, size_t budget);

}  // namespace tinyscope::runner::optimized
