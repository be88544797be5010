// The timeline of one sensor lane, shared by every port's SensorSource: sample k of the lane is
// due at baseUs + (k - baseK) / rate on the hal::micros() clock and carries that time as its
// timestamp; samples become readable in order and wait in a one-second FIFO. A lane left unread
// for longer than that skips ahead to the newest second, like a hardware FIFO overflowing, and
// counts every sample it skipped (lost()), so the agent can report them.
//
// How many samples are due is the port's business (counted by a timer interrupt, or computed
// from the clock with dueFromClock()); the timeline only turns that count into indices,
// timestamps and losses. Header only, freestanding, no allocation (32 bytes). Not thread-safe:
// the port calls it from the super-loop (an ISR only ever touches the port's own counter).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tinyscope::agent {

class SampleTimeline {
 public:
  // Starts at sample 0, due at `nowUs`; forgets earlier losses. `rateMilliHz` > 0.
  void open(uint32_t rateMilliHz, uint64_t nowUs) {
    m_rateMilliHz = rateMilliHz;
    m_baseUs = nowUs;
    m_baseK = 0;
    m_next = 0;
    m_lost = 0;
  }

  // Restarts the timeline at the next undelivered sample, not before `nowUs`, so timestamps
  // stay continuous (a rate change, or a port that changes how it counts due samples).
  void rebase(uint64_t nowUs) {
    const uint64_t t = timeOf(m_next);
    m_baseUs = t > nowUs ? t : nowUs;
    m_baseK = m_next;
  }

  // Later samples follow `rateMilliHz` (> 0); the timeline stays continuous.
  void setRate(uint32_t rateMilliHz, uint64_t nowUs) {
    rebase(nowUs);
    m_rateMilliHz = rateMilliHz;
  }

  // Device time of sample k (k >= baseK).
  uint64_t timeOf(uint64_t k) const {
    return m_baseUs + (k - m_baseK) * 1000000000ull / m_rateMilliHz;
  }

  // Number of samples due by `nowUs` on the lane's clock (an index bound: samples 0..n-1).
  uint64_t dueFromClock(uint64_t nowUs) const {
    if (nowUs < m_baseUs) return m_baseK;
    return m_baseK + (nowUs - m_baseUs) * m_rateMilliHz / 1000000000ull + 1;
  }

  // Samples the FIFO holds: one second's worth, plus one.
  uint64_t fifoSamples() const { return m_rateMilliHz / 1000u + 1; }

  // With `due` samples released so far: drops what the FIFO could not hold (counted in lost()),
  // then takes up to `maxSamples` of the rest. Returns how many were taken; *firstIndex and
  // *firstTimestampUs describe the first (unchanged when 0 are taken).
  size_t take(uint64_t due, size_t maxSamples, uint64_t* firstIndex, uint64_t* firstTimestampUs) {
    const uint64_t fifo = fifoSamples();
    if (due > m_next + fifo) {
      const uint64_t skipped = due - fifo - m_next;
      m_lost = skipped > ~m_lost ? ~uint32_t{0} : m_lost + static_cast<uint32_t>(skipped);
      m_next = due - fifo;
    }
    if (due <= m_next) return 0;
    const uint64_t pending = due - m_next;
    const size_t n = pending < maxSamples ? static_cast<size_t>(pending) : maxSamples;
    *firstIndex = m_next;
    *firstTimestampUs = timeOf(m_next);
    m_next += n;
    return n;
  }

  uint64_t next() const { return m_next; }  // index of the next sample to deliver
  uint32_t lost() const { return m_lost; }  // samples skipped since open() (saturates)
  uint32_t rateMilliHz() const { return m_rateMilliHz; }

 private:
  uint32_t m_rateMilliHz = 1000;
  uint32_t m_lost = 0;
  uint64_t m_baseUs = 0;  // timestamp of sample m_baseK
  uint64_t m_baseK = 0;
  uint64_t m_next = 0;
};

}  // namespace tinyscope::agent
