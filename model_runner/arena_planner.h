// Plans where each non-persistent tensor lives inside one arena, from tensor lifetimes.
//
// Greedy-by-size, the same idea as TFLite Micro's GreedyMemoryPlanner:
//  - Every buffer is registered with addBuffer(size, first_use, last_use); sizes are rounded up
//    to kAlignment and lifetimes are inclusive operator indices.
//  - Buffers are visited from largest to smallest (ties: registration order).
//  - The first buffer goes at offset 0.
//  - For each next buffer, the already placed buffers whose lifetimes overlap its own are
//    walked in increasing offset order; the buffer goes into the first gap (starting at 0)
//    that is large enough, or right after the highest overlapping buffer when no gap fits.
//  - peakBytes() is the highest end offset of any placed buffer.
// Memory: the caller provides storage for `capacity` BufferRecords (no heap). Cost: O(n^2)
// time in the number of buffers. Single-threaded. Errors: addBuffer() returns false when the
// storage is full or the lifetime is reversed; plan() is implicit on first query.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::runner {

class ArenaPlanner {
 public:
  static constexpr size_t kAlignment = 16;

  struct BufferRecord {
    size_t size = 0;
    size_t offset = 0;
    int32_t firstUse = 0;
    int32_t lastUse = 0;
    int32_t next = -1;  // placement list, by offset
    bool placed = false;
  };

  ArenaPlanner(BufferRecord* storage, uint32_t capacity)
      : m_records(storage), m_capacity(capacity) {}

  // Registers a buffer; returns its id via `id` (0-based, in registration order).
  bool addBuffer(size_t size, int32_t firstUse, int32_t lastUse, uint32_t* id = nullptr);
  uint32_t bufferCount() const { return m_count; }
  size_t offsetOf(uint32_t id);
  size_t peakBytes();

  static size_t alignUp(size_t n) { return (n + kAlignment - 1) & ~(kAlignment - 1); }

 private:
  void plan();

  BufferRecord* m_records;
  uint32_t m_capacity;
  uint32_t m_count = 0;
  bool m_planned = false;
  size_t m_peak = 0;
};

}  // namespace tinyscope::runner
