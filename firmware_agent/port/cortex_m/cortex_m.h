// Cortex-M4 core registers and the few intrinsics the port needs (no CMSIS dependency).
// Header-only; every function is safe from any context unless it says otherwise.
#pragma once

#include <stdint.h>

namespace tinyscope::agent::cortex_m {

inline volatile uint32_t& reg(uintptr_t address) {
  return *reinterpret_cast<volatile uint32_t*>(address);
}

// System control block, SysTick, NVIC (ARMv7-M architecture reference, B3).
constexpr uintptr_t kScbIcsr = 0xE000ED04;
constexpr uintptr_t kScbVtor = 0xE000ED08;
constexpr uintptr_t kScbAircr = 0xE000ED0C;
constexpr uintptr_t kScbCcr = 0xE000ED14;
constexpr uintptr_t kScbShpr3 = 0xE000ED20;
constexpr uintptr_t kScbCfsr = 0xE000ED28;
constexpr uintptr_t kScbHfsr = 0xE000ED2C;
constexpr uintptr_t kScbDfsr = 0xE000ED30;
constexpr uintptr_t kScbCpacr = 0xE000ED88;
constexpr uintptr_t kSysTickCtrl = 0xE000E010;
constexpr uintptr_t kSysTickLoad = 0xE000E014;
constexpr uintptr_t kSysTickVal = 0xE000E018;
constexpr uintptr_t kNvicIser = 0xE000E100;
constexpr uintptr_t kNvicIcer = 0xE000E180;
constexpr uintptr_t kNvicIspr = 0xE000E200;
constexpr uintptr_t kNvicIcpr = 0xE000E280;
constexpr uintptr_t kNvicIpr = 0xE000E400;

constexpr uint32_t kIcsrPendStSet = 1u << 26;
constexpr uint32_t kAircrSysResetReq = 0x05FA0004u;

inline void enableIrq(uint32_t irq) {
  reg(kNvicIser + 4 * (irq / 32)) = 1u << (irq % 32);
}
inline void disableIrq(uint32_t irq) {
  reg(kNvicIcer + 4 * (irq / 32)) = 1u << (irq % 32);
  asm volatile("dsb\n isb" ::: "memory");
}
inline void pendIrq(uint32_t irq) {
  reg(kNvicIspr + 4 * (irq / 32)) = 1u << (irq % 32);
}
inline void clearPendingIrq(uint32_t irq) {
  reg(kNvicIcpr + 4 * (irq / 32)) = 1u << (irq % 32);
}
// 4 priority bits on the M4 parts we target; 0 is the most urgent.
inline void setIrqPriority(uint32_t irq, uint8_t priority) {
  *reinterpret_cast<volatile uint8_t*>(kNvicIpr + irq) = uint8_t(priority << 4);
}

inline uint32_t primask() {
  uint32_t value;
  asm volatile("mrs %0, primask" : "=r"(value)::"memory");
  return value;
}
inline void disableInterrupts() {
  asm volatile("cpsid i" ::: "memory");
}
inline void enableInterrupts() {
  asm volatile("cpsie i" ::: "memory");
}
inline void waitForInterrupt() {
  asm volatile("dsb\n wfi" ::: "memory");
}

// Masks interrupts for its lifetime and restores the previous state (nests).
class InterruptLock {
 public:
  InterruptLock() : m_primask(primask()) { disableInterrupts(); }
  ~InterruptLock() {
    if ((m_primask & 1u) == 0) enableInterrupts();
  }
  InterruptLock(const InterruptLock&) = delete;
  InterruptLock& operator=(const InterruptLock&) = delete;

 private:
  uint32_t m_primask;
};

}  // namespace tinyscope::agent::cortex_m
