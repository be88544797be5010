// The slot metadata journal's medium on a board whose slot memory is RAM that keeps its
// contents across a system reset (mps2-an386: PSRAM, which QEMU does not clear on
// hal::reboot()). Two copies of kJournalRecordSize bytes at `base`, with NOR-flash rules so
// the journal behaves as it would in flash: erase sets a copy to 0xFF, program may only clear
// bits. RAM that powers up as zeros reads as "no journal" (no valid copy): a fresh device.
//
// Header only, freestanding. Ownership: `base` is the board's (a linker-script region); the
// object holds only the pointer. Threading: main only. Errors: false for a copy index other
// than 0 or 1 or a record larger than a copy.
#pragma once

#include <stdint.h>

#include "firmware_agent/core/slot_journal.h"

namespace tinyscope::agent::cortex_m {

class RamJournal : public JournalMedium {
 public:
  static constexpr uint32_t kCopyBytes = 256;  // room for one record, page-like
  static constexpr uint32_t kBytes = 2 * kCopyBytes;

  explicit RamJournal(uint8_t* base) : m_base(base) {}

  const uint8_t* journalCopy(uint8_t index) override {
    return index < 2 ? m_base + index * kCopyBytes : nullptr;
  }
  bool eraseJournalCopy(uint8_t index) override {
    if (index >= 2) return false;
    volatile uint8_t* p = m_base + index * kCopyBytes;
    for (uint32_t i = 0; i < kCopyBytes; ++i) p[i] = 0xFF;
    return true;
  }
  bool programJournalCopy(uint8_t index, const uint8_t* data, uint32_t size) override {
    if (index >= 2 || size > kCopyBytes) return false;
    volatile uint8_t* p = m_base + index * kCopyBytes;
    for (uint32_t i = 0; i < size; ++i) p[i] = uint8_t(p[i] & data[i]);
    return true;
  }

 private:
  uint8_t* m_base;
};

static_assert(kJournalRecordSize <= RamJournal::kCopyBytes, "a journal record fits one copy");

}  // namespace tinyscope::agent::cortex_m
