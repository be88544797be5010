// Prepare shared by the windowed operators CONV_2D and DEPTHWISE_CONV_2D: every check of
// the reference kernels, in their order and with their error fields, and the parameters
// their math needs. Optimized kernels (x86, Cortex-M) call it too, so every kernel set
// refuses the same models with the same error.
#pragma once

#include "model_runner/kernels/conv_2d.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_context.h"

namespace tinyscope::runner::kernels {

struct WindowOpData {
  ConvParams params;
  Shape4 input, filter, output;
  PerChannelQuant quant;
  int32_t depthMultiplier = 1;  // depthwise only
  bool hasBias = false;
  // Filled in by optimized kernels (x86, Cortex-M) after this prepare; unused by the reference.
  int32_t panel = 0;        // GEMM: output channels packed at a time
  bool fast = false;        // the fast path applies
  void* scratch = nullptr;  // requestScratch slot
};

// Allocates the op data from the persistent arena, fills it and sets it as the op's user
// data. Fails (through ctx) naming the tensor or option at fault.
Status prepareWindowOp(OpContext& ctx, bool depthwise, WindowOpData** out);

}  // namespace tinyscope::runner::kernels
