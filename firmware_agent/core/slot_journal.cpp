#include "firmware_agent/core/slot_journal.h"

#include "device_protocol/crc32.h"

namespace tinyscope::agent {

namespace {
constexpr uint32_t kJournalMagic = 0x4E4A5354u;  // 'T' 'S' 'J' 'N'
constexpr size_t kOffNames = 16;
constexpr size_t kNameField = 1 + proto::kMaxNameLen;
constexpr size_t kOffCrc = kJournalRecordSize - 4;
static_assert(kOffNames + proto::kMaxSlots * kNameField <= kOffCrc, "journal record layout");

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint8_t slotByte(int32_t slot) {
  return (slot >= 0 && slot < int32_t(proto::kMaxSlots)) ? uint8_t(slot) : 0xFF;
}
int32_t slotOf(uint8_t b) {
  return b < proto::kMaxSlots ? int32_t(b) : -1;
}
}  // namespace

bool SlotJournal::read(uint8_t index, uint32_t* sequence, SlotMetadata* out) {
  const uint8_t* p = m_medium->journalCopy(index);
  if (p == nullptr || le32(p) != kJournalMagic ||
      le32(p + kOffCrc) != proto::crc32(proto::ConstByteSpan(p, kOffCrc)))
    return false;
  *sequence = le32(p + 4);
  if (out == nullptr) return true;
  SlotMetadata m;
  m.active = slotOf(p[8]);
  m.previous = slotOf(p[9]);
  m.testing = (p[10] & 1u) != 0;
  for (size_t i = 0; i < proto::kMaxSlots; ++i) {
    const uint8_t* field = p + kOffNames + i * kNameField;
    const size_t len = field[0] <= proto::kMaxNameLen ? field[0] : 0;
    m.names[i].assign(reinterpret_cast<const char*>(field + 1), len);
  }
  *out = m;
  return true;
}

uint32_t SlotJournal::sequence() {
  uint32_t best = 0, seq = 0;
  for (uint8_t i = 0; i < 2; ++i) {
    if (read(i, &seq, nullptr) && seq > best) best = seq;
  }
  return best;
}

bool SlotJournal::load(SlotMetadata* out) {
  uint32_t seq[2] = {0, 0};
  const bool valid0 = read(0, &seq[0], nullptr);
  const bool valid1 = read(1, &seq[1], nullptr);
  if (!valid0 && !valid1) return false;
  const uint8_t newest = (valid1 && (!valid0 || seq[1] > seq[0])) ? 1 : 0;
  return read(newest, &seq[newest], out);
}

bool SlotJournal::save(const SlotMetadata& metadata) {
  uint32_t seq[2] = {0, 0};
  const bool valid0 = read(0, &seq[0], nullptr);
  const bool valid1 = read(1, &seq[1], nullptr);
  // Overwrite the copy that is not the newest valid one, so that one survives any cut.
  const uint8_t target = (valid0 && (!valid1 || seq[0] >= seq[1])) ? 1 : 0;
  const uint32_t next = (seq[0] > seq[1] ? seq[0] : seq[1]) + 1;
  uint8_t r[kJournalRecordSize];
  for (uint8_t& b : r) b = 0;
  put32(r, kJournalMagic);
  put32(r + 4, next);
  r[8] = slotByte(metadata.active);
  r[9] = slotByte(metadata.previous);
  r[10] = metadata.testing ? 1 : 0;
  for (size_t i = 0; i < proto::kMaxSlots; ++i) {
    uint8_t* field = r + kOffNames + i * kNameField;
    field[0] = uint8_t(metadata.names[i].size());
    for (size_t k = 0; k < metadata.names[i].size(); ++k)
      field[1 + k] = metadata.names[i].bytes()[k];
  }
  put32(r + kOffCrc, proto::crc32(proto::ConstByteSpan(r, kOffCrc)));
  return m_medium->eraseJournalCopy(target) &&
         m_medium->programJournalCopy(target, r, kJournalRecordSize);
}

}  // namespace tinyscope::agent
