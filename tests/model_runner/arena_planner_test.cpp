#include <gtest/gtest.h>

#include "model_runner/arena_planner.h"

namespace tinyscope::runner {
namespace {

TEST(ArenaPlanner, ReusesMemoryOfDeadBuffers) {
  ArenaPlanner::BufferRecord storage[8];
  ArenaPlanner planner(storage, 8);
  uint32_t a = 0, b = 0, c = 0;
  ASSERT_TRUE(planner.addBuffer(100, 0, 1, &a));  // 112 aligned
  ASSERT_TRUE(planner.addBuffer(50, 1, 2, &b));   // 64
  ASSERT_TRUE(planner.addBuffer(100, 2, 3, &c));  // can take a's place
  EXPECT_EQ(planner.offsetOf(a), 0u);
  EXPECT_EQ(planner.offsetOf(c), 0u);
  EXPECT_EQ(planner.offsetOf(b), 112u);
  EXPECT_EQ(planner.peakBytes(), 176u);
}

TEST(ArenaPlanner, LargestFirstAndGapsFilled) {
  ArenaPlanner::BufferRecord storage[8];
  ArenaPlanner planner(storage, 8);
  uint32_t big = 0, small1 = 0, small2 = 0, mid = 0;
  planner.addBuffer(32, 0, 4, &small1);
  planner.addBuffer(256, 1, 2, &big);
  planner.addBuffer(64, 3, 4, &mid);  // lives after big: placed at 0
  planner.addBuffer(32, 2, 3, &small2);
  EXPECT_EQ(planner.offsetOf(big), 0u);
  EXPECT_EQ(planner.offsetOf(small1), 256u);
  EXPECT_EQ(planner.offsetOf(mid), 0u);
  EXPECT_EQ(planner.offsetOf(small2), 288u);  // overlaps big, small1 and mid
  EXPECT_EQ(planner.peakBytes(), 320u);
}

TEST(ArenaPlanner, RejectsOverflowAndReversedLifetimes) {
  ArenaPlanner::BufferRecord storage[1];
  ArenaPlanner planner(storage, 1);
  EXPECT_FALSE(planner.addBuffer(16, 3, 2));
  EXPECT_TRUE(planner.addBuffer(16, 0, 0));
  EXPECT_FALSE(planner.addBuffer(16, 0, 0));
  EXPECT_EQ(planner.peakBytes(), 16u);
}

}  // namespace
}  // namespace tinyscope::runner
