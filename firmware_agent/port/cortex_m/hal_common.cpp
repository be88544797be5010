// The board-independent half of the Cortex-M4 hal: lifecycle, model slots, sampling
// glue, reboot and fatal. The link driver and vector table live in board_<name>.cpp.
#include <string.h>

#include "board.h"
#include "cortex_m.h"
#include "hal.h"
#include "semihosting.h"

extern "C" {
// Placed by the board linker script; documented in docs/FIRMWARE.md.
extern uint8_t __tinyscope_slots_start[];
extern uint8_t __tinyscope_slot_size[];   // absolute symbol: its address is the value
extern uint8_t __tinyscope_slot_count[];  // absolute symbol: its address is the value
}

namespace tinyscope::agent::cortex_m {
void startSysTick(uint32_t clockHz);

namespace {
hal::SampleHook g_sampleHook = nullptr;
void* g_sampleContext = nullptr;

uint32_t slotSize() {
  return uint32_t(reinterpret_cast<uintptr_t>(__tinyscope_slot_size));
}
uint8_t* slotBase(uint32_t slot) {
  return __tinyscope_slots_start + size_t(slot) * slotSize();
}
}  // namespace

volatile bool g_wake = false;

void noteWake() {
  g_wake = true;
}

uint64_t g_sampleStartTicks = 0;
uint32_t g_sampleRateHz = 0;
uint64_t g_samplesIssued = 0;

// Calls the hook as often as samples are due by the SysTick clock, not once per timer
// interrupt: a late or lost interrupt (QEMU coalesces timer periods when the host is
// busy; silicon can be held off by long critical sections) is made up back to back, so
// the sample count always tracks micros(). Bounded per interrupt.
void runSampleHook() {
  const hal::SampleHook hook = g_sampleHook;
  if (hook == nullptr) return;
  const uint64_t elapsed = hal::ticks() - g_sampleStartTicks;
  const uint64_t due = elapsed * g_sampleRateHz / hal::ticksPerSecond() + 1;
  for (uint32_t burst = 0; g_samplesIssued < due && burst < 64; ++burst) {
    hook(g_sampleContext);
    ++g_samplesIssued;
  }
}

}  // namespace tinyscope::agent::cortex_m

namespace tinyscope::agent::hal {

namespace cm = cortex_m;

void init() {
  cm::disableInterrupts();
  cm::startSysTick(board::coreClockHz());
  board::linkInit();
  // Probe now, from thread mode: fault handlers must never be the first to ask.
  cm::semihostingAvailable();
  cm::enableInterrupts();
}

const char* boardName() {
  return board::name();
}

void waitForInterrupt() {
  // WFI wakes on a pending interrupt even with PRIMASK set; the ISR runs at cpsie. The
  // flag covers interrupts taken between the caller's check and this point.
  cm::disableInterrupts();
  if (!cm::g_wake) cm::waitForInterrupt();
  cm::g_wake = false;
  cm::enableInterrupts();
}

uint32_t slotCount() {
  return uint32_t(reinterpret_cast<uintptr_t>(__tinyscope_slot_count));
}

const uint8_t* slotData(uint32_t slot) {
  return slot < slotCount() ? cm::slotBase(slot) : nullptr;
}

uint32_t slotCapacity(uint32_t slot) {
  return slot < slotCount() ? cm::slotSize() : 0;
}

Status slotErase(uint32_t slot) {
  if (slot >= slotCount()) return Status::kBadSlot;
  if (!board::slotsWritable()) return Status::kReadOnly;
  memset(cm::slotBase(slot), 0xFF, cm::slotSize());
  return Status::kOk;
}

Status slotWrite(uint32_t slot, uint32_t offset, const uint8_t* data, uint32_t size) {
  if (slot >= slotCount()) return Status::kBadSlot;
  if (offset > cm::slotSize() || size > cm::slotSize() - offset) return Status::kOutOfRange;
  if (!board::slotsWritable()) return Status::kReadOnly;
  uint8_t* target = cm::slotBase(slot) + offset;
  for (uint32_t i = 0; i < size; ++i) {
    if (target[i] != 0xFF) return Status::kNotErased;
  }
  memcpy(target, data, size);
  return Status::kOk;
}

Status startSampling(uint32_t rateHz, SampleHook hook, void* context) {
  if (hook == nullptr) return Status::kOutOfRange;
  board::sampleTimerStop();
  cm::g_sampleHook = hook;
  cm::g_sampleContext = context;
  cm::g_sampleRateHz = rateHz;
  cm::g_samplesIssued = 0;
  cm::g_sampleStartTicks = ticks();
  const Status status = board::sampleTimerStart(rateHz);
  if (status != Status::kOk) cm::g_sampleHook = nullptr;
  return status;
}

void stopSampling() {
  board::sampleTimerStop();
  cm::g_sampleHook = nullptr;
}

void reboot() {
  const uint64_t deadline = micros() + 200000;
  while (txPending() != 0 && micros() < deadline) {}
  asm volatile("dsb" ::: "memory");
  cm::reg(cm::kScbAircr) = cm::kAircrSysResetReq;
  asm volatile("dsb" ::: "memory");
  for (;;) {}
}

void fatal(uint32_t code, const char* message) {
  cm::disableInterrupts();
  static constexpr char kDigits[] = "0123456789abcdef";
  char codeText[12] = {' ', '0', 'x'};
  for (int i = 0; i < 8; ++i) codeText[3 + i] = kDigits[(code >> (28 - 4 * i)) & 0xFu];
  codeText[11] = '\0';
  board::linkWritePolled("\nFATAL");
  board::linkWritePolled(codeText);
  board::linkWritePolled(" ");
  board::linkWritePolled(message);
  board::linkWritePolled("\n");
  cm::semihostingWrite("FATAL: ");
  cm::semihostingWrite(message);
  cm::semihostingWrite("\n");
  cm::semihostingExit(code == 0 ? 1 : code);
  for (;;) {
    cm::waitForInterrupt();
  }
}

}  // namespace tinyscope::agent::hal
