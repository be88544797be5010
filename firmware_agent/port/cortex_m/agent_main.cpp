// tinyscope-agent for Cortex-M4: the portable agent core (firmware_agent/core), the int8
// runtime (model_runner, core-tier ops) and the device protocol, unchanged, on this port's
// hal.h. The same core the host agent (port/host, the `sim:` device) runs.
//
// Memory, all static (no heap anywhere: the linker scripts define no `end`):
//   arena        TINYSCOPE_ARENA_BYTES (per board, see CMakeLists.txt): model tensors
//   history      TINYSCOPE_HISTORY_BYTES: newest samples per stream (LatestWindow runs)
//   Agent        frame buffers, stream windows, interpreter state (sizeof(Agent))
// Model slots are the board's slot storage (hal::slotData), read in place.
#include <stddef.h>
#include <stdint.h>

#include "firmware_agent/core/agent.h"
#include "hal.h"
#include "mcu_sensors.h"
#include "model_runner/kernels/core_ops.h"

#ifndef TINYSCOPE_AGENT_VERSION
#define TINYSCOPE_AGENT_VERSION "0.0.0"
#endif
#ifndef TINYSCOPE_ARENA_BYTES
#define TINYSCOPE_ARENA_BYTES (64 * 1024)
#endif
#ifndef TINYSCOPE_HISTORY_BYTES
#define TINYSCOPE_HISTORY_BYTES 1024
#endif

namespace {
using namespace tinyscope::agent;

alignas(16) uint8_t g_arena[TINYSCOPE_ARENA_BYTES];
alignas(4) uint8_t g_history[TINYSCOPE_HISTORY_BYTES];
tinyscope::runner::OpResolver g_resolver;
cortex_m::McuSensors g_sensors;

// A stable id per board name (FNV-1a): QEMU boards have no unique id to read.
void deviceIdFor(const char* name, uint8_t out[8]) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char* c = name; *c != '\0'; ++c) h = (h ^ uint8_t(*c)) * 0x100000001b3ull;
  for (int i = 0; i < 8; ++i) out[i] = uint8_t(h >> (8 * i));
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
}  // namespace

int main() {
  hal::init();
  eraseZeroedSlots();
  if (tinyscope::runner::kernels::addCoreOps(g_resolver) != tinyscope::runner::Status::kOk) {
    hal::fatal(1, "op resolver too small for the core ops");
  }
  static uint8_t deviceId[8];
  deviceIdFor(hal::boardName(), deviceId);

  AgentConfig config;
  config.firmwareVersion = TINYSCOPE_AGENT_VERSION "-cortex-m4";
  config.deviceId = tinyscope::proto::ConstByteSpan(deviceId, sizeof deviceId);
  config.resolver = &g_resolver;
  config.arena = tinyscope::proto::ByteSpan(g_arena, sizeof g_arena);
  config.sampleHistory = tinyscope::proto::ByteSpan(g_history, sizeof g_history);
  config.sensors = &g_sensors;
  config.slotStore = nullptr;  // active slot and names live in RAM: a reset forgets them
  static Agent agent(config);
  agent.begin();
  agent.run();
}
