// Cortex-M4 (ARMv7E-M DSP) kernels for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
// (library tinyscope_model_runner_cortex_m, cross builds for ARM only), bit for bit equal to
// the reference kernels in model_runner/kernels/.
//
// addCortexMOps() replaces those three registrations in a resolver that already holds the
// reference op table (call kernels::addCoreOps() first); call it once at start-up, before
// any interpreter uses the resolver. Each prepare makes the reference prepare's checks (same
// errors); CONV_2D asks for two int16 im2col columns and a gathered window
// (convScratchBytes) through OpContext::requestScratch(), a one-channel DEPTHWISE_CONV_2D for
// those plus its transposed filter (depthwiseOneChannelScratchBytes), FULLY_CONNECTED and other
// depthwise layers for none. Weights are read in place (no packed copy in persistent memory);
// FULLY_CONNECTED keeps its four tensor indices next to the shared op data (24 bytes of
// persistent memory per op more than the reference kernel) so its invoke skips the operator's
// tensor-list reads. FULLY_CONNECTED weights with a zero point run the reference math.
// invoke() allocates nothing and cannot fail.
#pragma once

#include "model_runner/op_resolver.h"
#include "model_runner/status.h"

namespace tinyscope::runner::cortex_m {

// kResolverFull when the table has no room.
Status addCortexMOps(OpResolver& resolver);

// kernels::addCoreOps() with these three kernels instead of the reference ones (the same seven
// builtins), so an image of the core tier alone does not link the reference registrations of
// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED. kResolverFull when the table has no room.
Status addCortexMCoreOps(OpResolver& resolver);

OpRegistration registerConv2d();
OpRegistration registerDepthwiseConv2d();
OpRegistration registerFullyConnected();

}  // namespace tinyscope::runner::cortex_m
