// hal.h on a POSIX host: link on stdio/pty/TCP (HostLink), CLOCK_MONOTONIC time,
// nanosecond op ticks, model slots in memory-mapped files (SlotFiles).
#include <time.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hal.h"
#include "host_platform.h"

namespace tinyscope::agent::host {
HostPlatform& platform() {
  static HostPlatform p;
  return p;
}
}  // namespace tinyscope::agent::host

namespace tinyscope::agent::hal {

namespace {
using host::platform;

uint64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}
uint64_t g_originNs = 0;
}  // namespace

void init() {
  g_originNs = monotonicNs();
}

const char* boardName() {
  return "host";
}

void waitForInterrupt() {
  host::HostLink& link = platform().link;
  if (!link.pump()) platform().quit = true;
  // Wake at least every millisecond: sensor samples are due on the clock, not on an fd.
  link.wait(1000);
  if (!link.pump()) platform().quit = true;
}

size_t write(const uint8_t* data, size_t size) {
  return platform().link.write(data, size);
}
size_t writeSpace() {
  platform().link.pump();
  return platform().link.writeSpace();
}
size_t txPending() {
  platform().link.pump();
  return platform().link.txPending();
}
size_t read(uint8_t* out, size_t capacity) {
  return platform().link.read(out, capacity);
}
size_t available() {
  platform().link.pump();
  return platform().link.available();
}

LinkCounters linkCounters() {
  const host::HostLink& link = platform().link;
  return LinkCounters{link.rxBytes(), link.txBytes(), link.rxStalls(), 0};
}

uint64_t micros() {
  return (monotonicNs() - g_originNs) / 1000u;
}
uint64_t ticks() {
  return monotonicNs() - g_originNs;
}
uint32_t ticksPerSecond() {
  return 1000000000u;
}

uint32_t slotCount() {
  return platform().slots.count();
}
const uint8_t* slotData(uint32_t slot) {
  return platform().slots.data(slot);
}
uint32_t slotCapacity(uint32_t slot) {
  return slot < slotCount() ? platform().slots.capacity() : 0;
}

Status slotErase(uint32_t slot) {
  return platform().slots.erase(slot);
}

Status slotWrite(uint32_t slot, uint32_t offset, const uint8_t* data, uint32_t size) {
  return platform().slots.program(slot, offset, data, size);
}

// The host agent's sensors are pulled on the clock (HostSensors), not timer-driven.
Status startSampling(uint32_t, SampleHook, void*) {
  return Status::kUnsupported;
}
void stopSampling() {}

void reboot() {
  host::HostPlatform& p = platform();
  p.link.close();
  std::vector<char*> args;
  for (std::string& a : p.argv) args.push_back(a.data());
  args.push_back(nullptr);
  execv("/proc/self/exe", args.data());
  std::fprintf(stderr, "tinyscope-agent: reboot failed: %s\n", std::strerror(errno));
  std::_Exit(1);
}

void fatal(uint32_t code, const char* message) {
  char line[200];
  const int n = std::snprintf(line, sizeof line, "FATAL 0x%08x %s\n", unsigned(code), message);
  if (n > 0) {
    const int fd = platform().link.announcement().empty() ? 1 : -1;
    if (fd >= 0) (void)!::write(fd, line, size_t(n));
    (void)!::write(2, line, size_t(n));
  }
  std::_Exit(1);
}

}  // namespace tinyscope::agent::hal
