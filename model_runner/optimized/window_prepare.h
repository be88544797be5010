// Prepare of the optimized CONV_2D and DEPTHWISE_CONV_2D: every check of the reference kernels,
// in their order and with their error fields, and the parameters the math needs, in one
// persistent struct (the weights stay in the model: nothing else of theirs is kept).
#pragma once

#include "model_runner/kernels/conv_2d.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_context.h"

namespace tinyscope::runner::optimized {

struct WindowData {
  kernels::ConvParams params;
  kernels::Shape4 input, filter, output;
  kernels::PerChannelQuant quant;
  int32_t depthMultiplier = 1;  // depthwise only
  int32_t panel = 0;            // GEMM: channels packed at a time
  bool hasBias = false;
  bool fast = false;            // the SIMD path applies
  void* scratch = nullptr;      // requestScratch slot
};

// Allocates the op data from the persistent arena, fills it and sets it as the op's user data.
Status prepareWindow(OpContext& ctx, bool depthwise, WindowData** out);

}  // namespace tinyscope::runner::optimized
