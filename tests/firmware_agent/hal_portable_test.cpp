// hal.h's portable half (slot header format, CRC-32) and the port's SPSC ring, on the
// host. The slot functions run over a fake two-slot storage defined here, which is all
// slotModel() needs from a port.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "hal.h"
#include "spsc_ring.h"

namespace hal = tinyscope::agent::hal;

namespace {
alignas(16) uint8_t g_slots[2][4096];
}

namespace tinyscope::agent::hal {
uint32_t slotCount() {
  return 2;
}
const uint8_t* slotData(uint32_t slot) {
  return slot < 2 ? g_slots[slot] : nullptr;
}
uint32_t slotCapacity(uint32_t slot) {
  return slot < 2 ? sizeof g_slots[0] : 0;
}
}  // namespace tinyscope::agent::hal

namespace {

void store(uint32_t slot, const std::vector<uint8_t>& payload) {
  std::memset(g_slots[slot], 0xFF, sizeof g_slots[slot]);
  std::memcpy(g_slots[slot] + hal::kSlotHeaderSize, payload.data(), payload.size());
  hal::makeSlotHeader(uint32_t(payload.size()), hal::crc32(payload.data(), payload.size()),
                      g_slots[slot]);
}

TEST(HalCrc32, MatchesTheStandardCheckValue) {
  const char* text = "123456789";
  EXPECT_EQ(hal::crc32(reinterpret_cast<const uint8_t*>(text), 9), 0xCBF43926u);
  EXPECT_EQ(hal::crc32(nullptr, 0), 0u);
}

TEST(HalCrc32, ContinuesAcrossSplitBuffers) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7 + 3);
  const uint32_t whole = hal::crc32(data.data(), data.size());
  for (size_t split : {size_t(0), size_t(1), size_t(499), size_t(1000)}) {
    const uint32_t first = hal::crc32(data.data(), split);
    EXPECT_EQ(hal::crc32(data.data() + split, data.size() - split, first), whole) << split;
  }
}

TEST(HalSlotFormat, HeaderLayoutIsTheDocumentedOne) {
  uint8_t header[hal::kSlotHeaderSize];
  hal::makeSlotHeader(0x01020304u, 0xA1B2C3D4u, header);
  EXPECT_EQ(std::memcmp(header, "TSMS", 4), 0);
  EXPECT_EQ(header[4], 1);   // version
  EXPECT_EQ(header[6], 32);  // header size
  EXPECT_EQ(header[8], 0x04);
  EXPECT_EQ(header[11], 0x01);
  EXPECT_EQ(header[12], 0xD4);
  for (int i = 16; i < 28; ++i) EXPECT_EQ(header[i], 0) << i;
  EXPECT_EQ(tinyscope::agent::hal::detail::loadLe32(header + 28), hal::crc32(header, 28));
}

TEST(HalSlotFormat, ReadsBackAValidModelInPlace) {
  const std::vector<uint8_t> payload = {'T', 'F', 'L', '3', 1, 2, 3, 4, 5};
  store(0, payload);
  hal::SlotModel model{};
  ASSERT_EQ(hal::slotModel(0, true, &model), hal::Status::kOk);
  EXPECT_EQ(model.data, g_slots[0] + 32);  // no copy
  EXPECT_EQ(model.size, payload.size());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(model.data) % 16, 0u);
}

TEST(HalSlotFormat, RejectsErasedTornAndCorruptSlots) {
  hal::SlotModel model{};
  std::memset(g_slots[1], 0xFF, sizeof g_slots[1]);
  EXPECT_EQ(hal::slotModel(1, false, &model), hal::Status::kBadHeader);  // erased
  EXPECT_EQ(hal::slotModel(2, false, &model), hal::Status::kBadSlot);

  const std::vector<uint8_t> payload(100, 0x42);
  store(1, payload);
  g_slots[1][40] ^= 1;  // payload bit flip: only the full check sees it
  EXPECT_EQ(hal::slotModel(1, false, &model), hal::Status::kOk);
  EXPECT_EQ(hal::slotModel(1, true, &model), hal::Status::kBadHeader);

  store(1, payload);
  g_slots[1][9] ^= 0x80;  // size field: header CRC catches it
  EXPECT_EQ(hal::slotModel(1, false, &model), hal::Status::kBadHeader);

  // A size that does not fit the slot, with a self-consistent header.
  store(1, payload);
  hal::makeSlotHeader(4096, 0, g_slots[1]);
  EXPECT_EQ(hal::slotModel(1, false, &model), hal::Status::kBadHeader);
}

TEST(HalStatus, EveryStatusHasAMessage) {
  for (int s = 0; s <= int(hal::Status::kBadHeader); ++s)
    EXPECT_STRNE(hal::statusMessage(hal::Status(s)), "unknown status") << s;
}

TEST(SpscRing, KeepsOrderAcrossIndexWrapAndReportsFullAndEmpty) {
  tinyscope::agent::cortex_m::SpscRing<8> ring;
  uint8_t next = 0, expect = 0;
  for (int round = 0; round < 1000; ++round) {
    const size_t n = size_t(round % 9);
    uint8_t in[9];
    for (size_t i = 0; i < n; ++i) in[i] = next++;
    const size_t pushed = ring.push(in, n);
    next = uint8_t(next - (n - pushed));
    EXPECT_LE(ring.size(), 8u);
    uint8_t out[9];
    const size_t popped = ring.pop(out, size_t((round * 5) % 9));
    for (size_t i = 0; i < popped; ++i) ASSERT_EQ(out[i], expect++);
  }
  uint8_t b;
  while (ring.pop(&b)) ASSERT_EQ(b, expect++);
  EXPECT_TRUE(ring.empty());
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(ring.push(uint8_t(i)));
  EXPECT_TRUE(ring.full());
  EXPECT_FALSE(ring.push(9));
}

}  // namespace
