#pragma once
// The agent's loss reports (Error StreamOverrun, firmware_agent/core/sensor_streams.h), parsed.
#include <cstdio>

namespace agent_test {

struct LossReport {
  unsigned stream = 0;
  unsigned count = 0;  // lost since the previous report
  unsigned total = 0;  // lost since StartStream
};

constexpr const char* kWindowsLost = "windows lost, link too slow";
constexpr const char* kSamplesDropped = "samples dropped, sensor FIFO overflowed";

// True when `text` is "stream S: N <kind> (T in total)".
inline bool parseLossReport(const char* text, const char* kind, LossReport* out) {
  char format[96];
  std::snprintf(format, sizeof format, "stream %%u: %%u %s (%%u in total)", kind);
  return std::sscanf(text, format, &out->stream, &out->count, &out->total) == 3;
}

}  // namespace agent_test
