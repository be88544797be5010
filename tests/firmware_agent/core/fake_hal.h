#pragma once
// A hal.h implementation for in-process tests of the agent core: the test owns the clock,
// the link (how many bytes the TX ring takes per call and in total, what arrives on RX) and
// the slot storage. Single-threaded, like the super-loop it serves.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace fake_hal {

struct State {
  uint64_t nowUs = 0;
  uint64_t tickCounter = 0;     // ticks() advances by 5 per call (so ops take time)
  std::vector<uint8_t> wire;    // bytes the agent sent that the host has not taken yet
  size_t txCapacity = 1 << 20;  // TX ring size: write() accepts while wire.size() < this
  size_t txPerCall = SIZE_MAX;  // most bytes one write() accepts
  uint64_t txTotal = 0;
  std::deque<uint8_t> rx;        // bytes waiting for the agent
  uint64_t waitAdvanceUs = 100;  // waitForInterrupt() advances the clock by this
  bool drainOnWait = true;       // waitForInterrupt(): the host takes everything sent
  std::vector<std::vector<uint8_t>> slots;
  std::vector<uint8_t> drained;  // what drainOnWait took (tests read it later)
};

State& state();
// Fresh state: `slotCount` erased slots of `slotSize` bytes.
void reset(size_t slotCount = 2, size_t slotSize = 64 * 1024);

}  // namespace fake_hal
