// Command line of tinyscope-agent (the host build of the firmware agent).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host_link.h"
#include "host_sensors.h"

namespace tinyscope::agent::host {

constexpr uint64_t kMaxArenaBytes = 8u << 20;  // the agent's static arena

struct AgentOptions {
  LinkOptions link;
  struct SensorArg {
    SensorKind kind = SensorKind::kSine;
    std::string file;  // Samples: the WAV or CSV path; Audio: a WAV heard once (read by main)
    bool wav = false;
  };
  std::vector<SensorArg> sensorArgs;  // command-line order = sensor ids
  double rateHz = 0;                  // 0 = each sensor's default
  uint8_t channels = 0;               // 0 = each sensor's default
  std::string modelPath;              // empty = the bundled demo model (if any)
  bool noModel = false;
  std::string frontEndPath;  // installed in the last slot (RunPipeline's front-end); may be empty
  std::string slotsDir;      // empty = a fresh temporary directory
  uint32_t slotCount = 2;
  uint32_t slotSize = 4u << 20;
  uint64_t arenaBytes = 0;  // --arena: a smaller arena than the built-in one (0 = all of it)
  uint64_t powerCutAt = 0;  // tests: the flash write at which the power goes (0 = never)
  // --fault-op NAME: that operator's kernel flips the lowest bit of its first output byte (a
  // device whose kernels differ, for testing replay and compare); empty = none.
  std::string faultOp;
  // --dut: answer the MLPerf Tiny benchmark runner (core/dut_mode.h) instead of the tinyscope
  // protocol; dutBufferBytes is its `db load` buffer (default: the reference firmware's).
  bool dut = false;
  uint32_t dutBufferBytes = 96 * 96 * 3;
  bool help = false;
  bool version = false;
  bool quiet = false;
};

// Parses argv. False with a one-line `error` on bad usage (the caller exits with 2).
bool parseAgentOptions(const std::vector<std::string>& args, AgentOptions* out, std::string* error);

// The --help text.
std::string agentUsage();

}  // namespace tinyscope::agent::host
