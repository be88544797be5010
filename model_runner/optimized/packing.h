// Invoke-time helpers of the optimized kernels (weight panels, requantization arrays), declared
// in simd_kernels.h. Internal to model_runner/optimized.
#pragma once

#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

// Scratch a GEMM may ask for: 1/32 of the operator's activations, at least 768 bytes. Scratch
// lives for one operator but lands on the arena's peak when the operator sits there, so it
// stays small next to the activations around it.
inline size_t gemmScratchCap(size_t activationBytes) {
  const size_t share = activationBytes / 32;
  return share > 768 ? share : 768;
}
// Sets j.panel and j.rows (see GemmJob) for a scratch of at most `cap` bytes where possible:
// the whole layer packed; else panels of a multiple of 32 channels; else, when the weight rows
// are contiguous, no panel (the dot-product kernel reads them in place); else panels of 8
// channels with as few as one im2col row. Deterministic: prepare and invoke agree.
void planGemm(GemmJob& j, size_t cap, int32_t tileRows);
// Prepare (j's weights and bias set): planGemm, then, with a host cache and more than
// kGemvMaxRows rows, the weights packed there once (buildPackedGemm, kept as the operator's
// hostData) when rows of A fit in no more scratch than the plain plan asks for (so the arena
// never grows): as many rows as fit, at least one. Returns the scratch bytes to request.
size_t planPackedGemm(const OpContext& ctx, GemmJob& j, size_t cap, int32_t tileRows);
// Invoke: the plan prepare made (the host-cache form when the operator has one).
void planGemmInvoke(const OpContext& ctx, GemmJob& j, size_t cap, int32_t tileRows);

}  // namespace tinyscope::runner::optimized
