// Link shaping of the host agent, for tests and benchmarks: a UART-like rate cap (8N1: 10 bits
// per byte on the wire) applied to the bytes the agent reads and writes, and seeded faults —
// corrupted bytes, dropped whole frames (a frame ends at its 0x00 delimiter), stalls.
//
// BytePacer: a wire timeline (each byte ends 10 bit times after the previous one or after it
// was queued, whichever is later; an idle wire banks no credit). LinkFaultStream: one direction's
// faults; the same seed and byte stream give the same faults (xorshift64*, no global state).
// Ownership: plain values, no heap. Thread: one owner. Memory: a few words each.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::agent::host {

struct LinkFaults {
  double byteErrorRate = 0;  // probability that a byte has one bit flipped
  double dropRate = 0;       // probability that a frame is dropped whole (with its delimiter)
  double stallRate = 0;      // probability that the link goes silent when a frame starts
  uint32_t stallMs = 0;      // how long a stall lasts
  uint64_t seed = 1;
  bool any() const { return byteErrorRate > 0 || dropRate > 0 || (stallRate > 0 && stallMs > 0); }
};

class LinkFaultStream {
 public:
  // `stream` tells the directions apart (same seed, different faults per direction).
  void reset(const LinkFaults& faults, uint64_t stream);
  // Applies the faults to `data` in place and returns how many bytes are kept (the bytes of
  // dropped frames are removed). Adds to *stallMs the stalls that begin in this block.
  size_t apply(uint8_t* data, size_t size, uint64_t* stallMs);

  uint64_t bytesCorrupted() const { return m_corrupted; }
  uint64_t framesDropped() const { return m_dropped; }
  uint64_t stalls() const { return m_stalls; }

 private:
  uint64_t next();
  bool chance(double p);

  LinkFaults m_faults;
  uint64_t m_state = 1;
  bool m_frameStart = true;
  bool m_dropping = false;
  uint64_t m_corrupted = 0;
  uint64_t m_dropped = 0;
  uint64_t m_stalls = 0;
};

class BytePacer {
 public:
  // 0 bytes/s = unlimited.
  void start(uint32_t bytesPerSecond);
  bool limited() const { return m_rate != 0; }
  // Bytes are waiting to cross the wire (call when the queue goes from empty to non-empty):
  // an idle wire starts clocking them out now; a busy one continues after its last byte.
  void markPending(uint64_t nowUs);
  // Bytes whose last bit has crossed the wire by `nowUs` and may be handed over (SIZE_MAX when
  // unlimited). A byte is handed over no earlier than a real UART would deliver it.
  size_t allowance(uint64_t nowUs) const;
  void consume(size_t bytes);
  // Microseconds until the next byte may be handed over (0 when unlimited or allowed now).
  uint64_t waitUs(uint64_t nowUs) const;

 private:
  uint64_t busyUntilUs() const;
  uint32_t m_rate = 0;
  uint64_t m_epochUs = 0;  // when the wire last went from idle to busy
  uint64_t m_bytes = 0;    // bytes handed over since m_epochUs
};

}  // namespace tinyscope::agent::host
