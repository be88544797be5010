#pragma once
// SequenceTracker: what happened to a series of sequence numbers (a device's message
// header sequence, 16 bits; a stream's window sequence, 32 bits) under loss, duplication,
// reordering and restarts, without ever reading a step backwards as a huge gap:
//
//   next (+1)             received
//   forward gap <= max    received; the numbers skipped count as missing
//   seen again            duplicate (not received twice)
//   behind, not seen yet  late: it was counted missing and arrived after all (reordered)
//   anything else         restart: the sender began a new series (reboot, stream restarted);
//                         a new baseline, nothing counted missing
//
// "Seen" is remembered for the 64 numbers behind the newest. Value type, any thread,
// no allocation.
#include <QtGlobal>

namespace tinyscope {

struct SequenceCounts {
  quint64 received = 0;  // distinct numbers that arrived
  quint64 missing = 0;   // skipped and not (yet) arrived
  quint64 duplicates = 0;
  quint64 reordered = 0;  // arrived after a later number
  quint64 restarts = 0;
};

class SequenceTracker {
 public:
  enum class Event { kFirst, kNext, kGap, kDuplicate, kLate, kRestart };

  // bits: 16 or 32; maxForwardGap: the largest jump still read as loss (not a restart).
  SequenceTracker(int bits, quint32 maxForwardGap);

  // *skipped (optional) is set to the numbers skipped by kGap, else 0.
  Event add(quint32 sequence, quint32* skipped = nullptr);
  // Forgets the baseline: the next number starts a new series (not counted as a restart).
  void reset() { m_started = false; }
  // A restart the caller knows of (e.g. the device answered a new handshake).
  void restart();

  const SequenceCounts& counts() const { return m_counts; }
  bool started() const { return m_started; }
  quint32 last() const { return m_last; }

 private:
  quint32 m_mask;
  quint32 m_maxForwardGap;
  bool m_started = false;
  quint32 m_last = 0;
  quint64 m_seen = 0;   // bit k: m_last - k arrived
  quint32 m_depth = 0;  // numbers behind m_last that belong to this series (<= 63)
  SequenceCounts m_counts;
};

}  // namespace tinyscope
