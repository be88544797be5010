// tinyscope-agent for Cortex-M4: the portable agent core (firmware_agent/core), the int8
// runtime (model_runner, with the op groups the build lists: firmware_ops.h) and the device
// protocol, unchanged, on this port's hal.h. The same core the host agent (port/host, the `sim:`
// device) runs.
//
// Memory, all static (no heap anywhere: the linker scripts define no `end`):
//   arena        TINYSCOPE_ARENA_BYTES (per board, see CMakeLists.txt): model tensors
//   history      TINYSCOPE_HISTORY_BYTES: newest samples per stream (LatestWindow runs)
//   pipeline     TINYSCOPE_PIPELINE_BYTES: RunPipeline's stacked front-end outputs (0: none)
//   Agent        frame buffers, stream windows, interpreter state (sizeof(Agent))
// Model slots are the board's slot storage (hal::slotData), read in place.
#include <stddef.h>
#include <stdint.h>

#include "firmware_agent/core/agent.h"
#include "firmware_agent/core/device_id.h"
#include "firmware_agent/core/dut_mode.h"
#include "firmware_ops.h"
#include "hal.h"
#include "mcu_sensors.h"
#include "model_runner/cortex_m/cortex_m_ops.h"
#include "semihosting.h"
#if TINYSCOPE_RAM_JOURNAL
#include "ram_journal.h"
#endif

extern "C" {
extern uint32_t __stack_bottom[];  // placed by sections.ld
extern uint32_t __stack_top[];
#if TINYSCOPE_RAM_JOURNAL
extern uint8_t __tinyscope_journal_start[];  // ld/<board>.ld: RAM that survives hal::reboot()
#endif
}

#ifndef TINYSCOPE_AGENT_VERSION
#define TINYSCOPE_AGENT_VERSION "0.0.0"
#endif
#ifndef TINYSCOPE_ARENA_BYTES
#define TINYSCOPE_ARENA_BYTES (64 * 1024)
#endif
#ifndef TINYSCOPE_OP_CAPACITY
#define TINYSCOPE_OP_CAPACITY tinyscope::runner::kAllOpsCapacity
#endif
#ifndef TINYSCOPE_HISTORY_BYTES
#define TINYSCOPE_HISTORY_BYTES 1024
#endif
#ifndef TINYSCOPE_PIPELINE_BYTES
#define TINYSCOPE_PIPELINE_BYTES 0
#endif

namespace {
using namespace tinyscope::agent;

alignas(16) uint8_t g_arena[TINYSCOPE_ARENA_BYTES];
alignas(4) uint8_t g_history[TINYSCOPE_HISTORY_BYTES];
#if TINYSCOPE_PIPELINE_BYTES > 0
alignas(4) uint8_t g_pipeline[TINYSCOPE_PIPELINE_BYTES];
#endif
// Sized per image by the build from its op groups (firmware_ops.h).
tinyscope::runner::MutableOpResolver<TINYSCOPE_OP_CAPACITY> g_resolver;
cortex_m::McuSensors g_sensors;

// Stack high-water mark: main paints the unused stack at boot; the lowest word no longer
// holding the paint is the deepest the stack has been. Reported over semihosting (QEMU's
// output; `TINYSCOPE_VERBOSE=1 tinyscope-cli ...` shows it) whenever it grows.
constexpr uint32_t kStackPaint = 0x5AC3A55Au;

void paintStack() {
  uint32_t* sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  uint32_t* const limit = sp - 64;  // keep clear of the live frames
  for (uint32_t* p = __stack_bottom; p < limit; ++p) *p = kStackPaint;
}

uint32_t stackHighWater() {
  const uint32_t* p = __stack_bottom;
  while (p < __stack_top && *p == kStackPaint) ++p;
  return uint32_t(reinterpret_cast<uintptr_t>(__stack_top) - reinterpret_cast<uintptr_t>(p));
}

void appendNumber(char*& out, uint32_t v) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = char('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *out++ = digits[--n];
}

void reportStack(uint32_t used) {
  char line[64];
  char* out = line;
  for (const char* t = "tinyscope-agent: stack high-water "; *t != '\0'; ++t) *out++ = *t;
  appendNumber(out, used);
  for (const char* t = " of "; *t != '\0'; ++t) *out++ = *t;
  appendNumber(out, uint32_t(reinterpret_cast<uintptr_t>(__stack_top) -
                             reinterpret_cast<uintptr_t>(__stack_bottom)));
  for (const char* t = " bytes\n"; *t != '\0'; ++t) *out++ = *t;
  *out = '\0';
  cortex_m::semihostingWrite(line);
}

// RAM-backed slots (mps2-an386) power up as zeros, which the slot code would report as
// "invalid"; present an all-zero header as an erased slot. A preloaded model (QEMU's
// -device loader) has a header and stays untouched.
void eraseZeroedSlots() {
  for (uint32_t slot = 0; slot < hal::slotCount(); ++slot) {
    const uint8_t* header = hal::slotData(slot);
    bool zero = true;
    for (uint32_t i = 0; i < hal::kSlotHeaderSize && zero; ++i) zero = header[i] == 0;
    if (zero) (void)hal::slotErase(slot);  // kReadOnly on flash boards: nothing to do there
  }
}
#if TINYSCOPE_DUT_MODE
// The MLPerf Tiny DUT mode's `db load` buffer: the reference firmware's size (96 * 96 * 3).
alignas(4) uint8_t g_db[DutMode::kReferenceDbBytes];

#ifndef TINYSCOPE_DUT_BOOT
#define TINYSCOPE_DUT_BOOT 0
#endif

// True when the semihosting command line holds `word` as one of its space-separated words.
bool bootArgument(const char* word) {
  static char line[512];  // the image path comes first
  if (!cortex_m::semihostingCommandLine(line, sizeof line)) return false;
  for (const char* p = line; *p != '\0';) {
    while (*p == ' ') ++p;
    const char* w = word;
    const char* q = p;
    while (*w != '\0' && *q == *w) {
      ++q;
      ++w;
    }
    if (*w == '\0' && (*q == ' ' || *q == '\0')) return true;
    while (*p != '\0' && *p != ' ') ++p;
  }
  return false;
}

// Boot mode of the tinyscope-agent-dut images: the MLPerf Tiny benchmark runner's ASCII
// grammar (core/dut_mode.h) instead of the tinyscope protocol, same slots, runtime and clock.
[[noreturn]] void runDutMode() {
  DutConfig config;
  config.resolver = &g_resolver;
  config.arena = tinyscope::proto::ByteSpan(g_arena, sizeof g_arena);
  config.dbBuffer = tinyscope::proto::ByteSpan(g_db, sizeof g_db);
  config.vendor = hal::boardName();
  static DutMode dut(config);
  dut.begin();
  dut.run();
}
#endif
}  // namespace

