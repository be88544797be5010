// ARM semihosting, guarded: a semihosting call with no debugger/emulator behind it is a
// BKPT 0xAB that escalates to HardFault. The port's HardFault handler recognises that
// instruction, skips it, returns -1 and marks semihosting as absent, so images run the
// same with or without QEMU's -semihosting (they just cannot exit or print through it).
#pragma once

#include <stdint.h>

namespace tinyscope::agent::cortex_m {

// True once a probe call succeeded (probed lazily on first use). Main only (first call).
bool semihostingAvailable();

// Ends the emulation with `code` (SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit).
// Returns only when semihosting is absent.
void semihostingExit(uint32_t code);

// Writes a NUL-terminated string to the host's stdout (SYS_WRITE0). No-op when absent.
void semihostingWrite(const char* text);

// The host's command line for this program (SYS_GET_CMDLINE; under QEMU the image path and
// -append's text, or -semihosting-config arg=...), NUL-terminated into `out`. False when
// semihosting is absent or the line does not fit `capacity`.
bool semihostingCommandLine(char* out, uint32_t capacity);

// Used by the HardFault handler: the faulting instruction at `pc` is a semihosting
// BKPT. Marks semihosting absent and returns true; the handler then skips it.
bool semihostingTrap(const uint16_t* pc);

}  // namespace tinyscope::agent::cortex_m
