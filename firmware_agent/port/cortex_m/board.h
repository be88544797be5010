// What a board support file supplies to the common Cortex-M port. One board file per
// board (board_<name>.cpp) defines the vector table, the link driver (hal::write/read/...
// are defined there) and these functions. Not part of the agent's API: only the port
// includes it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hal.h"

namespace tinyscope::agent::board {

// Static storage; also what hal::boardName() returns.
const char* name();

// Core clock feeding SysTick (CLKSOURCE = processor clock).
uint32_t coreClockHz();

// Brings the link up with interrupts configured; called by hal::init() before
// interrupts are enabled.
void linkInit();

// Polled output with interrupts masked, bypassing the rings (fatal path only).
void linkWritePolled(const char* text);

// Model-slot storage is writable at run time (RAM-backed under QEMU) or preload-only.
bool slotsWritable();

// Periodic sample timer; hook runs in the timer ISR.
hal::Status sampleTimerStart(uint32_t rateHz);
void sampleTimerStop();

}  // namespace tinyscope::agent::board

namespace tinyscope::agent::cortex_m {

// Called from board timer ISRs to run the agent's SampleHook (defined in hal_common.cpp).
void runSampleHook();

// Every port ISR calls this so hal::waitForInterrupt() cannot sleep through a wake-up
// that raced with the caller's last check (defined in hal_common.cpp).
void noteWake();

}  // namespace tinyscope::agent::cortex_m
