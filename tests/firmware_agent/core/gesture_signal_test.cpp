// firmware_agent/core/gesture_signal.h: deterministic windows, a sane sine table and the documented
// int8 input quantization.
#include "firmware_agent/core/gesture_signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace tinyscope::demo {
namespace {

TEST(GestureSignal, SineQ15FollowsSine) {
  EXPECT_EQ(sineQ15(0), 0);
  EXPECT_EQ(sineQ15(0x40000000u), 32767);
  EXPECT_EQ(sineQ15(0x80000000u), 0);
  EXPECT_EQ(sineQ15(0xC0000000u), -32767);
  for (uint32_t k = 0; k < 4096; ++k) {
    const uint32_t phase = k * 1048573u;
    const double expected = 32767.0 * std::sin(2.0 * M_PI * phase / 4294967296.0);
    EXPECT_NEAR(sineQ15(phase), expected, 4.0) << phase;
  }
}

TEST(GestureSignal, SameGestureAndSeedGiveTheSameWindow) {
  int16_t a[kWindowSamples], b[kWindowSamples], c[kWindowSamples];
  for (int g = 0; g < kGestureCount; ++g) {
    fillWindow(static_cast<Gesture>(g), 42, a);
    fillWindow(static_cast<Gesture>(g), 42, b);
    fillWindow(static_cast<Gesture>(g), 43, c);
    EXPECT_EQ(std::memcmp(a, b, sizeof a), 0);
    EXPECT_NE(std::memcmp(a, c, sizeof a), 0);
  }
}

// Energy per axis: waves on x, taps on z, circles on x and y, idle stays small.
TEST(GestureSignal, GesturesPutTheirEnergyOnTheDocumentedAxes) {
  auto rms = [](const int16_t* w, int axis) {
    double sum = 0.0, sq = 0.0;
    for (int t = 0; t < kWindowLength; ++t) sum += w[t * kAxes + axis];
    const double mean = sum / kWindowLength;
    for (int t = 0; t < kWindowLength; ++t)
      sq += (w[t * kAxes + axis] - mean) * (w[t * kAxes + axis] - mean);
    return std::sqrt(sq / kWindowLength) / kRawPerG;  // in g
  };
  int16_t w[kWindowSamples];
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    fillWindow(Gesture::kWave, seed, w);
    EXPECT_GT(rms(w, 0), 0.25);
    EXPECT_LT(rms(w, 1), 0.12);
    fillWindow(Gesture::kCircle, seed, w);
    EXPECT_GT(rms(w, 0), 0.2);
    EXPECT_GT(rms(w, 1), 0.2);
    EXPECT_LT(rms(w, 2), 0.12);
    fillWindow(Gesture::kTap, seed, w);
    EXPECT_GT(rms(w, 2), 0.15);
    fillWindow(Gesture::kIdle, seed, w);
    for (int a = 0; a < kAxes; ++a) EXPECT_LT(rms(w, a), 0.3);
  }
}

TEST(GestureSignal, InputQuantizationRoundsHalfAwayAndSaturates) {
  EXPECT_EQ(quantizeSample(0), 0);
  EXPECT_EQ(quantizeSample(63), 0);
  EXPECT_EQ(quantizeSample(64), 1);
  EXPECT_EQ(quantizeSample(-64), -1);
  EXPECT_EQ(quantizeSample(-63), 0);
  EXPECT_EQ(quantizeSample(kRawPerG), 32);  // 1 g = 32 steps of 1/32 g
  EXPECT_EQ(quantizeSample(32767), 127);
  EXPECT_EQ(quantizeSample(-32768), -128);
  EXPECT_STREQ(gestureName(Gesture::kCircle), "circle");
}

}  // namespace
}  // namespace tinyscope::demo
