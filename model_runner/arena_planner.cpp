#include "model_runner/arena_planner.h"

namespace tinyscope::runner {

bool ArenaPlanner::addBuffer(size_t size, int32_t firstUse, int32_t lastUse, uint32_t* id) {
  if (m_count >= m_capacity || lastUse < firstUse || m_records == nullptr) return false;
  BufferRecord& r = m_records[m_count];
  r = BufferRecord();
  r.size = alignUp(size);
  r.firstUse = firstUse;
  r.lastUse = lastUse;
  if (id != nullptr) *id = m_count;
  ++m_count;
  m_planned = false;
  return true;
}

size_t ArenaPlanner::offsetOf(uint32_t id) {
  if (!m_planned) plan();
  return id < m_count ? m_records[id].offset : 0;
}

size_t ArenaPlanner::peakBytes() {
  if (!m_planned) plan();
  return m_peak;
}

void ArenaPlanner::plan() {
  m_planned = true;
  m_peak = 0;
  if (m_count == 0) return;
  // Visit order: largest first, by a selection pass per buffer (no extra storage).
  int32_t head = -1;  // placed buffers sorted by offset
  for (uint32_t round = 0; round < m_count; ++round) {
    // Pick the largest not-yet-placed buffer (lowest id on ties).
    int32_t pick = -1;
    for (uint32_t i = 0; i < m_count; ++i) {
      if (m_records[i].placed) continue;
      if (pick < 0 || m_records[i].size > m_records[pick].size) pick = static_cast<int32_t>(i);
    }
    BufferRecord& cur = m_records[pick];
    // Walk overlapping placed buffers by offset and find the first gap that fits.
    size_t candidate = 0;
    for (int32_t p = head; p >= 0; p = m_records[p].next) {
      const BufferRecord& other = m_records[p];
      const bool overlaps = other.firstUse <= cur.lastUse && cur.firstUse <= other.lastUse;
      if (!overlaps) continue;
      if (other.offset >= candidate + cur.size) break;  // gap before `other` fits
      const size_t end = other.offset + other.size;
      if (end > candidate) candidate = end;
    }
    cur.offset = candidate;
    cur.placed = true;
    // Insert into the offset-sorted list.
    int32_t* link = &head;
    while (*link >= 0 && m_records[*link].offset <= candidate) link = &m_records[*link].next;
    cur.next = *link;
    *link = pick;
    if (candidate + cur.size > m_peak) m_peak = candidate + cur.size;
  }
}

}  // namespace tinyscope::runner
