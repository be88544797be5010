#include "semihosting.h"

namespace tinyscope::agent::cortex_m {
namespace {

constexpr uint32_t kSysWrite0 = 0x04;
constexpr uint32_t kSysErrno = 0x13;
constexpr uint32_t kSysGetCmdline = 0x15;
constexpr uint32_t kSysExitExtended = 0x20;
constexpr uint32_t kAdpStoppedApplicationExit = 0x20026;
constexpr uint16_t kBkptSemihosting = 0xBEAB;  // Thumb encoding of BKPT 0xAB

enum class Probe : uint8_t { kUnknown, kPresent, kAbsent };
volatile Probe g_probe = Probe::kUnknown;

uint32_t call(uint32_t operation, const void* argument) {
  register uint32_t r0 asm("r0") = operation;
  register const void* r1 asm("r1") = argument;
  asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

}  // namespace

bool semihostingTrap(const uint16_t* pc) {
  if (*pc != kBkptSemihosting) return false;
  g_probe = Probe::kAbsent;
  return true;
}

bool semihostingAvailable() {
  if (g_probe == Probe::kUnknown) {
    // SYS_ERRNO has no side effects. Under semihosting it returns the last errno (>= 0);
    // without it the trap handler makes it return 0xFFFFFFFF and sets kAbsent.
    g_probe = Probe::kPresent;
    call(kSysErrno, nullptr);
  }
  return g_probe == Probe::kPresent;
}

void semihostingExit(uint32_t code) {
  if (!semihostingAvailable()) return;
  const uint32_t block[2] = {kAdpStoppedApplicationExit, code};
  call(kSysExitExtended, block);
}

bool semihostingCommandLine(char* out, uint32_t capacity) {
  if (capacity == 0 || !semihostingAvailable()) return false;
  uint32_t block[2] = {reinterpret_cast<uintptr_t>(out), capacity};  // in: buffer; out: length
  if (call(kSysGetCmdline, block) != 0) return false;
  if (!semihostingAvailable() || block[1] >= capacity) return false;
  out[block[1]] = '\0';
  return true;
}

void semihostingWrite(const char* text) {
  if (!semihostingAvailable()) return;
  call(kSysWrite0, text);
}

}  // namespace tinyscope::agent::cortex_m
