#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "app/core/spectrogram.h"

using tinyscope::Spectrogram;

TEST(Spectrogram, ToneLandsInItsBinAtItsLevel) {
  // 1 kHz at half of int16 full scale, sampled at 16 kHz: bin 1000 / (16000 / 512) = 32, −6 dBFS.
  Spectrogram s(512, 256);
  std::vector<float> x(16000);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 16384.0f *
           static_cast<float>(std::sin(2 * M_PI * 1000.0 * static_cast<double>(i) / 16000.0));
  std::vector<std::vector<float>> columns;
  // Pushed in uneven pieces, as windows arrive.
  for (size_t off = 0; off < x.size(); off += 333)
    s.push(x.data() + off, static_cast<int>(std::min<size_t>(333, x.size() - off)), &columns);
  ASSERT_EQ(columns.size(), (16000 - 512) / 256 + 1);
  for (const auto& c : columns) {
    ASSERT_EQ(c.size(), 257u);
    const auto peak = std::max_element(c.begin(), c.end()) - c.begin();
    EXPECT_EQ(peak, 32);
    EXPECT_NEAR(c[32], -6.02f, 0.1f);
    EXPECT_LT(c[100], -60.0f);  // far from the tone: window sidelobes only
  }
}

TEST(Spectrogram, SilenceIsFloorNotNaN) {
  Spectrogram s(64, 64);
  std::vector<float> zeros(64, 0.0f);
  std::vector<std::vector<float>> columns;
  s.push(zeros.data(), 64, &columns);
  ASSERT_EQ(columns.size(), 1u);
  for (float v : columns[0]) {
    EXPECT_FALSE(std::isnan(v));
    EXPECT_LE(v, -130.0f);
  }
}