int main() {
  paintStack();
  hal::init();
  eraseZeroedSlots();
  if (cortex_m::addFirmwareOps(g_resolver) != tinyscope::runner::Status::kOk) {
    hal::fatal(1, "op resolver too small for the operators of this image");
  }
  // CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: the DSP (SMLAD) kernels, bit-exact.
  if (tinyscope::runner::cortex_m::addCortexMOps(g_resolver) != tinyscope::runner::Status::kOk) {
    hal::fatal(1, "op resolver too small for the Cortex-M kernels");
  }
#if TINYSCOPE_DUT_MODE
  // Boot mode: the DUT images always; the others when the host's command line asks for it
  // (QEMU: -append --dut).
  if (TINYSCOPE_DUT_BOOT || bootArgument("--dut")) runDutMode();
#endif
  static uint8_t deviceId[tinyscope::agent::kDeviceIdBytes];  // QEMU boards have no unique id
  tinyscope::agent::deviceIdFromName(hal::boardName(), deviceId);

  AgentConfig config;
  config.firmwareVersion = TINYSCOPE_AGENT_VERSION "-cortex-m4";
  config.deviceId = tinyscope::proto::ConstByteSpan(deviceId, sizeof deviceId);
  config.resolver = &g_resolver;
  config.arena = tinyscope::proto::ByteSpan(g_arena, sizeof g_arena);
  config.sampleHistory = tinyscope::proto::ByteSpan(g_history, sizeof g_history);
#if TINYSCOPE_PIPELINE_BYTES > 0
  config.pipeline = &Agent::frontEndPipeline;
  config.pipelineBuffer = tinyscope::proto::ByteSpan(g_pipeline, sizeof g_pipeline);
#endif
  config.sensors = &g_sensors;
#if TINYSCOPE_RAM_JOURNAL
  // Active slot, test state and names in a journal in RAM that a reset keeps.
  static cortex_m::RamJournal journalMedium(__tinyscope_journal_start);
  static SlotJournal journal(&journalMedium);
  config.slotStore = &journal;
#else
  config.slotStore = nullptr;  // active slot and names live in RAM: a reset forgets them
#endif
  static Agent agent(config);
  agent.begin();
  uint32_t reported = 0;
  uint64_t nextCheckUs = 0;
  for (;;) {
    if (!agent.poll()) hal::waitForInterrupt();
    if (hal::micros() >= nextCheckUs) {
      nextCheckUs = hal::micros() + 500000;
      const uint32_t used = stackHighWater();
      if (used > reported) reportStack(reported = used);
    }
  }
}
