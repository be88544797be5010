// Layout of a Cortex-M vector table and the core exception handlers the common port
// provides. Each board file defines one `g_vectorTable` in section .isr_vector (the
// linker script places it first and keeps it) with its own device interrupt entries.
#pragma once

#include <stdint.h>

namespace tinyscope::agent::cortex_m {

using Handler = void (*)();

template <uint32_t kIrqCount>
struct VectorTable {
  const void* initialStack;
  Handler core[15];  // Reset .. SysTick (exception numbers 1..15)
  Handler irq[kIrqCount];
};

}  // namespace tinyscope::agent::cortex_m

extern "C" {
extern uint8_t __stack_top[];  // from the linker script
[[noreturn]] void Reset_Handler();
void NMI_Handler();
void HardFault_Handler();
void MemManage_Handler();
void BusFault_Handler();
void UsageFault_Handler();
void SVC_Handler();
void DebugMon_Handler();
void PendSV_Handler();
void SysTick_Handler();
void Default_Handler();
}

// The 15 core entries every board table starts with.
#define TINYSCOPE_CORE_VECTORS                                                                 \
  {                                                                                            \
    Reset_Handler, NMI_Handler, HardFault_Handler, MemManage_Handler, BusFault_Handler,        \
        UsageFault_Handler, nullptr, nullptr, nullptr, nullptr, SVC_Handler, DebugMon_Handler, \
        nullptr, PendSV_Handler, SysTick_Handler                                               \
  }
