// Lock-free single-producer/single-consumer byte ring between main and one ISR.
// Capacity is a power of two; indices run free and wrap at 2^32, so full and empty
// are told apart without a spare byte. Storage is a member: the owner places the ring
// (static storage in the port). On a single-core Cortex-M the acquire/release pairs
// compile to plain loads/stores plus compiler barriers (and a DMB, harmless).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <atomic>

namespace tinyscope::agent::cortex_m {

template <uint32_t kCapacity>
class SpscRing {
  static_assert(kCapacity >= 2 && (kCapacity & (kCapacity - 1)) == 0,
                "ring capacity must be a power of two");

 public:
  static constexpr uint32_t capacity() { return kCapacity; }

  uint32_t size() const {
    return m_head.load(std::memory_order_acquire) - m_tail.load(std::memory_order_acquire);
  }
  uint32_t space() const { return kCapacity - size(); }
  bool empty() const { return size() == 0; }
  bool full() const { return size() == kCapacity; }

  // Producer side.
  bool push(uint8_t byte) {
    const uint32_t head = m_head.load(std::memory_order_relaxed);
    if (head - m_tail.load(std::memory_order_acquire) == kCapacity) return false;
    m_data[head & (kCapacity - 1)] = byte;
    m_head.store(head + 1, std::memory_order_release);
    return true;
  }
  size_t push(const uint8_t* data, size_t count) {
    const uint32_t head = m_head.load(std::memory_order_relaxed);
    const uint32_t free = kCapacity - (head - m_tail.load(std::memory_order_acquire));
    const uint32_t n = count < free ? uint32_t(count) : free;
    for (uint32_t i = 0; i < n; ++i) m_data[(head + i) & (kCapacity - 1)] = data[i];
    m_head.store(head + n, std::memory_order_release);
    return n;
  }

  // Consumer side.
  bool pop(uint8_t* byte) {
    const uint32_t tail = m_tail.load(std::memory_order_relaxed);
    if (m_head.load(std::memory_order_acquire) == tail) return false;
    *byte = m_data[tail & (kCapacity - 1)];
    m_tail.store(tail + 1, std::memory_order_release);
    return true;
  }
  size_t pop(uint8_t* out, size_t count) {
    const uint32_t tail = m_tail.load(std::memory_order_relaxed);
    const uint32_t used = m_head.load(std::memory_order_acquire) - tail;
    const uint32_t n = count < used ? uint32_t(count) : used;
    for (uint32_t i = 0; i < n; ++i) out[i] = m_data[(tail + i) & (kCapacity - 1)];
    m_tail.store(tail + n, std::memory_order_release);
    return n;
  }

  // Only while neither side runs (init).
  void reset() {
    m_head.store(0, std::memory_order_relaxed);
    m_tail.store(0, std::memory_order_relaxed);
  }

 private:
  std::atomic<uint32_t> m_head{0};
  std::atomic<uint32_t> m_tail{0};
  uint8_t m_data[kCapacity];
};

}  // namespace tinyscope::agent::cortex_m
