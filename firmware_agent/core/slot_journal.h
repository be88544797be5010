// Slot metadata (which slot is active, the one before it, model names) and the journal that
// keeps it across power cuts: two copies, each a whole record with a sequence number and a
// CRC-32, written alternately, so a cut at any byte of a save leaves the newest complete
// copy, i.e. the state before or after that save (MCUboot's swap-status idea, for metadata).
//
// Record (kJournalRecordSize bytes, little-endian):
//   0 magic 'TSJN' | 4 sequence u32 | 8 active u8 (0xFF none) | 9 previous u8 (0xFF none)
//   10 flags u8 (bit 0: active is in test state) | 11 reserved (5) | 16 names: kMaxSlots x (length
//   u8 + kMaxNameLen bytes) | 116 reserved (8) 124 CRC-32 of bytes 0..123
// A save erases the older copy and programs the next record into it; load() takes the valid
// copy with the highest sequence.
//
// The medium is the port's (JournalMedium: NOR-flash rules, no atomicity). Ports without
// one pass no store (ModelSlots keeps metadata in RAM) and link none of this.
// Threading: main only. Memory: one record on the stack per call, nothing else.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/bounded.h"
#include "device_protocol/messages.h"

namespace tinyscope::agent {

constexpr size_t kJournalRecordSize = 128;

struct SlotMetadata {
  int32_t active = -1;    // slot index, -1 = none chosen
  int32_t previous = -1;  // the rollback target, -1 = none
  bool testing = false;   // `active` runs in test state: a boot before Confirm reverts it
  proto::BoundedString<proto::kMaxNameLen> names[proto::kMaxSlots];
};

// Persistence for SlotMetadata. load() false = nothing stored (a fresh device);
// save() false = the medium refused the write (the RAM state stays as it is).
class SlotMetadataStore {
 public:
  virtual bool load(SlotMetadata* out) = 0;
  virtual bool save(const SlotMetadata& metadata) = 0;

 protected:
  ~SlotMetadataStore() = default;
};

// Two journal copies of kJournalRecordSize bytes with flash rules: erase sets every byte to
// 0xFF; program may only clear bits and may stop part-way (a power cut).
class JournalMedium {
 public:
  // Copy `index` (0 or 1), memory-mapped, or nullptr when the medium has none.
  virtual const uint8_t* journalCopy(uint8_t index) = 0;
  virtual bool eraseJournalCopy(uint8_t index) = 0;
  virtual bool programJournalCopy(uint8_t index, const uint8_t* data, uint32_t size) = 0;

 protected:
  ~JournalMedium() = default;
};

class SlotJournal : public SlotMetadataStore {
 public:
  // `medium` must outlive the journal.
  explicit SlotJournal(JournalMedium* medium) : m_medium(medium) {}
  bool load(SlotMetadata* out) override;
  bool save(const SlotMetadata& metadata) override;
  // Sequence of the newest valid copy (0 when none).
  uint32_t sequence();

 private:
  // Sequence of copy `index` when it holds a valid record (decoded into *out if given).
  bool read(uint8_t index, uint32_t* sequence, SlotMetadata* out);
  JournalMedium* m_medium;
};

}  // namespace tinyscope::agent
