#include "firmware_agent/core/model_slots.h"

#include "model_runner/model.h"

namespace tinyscope::agent {

namespace {
using proto::NackCode;

// The .tflite inside a slot payload: after the image header when the payload is a model
// image (checked, and its SHA-256 verified when `verifyPayload`), else the payload itself.
proto::ImageStatus tfliteOf(hal::SlotModel* sm, bool verifyPayload) {
  const proto::ConstByteSpan all(sm->data, sm->size);
  proto::ImageStatus s = verifyPayload ? proto::verifyModelImage(all) : proto::checkModelImage(all);
  if (s == proto::ImageStatus::kBadMagic || s == proto::ImageStatus::kTooShort)
    return proto::ImageStatus::kOk;  // a bare .tflite
  if (s == proto::ImageStatus::kOk) {
    sm->data += proto::kModelImageHeaderSize;
    sm->size -= static_cast<uint32_t>(proto::kModelImageHeaderSize);
  }
  return s;
}

bool headerErased(uint8_t slot) {
  const uint8_t* base = hal::slotData(slot);
  if (base == nullptr || hal::slotCapacity(slot) < hal::kSlotHeaderSize) return true;
  for (uint32_t i = 0; i < hal::kSlotHeaderSize; ++i) {
    if (base[i] != 0xFF) return false;
  }
  return true;
}
}  // namespace

void ModelSlots::begin(SlotMetadataStore* store, uint8_t preferredSlot) {
  m_store = store;
  const uint32_t n = hal::slotCount();
  m_count = static_cast<uint8_t>(n < proto::kMaxSlots ? n : proto::kMaxSlots);
  for (uint8_t i = 0; i < m_count; ++i) m_slots[i] = Slot();
  m_meta = SlotMetadata();
  if (m_store != nullptr && !m_store->load(&m_meta)) m_meta = SlotMetadata();
  m_active = -1;
  // A model still in test state at boot was never confirmed: revert to the one before it
  // and never pick the unconfirmed one.
  const bool revert = m_meta.testing;
  const int32_t unconfirmed = revert ? m_meta.active : -1;
  int32_t candidates[2 + proto::kMaxSlots];
  size_t k = 0;
  candidates[k++] = revert ? m_meta.previous : m_meta.active;
  candidates[k++] = preferredSlot;
  for (uint8_t i = 0; i < m_count; ++i) candidates[k++] = i;
  for (size_t c = 0; c < k; ++c) {
    const int32_t s = candidates[c];
    if (s >= 0 && s < m_count && s != unconfirmed &&
        checkModel(static_cast<uint8_t>(s), true) == 0) {
      m_active = s;
      break;
    }
  }
  if (revert) {
    m_meta.active = m_active;
    m_meta.previous = -1;
    m_meta.testing = false;
    saveMetadata();
  }
  ++m_generation;
}

uint32_t ModelSlots::payloadCapacity(uint8_t slot) const {
  const uint32_t cap = hal::slotCapacity(slot);
  return cap > hal::kSlotHeaderSize ? cap - hal::kSlotHeaderSize : 0;
}

uint32_t ModelSlots::checkModel(uint8_t slot, bool verifyPayload) {
  m_modelError = runner::ErrorDetail();
  hal::SlotModel sm{};
  if (hal::slotModel(slot, verifyPayload, &sm) != hal::Status::kOk ||
      tfliteOf(&sm, verifyPayload) != proto::ImageStatus::kOk) {
    m_modelError.status = runner::Status::kModelNotLoaded;
    return static_cast<uint32_t>(m_modelError.status);
  }
  runner::Model model;
  const runner::Status s = model.load(sm.data, sm.size);
  if (s != runner::Status::kOk) {
    m_modelError = model.error();
    m_modelError.status = s;
  }
  return static_cast<uint32_t>(s);
}

bool ModelSlots::model(uint8_t slot, hal::SlotModel* out) const {
  if (slot >= m_count || m_slots[slot].receiving) return false;
  return hal::slotModel(slot, false, out) == hal::Status::kOk &&
         tfliteOf(out, false) == proto::ImageStatus::kOk;
}

proto::SlotInfo ModelSlots::info(uint8_t slot) const {
  proto::SlotInfo info;
  info.slot = slot;
  if (slot >= m_count) return info;
  const Slot& s = m_slots[slot];
  info.capacity = payloadCapacity(slot);
  info.modelName = m_meta.names[slot];
  hal::SlotModel sm{};
  if (s.receiving) {
    info.state = proto::SlotState::kReceiving;
    info.modelSize = s.size;
    info.modelCrc = s.crc;
    info.receivedBytes = s.received;
  } else if (hal::slotModel(slot, false, &sm) == hal::Status::kOk) {
    info.state = (static_cast<int32_t>(slot) != m_active) ? proto::SlotState::kValid
                 : m_meta.testing                         ? proto::SlotState::kTesting
                                                          : proto::SlotState::kActive;
    if (s.invalid) info.state = proto::SlotState::kInvalid;
    info.modelSize = sm.size;
    info.modelCrc = sm.crc32;
    info.receivedBytes = sm.size;
  } else if (s.invalid || !headerErased(slot)) {
    info.state = proto::SlotState::kInvalid;
  } else {
    info.state = proto::SlotState::kEmpty;
  }
  return info;
}

void ModelSlots::setActive(int32_t slot, int32_t previous, bool testing) {
  m_active = slot;
  m_meta.active = slot;
  m_meta.previous = previous;
  m_meta.testing = testing;
  ++m_generation;
  saveMetadata();
}

void ModelSlots::saveMetadata() {
  if (m_store != nullptr) (void)m_store->save(m_meta);  // a refused save keeps the RAM state
}

SlotReply ModelSlots::flashBegin(const proto::FlashBegin& m) {
  if (m.slot >= m_count) return SlotReply::nack(NackCode::kNoSuchSlot, m_count);
  if (m.size > payloadCapacity(m.slot))
    return SlotReply::nack(NackCode::kSlotTooSmall, payloadCapacity(m.slot));
  if (static_cast<int32_t>(m.slot) == m_active) return SlotReply::nack(NackCode::kBusy, m.slot);
  Slot& s = m_slots[m.slot];
  if (s.receiving && s.size == m.size && s.crc == m.crc32 && m_meta.names[m.slot] == m.modelName &&
      s.image == m.imageSha256 && m.resumeOffset == s.received && m.resumeOffset > 0 &&
      storedHashIs(m.slot, s.received, m.prefixSha256)) {
    return SlotReply::ack(s.received);
  }
  const hal::Status erased = hal::slotErase(m.slot);
  if (erased != hal::Status::kOk)
    return SlotReply::nack(NackCode::kFlashWriteFailed, static_cast<uint32_t>(erased));
  if (m_meta.previous == static_cast<int32_t>(m.slot)) m_meta.previous = -1;
  s = Slot();
  s.receiving = true;
  s.size = m.size;
  s.crc = m.crc32;
  s.image = m.imageSha256;
  m_meta.names[m.slot] = m.modelName;  // saved with the slot at FlashEnd
  return SlotReply::ack(0);
}

SlotReply ModelSlots::flashChunk(const proto::FlashChunk& m) {
  if (m.slot >= m_count) return SlotReply::nack(NackCode::kNoSuchSlot, m_count);
  Slot& s = m_slots[m.slot];
  if (!s.receiving) return SlotReply::nack(NackCode::kInvalidArgument, 0);
  if (m.offset != s.received) return SlotReply::nack(NackCode::kFlashOffsetMismatch, s.received);
  if (m.data.size() > s.size - s.received)
    return SlotReply::nack(NackCode::kInvalidArgument, s.size - s.received);
  const uint32_t n = static_cast<uint32_t>(m.data.size());
  const hal::Status w = hal::slotWrite(m.slot, hal::kSlotHeaderSize + m.offset, m.data.data(), n);
  if (w != hal::Status::kOk)
    return SlotReply::nack(NackCode::kFlashWriteFailed, static_cast<uint32_t>(w));
  s.received += n;
  return SlotReply::ack(s.received);
}

SlotReply ModelSlots::flashEnd(const proto::FlashEnd& m) {
  if (m.slot >= m_count) return SlotReply::nack(NackCode::kNoSuchSlot, m_count);
  Slot& s = m_slots[m.slot];
  // A repeated FlashEnd (its Ack was lost) gets the same Ack; the slot was checked then.
  if (!s.receiving && s.finished && !s.invalid) return SlotReply::ack(s.crc);
  if (!s.receiving) return SlotReply::nack(NackCode::kInvalidArgument, 0);
  if (s.received != s.size) return SlotReply::nack(NackCode::kFlashOffsetMismatch, s.received);
  // Check what storage holds, not what arrived: catches a write the medium garbled and
  // bytes that are not the announced image.
  const uint8_t* payload = hal::slotData(m.slot) + hal::kSlotHeaderSize;
  const uint32_t stored = hal::crc32(payload, s.size);
  s.receiving = false;
  if (stored != s.crc) {
    s.invalid = true;
    return SlotReply::nack(NackCode::kCrcMismatch, stored);
  }
  uint32_t hashHead = 0;
  if (!storedHashIs(m.slot, s.size, s.image, &hashHead)) {
    s.invalid = true;
    return SlotReply::nack(NackCode::kHashMismatch, hashHead);
  }
  hal::SlotModel sm{payload, s.size, stored};
  const proto::ImageStatus image = tfliteOf(&sm, true);
  if (image != proto::ImageStatus::kOk) {
    s.invalid = true;
    return SlotReply::nack(NackCode::kSlotNotValid, static_cast<uint32_t>(image));
  }
  uint8_t header[hal::kSlotHeaderSize];
  hal::makeSlotHeader(s.size, s.crc, header);
  const hal::Status w = hal::slotWrite(m.slot, 0, header, hal::kSlotHeaderSize);
  if (w != hal::Status::kOk) {
    s.invalid = true;
    return SlotReply::nack(NackCode::kFlashWriteFailed, static_cast<uint32_t>(w));
  }
  s.invalid = false;
  s.finished = true;
  saveMetadata();
  return SlotReply::ack(stored);
}

bool ModelSlots::storedHashIs(uint8_t slot, uint32_t size, const Digest& expected, uint32_t* head) {
  const proto::Sha256Digest d =
      proto::sha256(proto::ConstByteSpan(hal::slotData(slot) + hal::kSlotHeaderSize, size));
  if (head != nullptr) *head = hal::detail::loadLe32(d.bytes);
  return proto::sameBytes(proto::ConstByteSpan(d.bytes, proto::kSha256Size), expected.bytes());
}

SlotReply ModelSlots::verify(uint8_t slot) {
  if (slot >= m_count) return SlotReply::nack(NackCode::kNoSuchSlot, m_count);
  if (m_slots[slot].receiving) return SlotReply::nack(NackCode::kSlotNotValid, 0);
  const uint32_t problem = checkModel(slot, true);
  hal::SlotModel sm{};
  if (problem != 0 || hal::slotModel(slot, false, &sm) != hal::Status::kOk) {
    return SlotReply::nack(NackCode::kSlotNotValid, problem);
  }
  m_slots[slot].invalid = false;
  return SlotReply::ack(sm.crc32);
}

SlotReply ModelSlots::activate(uint8_t slot) {
  if (slot >= m_count) return SlotReply::nack(NackCode::kNoSuchSlot, m_count);
  if (m_slots[slot].receiving || m_slots[slot].invalid)
    return SlotReply::nack(NackCode::kSlotNotValid, 0);
  const uint32_t problem = checkModel(slot, true);
  if (problem != 0) return SlotReply::nack(NackCode::kSlotNotValid, problem);
  // The model to return to is the last confirmed one; activating that one again is no test.
  const int32_t confirmed = m_meta.testing ? m_meta.previous : m_active;
  if (static_cast<int32_t>(slot) != confirmed) {
    setActive(slot, confirmed, true);
  } else if (m_active != confirmed) {
    revertTest();  // back to the confirmed model from the one under test
  }
  return SlotReply::ack(slot);
}

SlotReply ModelSlots::confirm() {
  if (m_active < 0) return SlotReply::nack(NackCode::kSlotNotValid, 0);
  if (m_meta.testing) setActive(m_active, m_meta.previous, false);
  return SlotReply::ack(static_cast<uint32_t>(m_active));
}

void ModelSlots::revertTest() {
  if (!m_meta.testing) return;
  const int32_t target = m_meta.previous;
  const bool usable = target >= 0 && target < m_count && !m_slots[target].receiving &&
                      checkModel(static_cast<uint8_t>(target), true) == 0;
  setActive(usable ? target : -1, -1, false);
}

SlotReply ModelSlots::rollback() {
  const int32_t target = m_meta.previous;
  if (target < 0 || target >= m_count || m_slots[target].receiving || m_slots[target].invalid ||
      checkModel(static_cast<uint8_t>(target), true) != 0) {
    return SlotReply::nack(NackCode::kNoRollbackTarget, 0);
  }
  setActive(target, m_active, false);
  return SlotReply::ack(static_cast<uint32_t>(target));
}

}  // namespace tinyscope::agent
