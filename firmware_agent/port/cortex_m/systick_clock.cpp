// hal::micros()/ticks() from SysTick running on the core clock: a 24-bit down-counter
// that wraps every 2^24 cycles (0.67 s at 25 MHz), extended to 64 bits by counting wraps
// in SysTick_Handler. Reads are consistent from any context, including with interrupts
// masked across a wrap (the pending flag tells that a wrap has not been counted yet).
#include "board.h"
#include "cortex_m.h"
#include "hal.h"

namespace tinyscope::agent::cortex_m {

namespace {
constexpr uint32_t kReload = 0x00FFFFFFu;
volatile uint32_t g_wraps = 0;
uint32_t g_clockHz = 1;
}  // namespace

void startSysTick(uint32_t clockHz) {
  g_clockHz = clockHz;
  g_wraps = 0;
  reg(kSysTickCtrl) = 0;
  reg(kSysTickLoad) = kReload;
  reg(kSysTickVal) = 0;
  // Lowest priority among ours but never starved for 0.67 s.
  *reinterpret_cast<volatile uint8_t*>(kScbShpr3 + 3) = 0xF0;
  reg(kSysTickCtrl) = 0x7;  // CLKSOURCE = core, TICKINT, ENABLE
}

}  // namespace tinyscope::agent::cortex_m

namespace cm = tinyscope::agent::cortex_m;

extern "C" void SysTick_Handler() {
  cm::g_wraps = cm::g_wraps + 1;
  cm::noteWake();
}

namespace tinyscope::agent::hal {

uint64_t ticks() {
  cm::InterruptLock lock;
  uint32_t wraps = cm::g_wraps;
  uint32_t value = cm::reg(cm::kSysTickVal);
  if ((cm::reg(cm::kScbIcsr) & cm::kIcsrPendStSet) != 0) {
    // Wrapped but not yet counted: re-read so value and wraps agree.
    value = cm::reg(cm::kSysTickVal);
    ++wraps;
  }
  return (uint64_t(wraps) << 24) | (cm::kReload - value);
}

uint32_t ticksPerSecond() {
  return cm::g_clockHz;
}

uint64_t micros() {
  // Split so the product cannot overflow for any realistic uptime.
  const uint64_t t = ticks();
  const uint32_t hz = cm::g_clockHz;
  return (t / hz) * 1000000u + (t % hz) * 1000000u / hz;
}

}  // namespace tinyscope::agent::hal
