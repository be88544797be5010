// Prepare of CONV_2D and DEPTHWISE_CONV_2D for the Cortex-M kernels (internal): the reference
// kernels' checks, in their order and with their error fields, done once so the op data is
// allocated once (calling the reference prepare as well would keep its copy of the
// per-channel multipliers in the arena for nothing).
#pragma once

#include "model_runner/kernels/conv_2d.h"
#include "model_runner/op_context.h"

namespace tinyscope::runner::cortex_m {

struct WindowOpData {
  kernels::ConvParams params;
  kernels::Shape4 input, filter, output;
  kernels::PerChannelQuant quant;
  int32_t depthMultiplier = 1;  // depthwise only
  bool hasBias = false;
  bool fast = false;            // the DSP path applies (set by the caller)
  void* scratch = nullptr;      // requestScratch slot
};

// Allocates the op data from the persistent arena, fills it, sets it as user data.
Status prepareWindowOp(OpContext& ctx, bool depthwise, WindowOpData** out);

}  // namespace tinyscope::runner::cortex_m
