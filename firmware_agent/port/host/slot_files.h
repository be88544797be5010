// Model slots of the host agent: one file per slot in a directory (slot<N>.bin, memory-
// mapped shared, so what is flashed survives an agent restart), plus the metadata the slot
// header cannot hold (active slot, model names) in small text files next to them.
//
// Ownership: owns the mappings; files stay. Threading: main only. Errors: open() returns
// false with a one-line reason in error().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "firmware_agent/core/model_slots.h"

namespace tinyscope::agent::host {

class SlotFiles : public SlotMetadataStore {
 public:
  ~SlotFiles();
  // Maps `count` slots of `capacity` bytes (header included) in `dir` (created if absent);
  // files of another size are recreated erased.
  bool open(const std::string& dir, uint32_t count, uint32_t capacity);
  void close();
  const std::string& error() const { return m_error; }
  const std::string& dir() const { return m_dir; }

  uint32_t count() const { return uint32_t(m_slots.size()); }
  uint32_t capacity() const { return m_capacity; }
  uint8_t* data(uint32_t slot) const { return slot < m_slots.size() ? m_slots[slot] : nullptr; }

  // Stores `model` as slot `slot`'s content (payload, then header) unless it holds exactly
  // that already. False (with error()) when it does not fit.
  bool install(uint32_t slot, const std::vector<uint8_t>& model, const std::string& name);

  // SlotMetadataStore
  int32_t loadActiveSlot() override;
  void saveActiveSlot(uint8_t slot) override;
  bool loadName(uint8_t slot, char* out, size_t capacity) override;
  void saveName(uint8_t slot, const char* name) override;

 private:
  std::string m_dir;
  std::string m_error;
  uint32_t m_capacity = 0;
  std::vector<uint8_t*> m_slots;
};

}  // namespace tinyscope::agent::host
