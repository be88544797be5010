// Model slots on top of hal.h slot storage: state of each slot, the resumable flashing
// state machine (FlashBegin/FlashChunk/FlashEnd), VerifySlot, Activate and Rollback.
//
// Storage layout is hal.h's (32-byte header, payload after it, header written last), so a
// torn flash reads as "no model". What the header cannot hold (model names, which slot is
// active and which was before it) is SlotMetadata: in RAM and, when the port provides a
// SlotMetadataStore (normally a SlotJournal), saved whole after every change. The payload is a
// model image (device_protocol/model_image.h: header + .tflite, its SHA-256 checked before every
// load) or, for slots preloaded by a port or scripts/qemu_run.sh --model, a bare .tflite (slot CRC
// only).
//
// A transfer in progress (Receiving) is RAM state. FlashBegin resumes it only when it names
// the same image (size, CRC, name, SHA-256) and the exact offset received, and the SHA-256
// of the bytes stored so far equals the prefix hash the desktop computed; anything else
// erases and starts at 0, so a prefix from another image can never be spliced in. FlashEnd
// writes the slot header only when the SHA-256 of the stored bytes is the announced one; a
// repeated FlashEnd (its Ack was lost) is answered the same. FlashChunks are taken one at a
// time in arrival order, each answered (a window of them costs the device nothing more).
//
// Threading: main only. Memory: a few dozen bytes per slot, inline (kMaxSlots slots).
// Errors: every command returns a SlotReply: Ack value or Nack code + value.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/crc32.h"
#include "device_protocol/messages.h"
#include "device_protocol/model_image.h"
#include "firmware_agent/core/slot_journal.h"
#include "hal.h"
#include "model_runner/status.h"

namespace tinyscope::agent {

struct SlotReply {
  bool ok = true;
  proto::NackCode code = proto::NackCode::kInvalidArgument;
  uint32_t value = 0;  // Ack.value or Nack.value

  static SlotReply ack(uint32_t value) {
    return SlotReply{true, proto::NackCode::kInvalidArgument, value};
  }
  static SlotReply nack(proto::NackCode code, uint32_t value = 0) {
    return SlotReply{false, code, value};
  }
};

class ModelSlots {
 public:
  // Reads every slot header (the active one with a full payload check) and picks the active
  // slot: the store's choice if valid, else `preferredSlot` if valid, else the lowest valid.
  // `store` may be null; it must outlive this object.
  void begin(SlotMetadataStore* store, uint8_t preferredSlot);

  uint8_t count() const { return m_count; }
  // Active slot index, or -1 when no slot holds a valid model.
  int32_t active() const { return m_active; }
  // Bumped whenever the content or choice of the active model may have changed.
  uint32_t generation() const { return m_generation; }

  proto::SlotInfo info(uint8_t slot) const;
  // Header-checked .tflite of `slot` (inside its model image, if it holds one; no payload
  // CRC or hash pass). False when the slot has none.
  bool model(uint8_t slot, hal::SlotModel* out) const;

  SlotReply flashBegin(const proto::FlashBegin& m);
  SlotReply flashChunk(const proto::FlashChunk& m);
  SlotReply flashEnd(const proto::FlashEnd& m);
  SlotReply verify(uint8_t slot);
  // Checks `slot` and makes it active in test state (SlotState::kTesting): until confirm(),
  // a reboot returns to the model confirmed before it (reactivating that one is no test).
  SlotReply activate(uint8_t slot);
  // Makes the model in test state permanent. Ack value: the active slot.
  SlotReply confirm();
  // Back from test state to the confirmed model (no model if it is gone): a failed self-test.
  void revertTest();
  bool testing() const { return m_meta.testing; }
  SlotReply rollback();
  // Why the last image check (boot, verify, activate, rollback) refused a slot: the
  // runtime's status and where (ModelNotLoaded when the slot header or CRC failed).
  const runner::ErrorDetail& modelError() const { return m_modelError; }

 private:
  using Digest = proto::BoundedBytes<proto::kSha256Size>;
  struct Slot {
    bool receiving = false;
    bool invalid = false;   // last transfer failed its hash or a write
    bool finished = false;  // FlashEnd of the transfer started last passed (answered again)
    uint32_t size = 0;
    uint32_t crc = 0;
    uint32_t received = 0;
    Digest image;  // announced SHA-256 of the whole image
  };

  // Whether the SHA-256 of the first `size` stored payload bytes of `slot` is `expected`;
  // *head (if given) gets its first 4 bytes, little-endian.
  static bool storedHashIs(uint8_t slot, uint32_t size, const Digest& expected,
                           uint32_t* head = nullptr);

  uint32_t payloadCapacity(uint8_t slot) const;
  // Header + payload CRC + flatbuffer verification; 0 when fine, else a runner::Status value
  // (modelError() says where).
  uint32_t checkModel(uint8_t slot, bool verifyPayload);
  void setActive(int32_t slot, int32_t previous, bool testing);
  void saveMetadata();

  Slot m_slots[proto::kMaxSlots];
  SlotMetadataStore* m_store = nullptr;
  uint8_t m_count = 0;
  int32_t m_active = -1;
  SlotMetadata m_meta;  // names and the rollback target (m_meta.previous)
  uint32_t m_generation = 0;
  runner::ErrorDetail m_modelError;
};

}  // namespace tinyscope::agent
