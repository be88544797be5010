// Model slots of the host agent, stored like a board's NOR flash: one file per slot in a
// directory (slot<N>.bin, memory-mapped shared, so what is flashed survives an agent
// restart) and journal.bin with the two copies of the slot metadata journal
// (core/slot_journal.h). Writes follow flash rules: a slot is erased in 4 KiB sectors and
// programmed in 256-byte pages, each sector erase and page program one "write", none of
// them atomic. For tests, setPowerCutAt(N) makes write N stop half-way and the process
// exit at once with kPowerCutExitCode, as if the power went.
//
// One agent at a time uses a directory, as one host at a time talks to a board: open() takes an
// exclusive lock (flock on DIR/lock, released at exit or exec), waiting up to 3 s for an agent
// that is shutting down.
//
// Ownership: owns the mappings and the lock; files stay. Threading: main only. Errors: open()
// returns false with a one-line reason in error(); erase/program return hal::Status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "firmware_agent/core/slot_journal.h"
#include "hal.h"

namespace tinyscope::agent::host {

constexpr int kPowerCutExitCode = 75;
constexpr uint32_t kFlashPageBytes = 256;
constexpr uint32_t kFlashSectorBytes = 4096;

class SlotFiles : public JournalMedium {
 public:
  ~SlotFiles();
  // Locks `dir` and maps `count` slots of `capacity` bytes (header included) and the journal
  // in it (created if absent); files of another size are recreated erased.
  bool open(const std::string& dir, uint32_t count, uint32_t capacity);
  void close();
  const std::string& error() const { return m_error; }
  const std::string& dir() const { return m_dir; }

  uint32_t count() const { return uint32_t(m_slots.size()); }
  uint32_t capacity() const { return m_capacity; }
  uint8_t* data(uint32_t slot) const { return slot < m_slots.size() ? m_slots[slot] : nullptr; }

  // hal::slotErase / hal::slotWrite with flash timing of failure (see above).
  hal::Status erase(uint32_t slot);
  hal::Status program(uint32_t slot, uint32_t offset, const uint8_t* data, uint32_t size);

  // Power cut at write number `n` (1-based, counted from open()); 0 = never.
  void setPowerCutAt(uint64_t n) { m_cutAt = n; }
  uint64_t writes() const { return m_writes; }

  // The metadata store the agent core uses (valid while open).
  SlotMetadataStore* store() { return &m_journal; }

  // Stores `model` as slot `slot`'s content (payload, then header) unless it holds exactly
  // that already, and its name in the journal. False (with error()) when it does not fit.
  bool install(uint32_t slot, const std::vector<uint8_t>& model, const std::string& name);
  // Makes `slot` the active slot in the journal (before the agent starts).
  void saveActiveSlot(uint8_t slot);

  // JournalMedium
  const uint8_t* journalCopy(uint8_t index) override;
  bool eraseJournalCopy(uint8_t index) override;
  bool programJournalCopy(uint8_t index, const uint8_t* data, uint32_t size) override;

 private:
  bool lock(const std::string& dir);
  uint8_t* map(const std::string& path, uint32_t size);
  // One flash write of `size` bytes at `dst`: erase (fill 0xFF) or program (AND `src`).
  void flashWrite(uint8_t* dst, const uint8_t* src, uint32_t size);

  std::string m_dir;
  std::string m_error;
  uint32_t m_capacity = 0;
  std::vector<uint8_t*> m_slots;
  uint8_t* m_journalMap = nullptr;
  int m_lockFd = -1;
  SlotJournal m_journal{this};
  uint64_t m_writes = 0;
  uint64_t m_cutAt = 0;
};

}  // namespace tinyscope::agent::host
