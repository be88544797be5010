#include <gtest/gtest.h>

#include <random>

#include "device_protocol/host/rate_estimator.h"

using tinyscope::link::RateEstimator;

TEST(RateEstimator, BurstyArrivalsGiveTheTrueRateWithinItsUncertainty) {
  // 16 kHz sampled on the device, delivered in USB-like bursts of 64 with 0.3 ms jitter.
  std::mt19937 rng(7);
  std::normal_distribution<double> jitter(0.0, 0.3e-3);
  RateEstimator est(4096);
  const double rate = 16000.0;
  for (int burst = 0; burst < 400; ++burst) {
    const double t = (burst + 1) * 64 / rate + jitter(rng);
    est.add(static_cast<qint64>(t * 1e9), 64);
  }
  const auto e = est.estimate();
  ASSERT_TRUE(e.valid());
  EXPECT_GT(e.uncertaintyHz, 0);
  EXPECT_LT(std::abs(e.hz - rate), 4 * e.uncertaintyHz + 1e-9) << e.hz << " ± " << e.uncertaintyHz;
  EXPECT_LT(e.uncertaintyHz, 20);  // 0.13 % of the rate
}

TEST(RateEstimator, NeedsSomeSamplesFirst) {
  RateEstimator est;
  for (int i = 0; i < 5; ++i) est.add(i * 1000000);
  EXPECT_FALSE(est.estimate().valid());
}

TEST(RateEstimator, FewerPointsWhenAskedButNeverFewerThanThree) {
  RateEstimator est(4096, 1);
  est.add(0);
  est.add(1'000'000'000);
  EXPECT_FALSE(est.estimate().valid());
  est.add(2'000'000'000);
  ASSERT_TRUE(est.estimate().valid());
  EXPECT_DOUBLE_EQ(est.estimate().hz, 1.0);
}
