// The one place segment ends change convention: inclusive frame indices (Edge Impulse),
// [start, end) frames (tinyscope) and continuous seconds (Audacity, TextGrid).
#include <gtest/gtest.h>

#include "app/core/dataset/formats/recording.h"

using namespace tinyscope::dataset::formats;

TEST(SegmentConversion, InclusiveEndsBecomeExclusiveAndBack) {
  // EI: "the next segment after endIndex 300 needs to be startIndex 301" — inclusive ends.
  const Segment s = segmentFromInclusive(0, 300, QStringLiteral("first"));
  EXPECT_EQ(s.start, 0);
  EXPECT_EQ(s.end, 301);
  qint64 first = -1;
  qint64 last = -1;
  segmentToInclusive(s, &first, &last);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(last, 300);
  // A point covers the single frame it sits on.
  segmentToInclusive(Segment{7, 7, QStringLiteral("p")}, &first, &last);
  EXPECT_EQ(first, 7);
  EXPECT_EQ(last, 7);
}

TEST(SegmentConversion, SecondsRoundToFrameBoundaries) {
  // Audacity's "3.400000 6.100000" at 100 Hz is frames [340, 610) and back exactly.
  EXPECT_EQ(secondsToFrame(3.4, 100), 340);
  EXPECT_EQ(secondsToFrame(6.1, 100), 610);
  EXPECT_DOUBLE_EQ(frameToSeconds(610, 100), 6.1);
  // 16 kHz: 1 / 16000 s printed with six decimals (0.000063) still lands on frame 1.
  EXPECT_EQ(secondsToFrame(0.000063, 16000), 1);
}

TEST(SegmentConversion, RangesPastTheEndAreNamed) {
  EXPECT_TRUE(checkSegment(Segment{0, 10, QStringLiteral("a")}, 10).isEmpty());
  EXPECT_TRUE(checkSegment(Segment{10, 10, QStringLiteral("end point")}, 10).isEmpty());
  EXPECT_NE(
      checkSegment(Segment{0, 11, QStringLiteral("a")}, 10).indexOf(QLatin1String("past the end")),
      -1);
  EXPECT_FALSE(checkSegment(Segment{5, 4, QStringLiteral("a")}, 10).isEmpty());
  EXPECT_FALSE(checkSegment(Segment{-1, 4, QStringLiteral("a")}, 10).isEmpty());
}

TEST(RecordingValue, TimestampsAddIntervalsAndGaps) {
  Recording r;
  r.axes = {{QStringLiteral("x"), {}}};
  r.values = {0, 1, 2, 3};
  r.intervalMs = 0.0625;
  r.firstTimestampUs = 1000;
  r.gaps = {{2, 0, 500}};
  EXPECT_EQ(r.timestampUsOf(0), 1000u);
  EXPECT_EQ(r.timestampUsOf(1), 1063u);  // 62.5 us rounds to 63
  EXPECT_EQ(r.timestampUsOf(2), 1625u);  // 125 + 500 lost
  EXPECT_TRUE(r.validate().isEmpty());
  r.values.push_back(4);  // 5 values, 1 axis: still fine
  r.axes.push_back({QStringLiteral("y"), {}});
  EXPECT_FALSE(r.validate().isEmpty());  // 5 values do not split into frames of 2
}
