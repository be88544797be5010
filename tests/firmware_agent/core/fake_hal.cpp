#include "fake_hal.h"

#include <cstdlib>
#include <cstring>

#include "hal.h"

namespace fake_hal {
State& state() {
  static State s;
  return s;
}
void reset(size_t slotCount, size_t slotSize) {
  state() = State();
  state().slots.assign(slotCount, std::vector<uint8_t>(slotSize, 0xFF));
}
}  // namespace fake_hal

namespace tinyscope::agent::hal {
using fake_hal::state;

void init() {}
const char* boardName() {
  return "fake";
}
void waitForInterrupt() {
  state().nowUs += state().waitAdvanceUs;
  if (state().drainOnWait) {
    state().drained.insert(state().drained.end(), state().wire.begin(), state().wire.end());
    state().wire.clear();
  }
}
size_t write(const uint8_t* data, size_t size) {
  fake_hal::State& s = state();
  size_t room = s.wire.size() < s.txCapacity ? s.txCapacity - s.wire.size() : 0;
  size_t n = size < room ? size : room;
  if (n > s.txPerCall) n = s.txPerCall;
  s.wire.insert(s.wire.end(), data, data + n);
  s.txTotal += n;
  return n;
}
size_t writeSpace() {
  const fake_hal::State& s = state();
  return s.wire.size() < s.txCapacity ? s.txCapacity - s.wire.size() : 0;
}
size_t txPending() {
  return state().wire.size();
}
size_t read(uint8_t* out, size_t capacity) {
  size_t n = 0;
  while (n < capacity && !state().rx.empty()) {
    out[n++] = state().rx.front();
    state().rx.pop_front();
  }
  return n;
}
size_t available() {
  return state().rx.size();
}
LinkCounters linkCounters() {
  return LinkCounters{0, uint32_t(state().txTotal), 0, 0};
}
uint64_t micros() {
  return state().nowUs;
}
uint64_t ticks() {
  return state().tickCounter += 5;
}
uint32_t ticksPerSecond() {
  return 1000000;
}
uint32_t slotCount() {
  return uint32_t(state().slots.size());
}
const uint8_t* slotData(uint32_t slot) {
  return slot < slotCount() ? state().slots[slot].data() : nullptr;
}
uint32_t slotCapacity(uint32_t slot) {
  return slot < slotCount() ? uint32_t(state().slots[slot].size()) : 0;
}
Status slotErase(uint32_t slot) {
  if (slot >= slotCount()) return Status::kBadSlot;
  std::memset(state().slots[slot].data(), 0xFF, state().slots[slot].size());
  return Status::kOk;
}
Status slotWrite(uint32_t slot, uint32_t offset, const uint8_t* data, uint32_t size) {
  if (slot >= slotCount()) return Status::kBadSlot;
  std::vector<uint8_t>& s = state().slots[slot];
  if (offset > s.size() || size > s.size() - offset) return Status::kOutOfRange;
  for (uint32_t i = 0; i < size; ++i) {
    if (s[offset + i] != 0xFF) return Status::kNotErased;
  }
  std::memcpy(s.data() + offset, data, size);
  return Status::kOk;
}
Status startSampling(uint32_t, SampleHook, void*) {
  return Status::kUnsupported;
}
void stopSampling() {}
void reboot() {
  std::abort();
}
void fatal(uint32_t, const char*) {
  std::abort();
}
}  // namespace tinyscope::agent::hal
