// Reset and fault handling common to every Cortex-M4 board: the reset handler brings up
// the C++ runtime (FPU, .data, .bss, constructors) and calls main(); the fault handlers
// turn any fault into hal::fatal() with the faulting PC, except semihosting BKPTs made
// without a debugger, which are skipped (see semihosting.h).
#include <stddef.h>
#include <stdint.h>

#include "cortex_m.h"
#include "hal.h"
#include "semihosting.h"
#include "vector_table.h"

extern "C" {
// Linker script symbols.
extern uint8_t __data_load[];
extern uint8_t __data_start[];
extern uint8_t __data_end[];
extern uint8_t __bss_start[];
extern uint8_t __bss_end[];
extern void (*__preinit_array_start[])();
extern void (*__preinit_array_end[])();
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern uint8_t __vector_table_start[];

// The application's main(), named through an asm label because ISO C++ forbids calling
// ::main from inside the program.
int applicationMain() asm("main");
}

namespace cm = tinyscope::agent::cortex_m;
namespace hal = tinyscope::agent::hal;

namespace {

char* appendHex(char* out, uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  *out++ = '0';
  *out++ = 'x';
  for (int shift = 28; shift >= 0; shift -= 4) *out++ = kDigits[(value >> shift) & 0xFu];
  return out;
}

char* appendText(char* out, const char* text) {
  while (*text != '\0') *out++ = *text++;
  return out;
}

}  // namespace

// Static objects live until reset: main never returns (Reset_Handler ends in hal::fatal) and
// nothing calls exit(), so no destructor of a static ever runs. The compiler still registers
// one with atexit() for each static it constructs (-fno-use-cxa-atexit); taking the call here
// keeps newlib's exit-handler list (~0.2 KB of flash, 0.15 KB of RAM) out of every image.
extern "C" int atexit(void (*)()) {
  return 0;
}

extern "C" [[noreturn]] void Reset_Handler() {
  // Full access to CP10/CP11 before any code that may touch the FPU.
  cm::reg(cm::kScbCpacr) |= 0xFu << 20;
  asm volatile("dsb\n isb" ::: "memory");

  // Volatile pointers keep the compiler from turning these loops into library calls.
  volatile uint8_t* dst = __data_start;
  for (const uint8_t* src = __data_load; dst < __data_end;) *dst++ = *src++;
  for (volatile uint8_t* p = __bss_start; p < __bss_end;) *p++ = 0;

  cm::reg(cm::kScbVtor) = reinterpret_cast<uintptr_t>(__vector_table_start);
  // Trap integer divide by zero instead of returning 0.
  cm::reg(cm::kScbCcr) |= 1u << 4;

  for (auto* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (auto* f = __init_array_start; f < __init_array_end; ++f) (*f)();

  const int code = applicationMain();
  hal::fatal(uint32_t(code), "main returned");
}

// Exception entry with the stacked frame {r0 r1 r2 r3 r12 lr pc xpsr} and EXC_RETURN. Only the
// fault entries' asm branches here, which -flto cannot see: `used` keeps it in the image.
extern "C" __attribute__((used)) void tinyscopeFaultDispatch(uint32_t* frame, uint32_t excReturn) {
  const uint32_t pc = frame[6];
  if (cm::semihostingTrap(reinterpret_cast<const uint16_t*>(pc))) {
    frame[6] = pc + 2;                              // skip the BKPT
    frame[0] = 0xFFFFFFFFu;                         // the call "returns" -1
    cm::reg(cm::kScbHfsr) = cm::reg(cm::kScbHfsr);  // write-1-to-clear
    cm::reg(cm::kScbDfsr) = cm::reg(cm::kScbDfsr);
    return;
  }
  static char message[96];
  char* out = appendText(message, "fault ipsr=");
  uint32_t ipsr;
  asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  out = appendHex(out, ipsr);
  out = appendText(out, " pc=");
  out = appendHex(out, pc);
  out = appendText(out, " lr=");
  out = appendHex(out, frame[5]);
  out = appendText(out, " cfsr=");
  out = appendHex(out, cm::reg(cm::kScbCfsr));
  out = appendText(out, " hfsr=");
  out = appendHex(out, cm::reg(cm::kScbHfsr));
  *out = '\0';
  (void)excReturn;
  hal::fatal(0xF0000000u | ipsr, message);
}

// Picks the active stack and tail-calls the dispatcher, which returns through EXC_RETURN.
#define TINYSCOPE_FAULT_ENTRY(name)               \
  extern "C" __attribute__((naked)) void name() { \
    asm volatile(                                 \
        "tst lr, #4\n"                            \
        "ite eq\n"                                \
        "mrseq r0, msp\n"                         \
        "mrsne r0, psp\n"                         \
        "mov r1, lr\n"                            \
        "b tinyscopeFaultDispatch\n");            \
  }

TINYSCOPE_FAULT_ENTRY(HardFault_Handler)
TINYSCOPE_FAULT_ENTRY(MemManage_Handler)
TINYSCOPE_FAULT_ENTRY(BusFault_Handler)
TINYSCOPE_FAULT_ENTRY(UsageFault_Handler)
TINYSCOPE_FAULT_ENTRY(DebugMon_Handler)
TINYSCOPE_FAULT_ENTRY(NMI_Handler)

extern "C" void Default_Handler() {
  uint32_t ipsr;
  asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  static char message[40];
  char* out = appendText(message, "unexpected interrupt ipsr=");
  out = appendHex(out, ipsr);
  *out = '\0';
  hal::fatal(0xE0000000u | ipsr, message);
}

extern "C" __attribute__((weak, alias("Default_Handler"))) void SVC_Handler();
extern "C" __attribute__((weak, alias("Default_Handler"))) void PendSV_Handler();
