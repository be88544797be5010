#pragma once
// SpscRing: a bounded single-producer/single-consumer queue that hands data from the I/O
// thread to the GUI thread without locks. When full, push() refuses the item and counts it
// (overflows()) — loss is counted, never silent, and never blocks the producer.
// Thread: exactly one producer thread calls push(); exactly one consumer thread calls pop()
// and popAll(); overflows() and size() may be read from either.
// Memory: capacity slots of T, allocated once in the constructor.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyscope {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(size_t capacity) : m_slots(roundUp(capacity)), m_mask(m_slots.size() - 1) {}

  bool push(T item) {
    const size_t head = m_head.load(std::memory_order_relaxed);
    const size_t tail = m_tail.load(std::memory_order_acquire);
    if (head - tail >= m_slots.size()) {
      m_overflows.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    m_slots[head & m_mask] = std::move(item);
    m_head.store(head + 1, std::memory_order_release);
    return true;
  }

  bool pop(T* out) {
    const size_t tail = m_tail.load(std::memory_order_relaxed);
    if (tail == m_head.load(std::memory_order_acquire)) return false;
    *out = std::move(m_slots[tail & m_mask]);
    m_tail.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Moves everything queued now into out (appending); returns how many.
  template <class Container>
  size_t popAll(Container* out) {
    size_t n = 0;
    T item;
    while (pop(&item)) {
      out->push_back(std::move(item));
      ++n;
    }
    return n;
  }

  size_t capacity() const { return m_slots.size(); }
  size_t size() const {
    return m_head.load(std::memory_order_acquire) - m_tail.load(std::memory_order_acquire);
  }
  uint64_t overflows() const { return m_overflows.load(std::memory_order_relaxed); }

 private:
  static size_t roundUp(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
  }
  std::vector<T> m_slots;
  const size_t m_mask;
  alignas(64) std::atomic<size_t> m_head{0};
  alignas(64) std::atomic<size_t> m_tail{0};
  std::atomic<uint64_t> m_overflows{0};
};

}  // namespace tinyscope
