#include "app/core/device/sequence_tracker.h"

namespace tinyscope {

SequenceTracker::SequenceTracker(int bits, quint32 maxForwardGap)
    : m_mask(bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u),
      m_maxForwardGap(qMin(maxForwardGap, m_mask / 2)) {}

void SequenceTracker::restart() {
  if (m_started) ++m_counts.restarts;
  m_started = false;
}

SequenceTracker::Event SequenceTracker::add(quint32 sequence, quint32* skipped) {
  if (skipped) *skipped = 0;
  sequence &= m_mask;
  if (!m_started) {
    m_started = true;
    m_last = sequence;
    m_seen = 1;
    m_depth = 0;
    ++m_counts.received;
    return Event::kFirst;
  }
  const quint32 ahead = (sequence - m_last) & m_mask;
  if (ahead == 0) {
    ++m_counts.duplicates;
    return Event::kDuplicate;
  }
  if (ahead <= m_maxForwardGap) {
    m_counts.missing += ahead - 1;
    m_seen = ahead >= 64 ? 1 : (m_seen << ahead) | 1;
    m_depth = qMin<quint32>(63, m_depth + ahead);
    m_last = sequence;
    ++m_counts.received;
    if (skipped) *skipped = ahead - 1;
    return ahead == 1 ? Event::kNext : Event::kGap;
  }
  const quint32 behind = (m_last - sequence) & m_mask;
  if (behind < 64 && behind > m_depth) {
    // Just before the first number of the series: a reorder at the start, never missing.
    ++m_counts.reordered;
    ++m_counts.received;
    return Event::kLate;
  }
  if (behind < 64) {
    const quint64 bit = quint64{1} << behind;
    if (m_seen & bit) {
      ++m_counts.duplicates;
      return Event::kDuplicate;
    }
    m_seen |= bit;
    if (m_counts.missing > 0) --m_counts.missing;
    ++m_counts.reordered;
    ++m_counts.received;
    return Event::kLate;
  }
  ++m_counts.restarts;
  m_last = sequence;
  m_seen = 1;
  m_depth = 0;
  ++m_counts.received;
  return Event::kRestart;
}

}  // namespace tinyscope
