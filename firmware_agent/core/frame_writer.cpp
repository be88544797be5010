#include "firmware_agent/core/frame_writer.h"

#include "hal.h"

namespace tinyscope::agent {

bool FrameWriter::flush() {
  while (m_pos < m_len) {
    const size_t n = hal::write(m_buffer + m_pos, m_len - m_pos);
    if (n == 0) return false;
    m_pos += n;
    m_counters.bytes += static_cast<uint32_t>(n);
  }
  if (m_len != 0) {
    ++m_counters.frames;
    m_len = 0;
    m_pos = 0;
  }
  return true;
}

bool FrameWriter::drain(uint64_t stallTimeoutUs) {
  uint64_t lastProgress = hal::micros();
  size_t lastPos = m_pos;
  while (!flush()) {
    const uint64_t now = hal::micros();
    if (m_pos != lastPos) {
      lastPos = m_pos;
      lastProgress = now;
    } else if (now - lastProgress >= stallTimeoutUs) {
      ++m_counters.stalls;
      return false;
    }
    hal::waitForInterrupt();
  }
  return true;
}

}  // namespace tinyscope::agent
