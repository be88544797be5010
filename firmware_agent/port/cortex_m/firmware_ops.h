// The operators a firmware image registers, chosen at build time like TFLite Micro's
// MicroMutableOpResolver: CMake writes addFirmwareOps() from the image's list of op groups
// (TINYSCOPE_FIRMWARE_OPS_<board>, e.g. "core" or "core;elementwise" or "all"), so the linker
// keeps only those kernels. Call once at start-up, before the Cortex-M kernels replace some.
#pragma once

#include "model_runner/op_resolver.h"

namespace tinyscope::agent::cortex_m {

// Adds every registration of the image's op groups; kResolverFull when `resolver` is full.
runner::Status addFirmwareOps(runner::OpResolver& resolver);

}  // namespace tinyscope::agent::cortex_m
