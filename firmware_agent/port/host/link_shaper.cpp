#include "link_shaper.h"

#include <cstdint>

namespace tinyscope::agent::host {

void LinkFaultStream::reset(const LinkFaults& faults, uint64_t stream) {
  m_faults = faults;
  // splitmix64 of (seed, stream): never 0, distinct per direction.
  uint64_t z = faults.seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  m_state = z == 0 ? 1 : z;
  m_frameStart = true;
  m_dropping = false;
  m_corrupted = m_dropped = m_stalls = 0;
}

uint64_t LinkFaultStream::next() {
  m_state ^= m_state >> 12;
  m_state ^= m_state << 25;
  m_state ^= m_state >> 27;
  return m_state * 0x2545F4914F6CDD1Dull;
}

bool LinkFaultStream::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return double(next() >> 11) * (1.0 / 9007199254740992.0) < p;
}

size_t LinkFaultStream::apply(uint8_t* data, size_t size, uint64_t* stallMs) {
  size_t kept = 0;
  for (size_t i = 0; i < size; ++i) {
    const uint8_t byte = data[i];
    if (m_frameStart) {
      m_frameStart = false;
      m_dropping = chance(m_faults.dropRate);
      if (m_dropping) ++m_dropped;
      if (m_faults.stallMs != 0 && chance(m_faults.stallRate)) {
        ++m_stalls;
        *stallMs += m_faults.stallMs;
      }
    }
    // Frames are told apart by the byte as sent: a corrupted delimiter still ends the frame
    // for the fault model (the receiver's decoder sees the damage and resynchronises).
    if (byte == 0) m_frameStart = true;
    if (m_dropping) continue;
    uint8_t out = byte;
    if (chance(m_faults.byteErrorRate)) {
      out = uint8_t(out ^ (1u << (next() & 7)));
      ++m_corrupted;
    }
    data[kept++] = out;
  }
  return kept;
}

void BytePacer::start(uint32_t bytesPerSecond) {
  m_rate = bytesPerSecond;
  m_epochUs = 0;
  m_bytes = 0;
}

uint64_t BytePacer::busyUntilUs() const {
  return m_epochUs + m_bytes * 1000000u / m_rate;
}

void BytePacer::markPending(uint64_t nowUs) {
  if (m_rate == 0 || busyUntilUs() >= nowUs) return;
  m_epochUs = nowUs;
  m_bytes = 0;
}

size_t BytePacer::allowance(uint64_t nowUs) const {
  if (m_rate == 0) return SIZE_MAX;
  if (nowUs <= m_epochUs) return 0;
  const uint64_t due = (nowUs - m_epochUs) * m_rate / 1000000u;
  return due > m_bytes ? size_t(due - m_bytes) : 0;
}

void BytePacer::consume(size_t bytes) {
  m_bytes += bytes;
}

uint64_t BytePacer::waitUs(uint64_t nowUs) const {
  if (m_rate == 0 || allowance(nowUs) != 0) return 0;
  // The next byte ends at epoch + (m_bytes + 1) / rate.
  const uint64_t end = m_epochUs + ((m_bytes + 1) * 1000000u + m_rate - 1) / m_rate;
  return end > nowUs ? end - nowUs : 1;
}

}  // namespace tinyscope::agent::host
