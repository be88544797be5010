// The slot metadata journal on a medium that loses power after any byte of any write:
// whatever byte the cut hits, the next boot reads the state before or after the save.
#include "firmware_agent/core/slot_journal.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

using tinyscope::agent::JournalMedium;
using tinyscope::agent::kJournalRecordSize;
using tinyscope::agent::SlotJournal;
using tinyscope::agent::SlotMetadata;

namespace {

// Two copies with NOR rules; after `budget` more bytes are touched the power is gone and
// nothing changes any more.
class CutMedium : public JournalMedium {
 public:
  CutMedium() {
    for (auto& c : m_copies) c.fill(0xFF);
  }
  void cutAfter(long bytes) { m_budget = bytes; }
  void powerBack() { m_budget = -1; }
  const uint8_t* journalCopy(uint8_t i) override { return i < 2 ? m_copies[i].data() : nullptr; }
  bool eraseJournalCopy(uint8_t i) override { return touch(i, nullptr, kJournalRecordSize); }
  bool programJournalCopy(uint8_t i, const uint8_t* data, uint32_t size) override {
    return touch(i, data, size);
  }

 private:
  bool touch(uint8_t i, const uint8_t* data, uint32_t size) {
    for (uint32_t k = 0; k < size; ++k) {
      if (m_budget == 0) return false;
      if (m_budget > 0) --m_budget;
      m_copies[i][k] = data == nullptr ? 0xFF : uint8_t(m_copies[i][k] & data[k]);
    }
    return true;
  }
  std::array<std::array<uint8_t, kJournalRecordSize>, 2> m_copies;
  long m_budget = -1;
};

SlotMetadata state(int active, int previous, const char* name0, const char* name1) {
  SlotMetadata m;
  m.active = active;
  m.previous = previous;
  m.names[0].assign(name0);
  m.names[1].assign(name1);
  return m;
}

bool same(const SlotMetadata& a, const SlotMetadata& b) {
  if (a.active != b.active || a.previous != b.previous) return false;
  for (size_t i = 0; i < tinyscope::proto::kMaxSlots; ++i)
    if (!(a.names[i] == b.names[i])) return false;
  return true;
}

}  // namespace

TEST(SlotJournal, AFreshMediumHoldsNothingAndASaveReadsBack) {
  CutMedium medium;
  SlotJournal journal(&medium);
  SlotMetadata m;
  EXPECT_FALSE(journal.load(&m));
  const SlotMetadata a = state(1, 0, "kws", "hello_world");
  ASSERT_TRUE(journal.save(a));
  ASSERT_TRUE(SlotJournal(&medium).load(&m));
  EXPECT_TRUE(same(m, a));
  EXPECT_EQ(journal.sequence(), 1u);
}

TEST(SlotJournal, APowerCutAtAnyByteOfASaveLeavesTheOldOrTheNewState) {
  // Several saves in a row, so both copies take turns being the one overwritten.
  const SlotMetadata states[] = {state(0, -1, "old", ""), state(1, 0, "old", "new"),
                                 state(0, 1, "old", "new"), state(-1, -1, "", "newer")};
  for (size_t step = 1; step < sizeof states / sizeof states[0]; ++step) {
    const long bytesPerSave = 2 * long(kJournalRecordSize);  // erase + program
    bool sawOld = false, sawNew = false;
    for (long cut = 0; cut <= bytesPerSave; ++cut) {
      CutMedium medium;
      SlotJournal journal(&medium);
      for (size_t s = 0; s < step; ++s) ASSERT_TRUE(journal.save(states[s]));
      medium.cutAfter(cut);
      const bool saved = journal.save(states[step]);
      medium.powerBack();
      SlotMetadata after;
      ASSERT_TRUE(SlotJournal(&medium).load(&after)) << "step " << step << " cut " << cut;
      const bool isOld = same(after, states[step - 1]);
      const bool isNew = same(after, states[step]);
      EXPECT_TRUE(isOld || isNew) << "step " << step << " cut after byte " << cut;
      EXPECT_EQ(saved, cut == bytesPerSave);
      if (saved) {
        EXPECT_TRUE(isNew);
      }
      sawOld |= isOld;
      sawNew |= isNew;
      // The next save after the reboot works and wins.
      ASSERT_TRUE(SlotJournal(&medium).save(states[0]));
      ASSERT_TRUE(SlotJournal(&medium).load(&after));
      EXPECT_TRUE(same(after, states[0])) << "step " << step << " cut " << cut;
    }
    EXPECT_TRUE(sawOld && sawNew);
  }
}

TEST(SlotJournal, ACorruptedNewestCopyFallsBackToTheOlderOne) {
  CutMedium medium;
  SlotJournal journal(&medium);
  const SlotMetadata a = state(0, -1, "a", ""), b = state(1, 0, "a", "b");
  ASSERT_TRUE(journal.save(a));
  ASSERT_TRUE(journal.save(b));
  // Copy 1 holds b (sequence 2): flip one bit of its name, as a worn cell would.
  const uint8_t* copy1 = medium.journalCopy(1);
  uint8_t damaged[kJournalRecordSize];
  std::memcpy(damaged, copy1, sizeof damaged);
  damaged[17] &= 0xFE;  // the first letter of name 0
  ASSERT_TRUE(medium.eraseJournalCopy(1));
  ASSERT_TRUE(medium.programJournalCopy(1, damaged, sizeof damaged));
  SlotMetadata m;
  ASSERT_TRUE(journal.load(&m));
  EXPECT_TRUE(same(m, a));
}
