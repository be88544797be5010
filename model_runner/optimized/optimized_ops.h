// Optimized x86-64 desktop kernels (library tinyscope_model_runner_optimized): CONV_2D,
// DEPTHWISE_CONV_2D and FULLY_CONNECTED as im2col + int8 GEMM and channel-vectorised
// depthwise loops, plus same-shape ADD and AVERAGE_POOL_2D, bit for bit equal to the
// reference kernels in model_runner/kernels/.
//
// addOptimizedOps() replaces those five registrations in a resolver that already holds the
// reference op table (call kernels::addCoreOps() first). The instruction set is picked once,
// when the registrations are made: AVX-512 VNNI (256-bit vectors, 32 registers), AVX-VNNI,
// AVX2 (exact int16 multiply-add), or the portable reference math when the CPU has no AVX2.
// Every kernel checks, at prepare, what the reference prepare checks (it runs it), then packs
// the weights into persistent arena memory (about one byte per weight plus 20 bytes per output
// channel) and asks for its im2col / tap-table scratch through OpContext::requestScratch().
// invoke() allocates nothing and cannot fail. Single-threaded, like the interpreter.
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"
#include "model_runner/status.h"

namespace tinyscope::runner::optimized {

enum class Isa : uint8_t {
  kReference = 0,   // portable: the reference math (no AVX2 on this CPU)
  kAvx2 = 1,        // VPMADDWD on sign-extended int8
  kAvxVnni = 2,     // VEX VPDPBUSD, 16 ymm registers
  kAvx512Vnni = 3,  // EVEX VPDPBUSD on ymm, 32 registers
};

// Whether this CPU and OS support `isa` (CPUID and XCR0, read once).
bool isaSupported(Isa isa);
// The best instruction set this CPU and OS support.
Isa detectIsa();
// "avx512vnni", "avxvnni", "avx2", "reference".
const char* isaName(Isa isa);

// Replaces CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD and AVERAGE_POOL_2D with the
// optimized kernels for the best supported instruction set. kResolverFull when the table has no
// room.
Status addOptimizedOps(OpResolver& resolver);
// Same with a given instruction set, lowered to the next one this CPU supports (tests use it
// to check every path on one machine).
Status addOptimizedOps(OpResolver& resolver, Isa isa);

}  // namespace tinyscope::runner::optimized
