// The model input built from a dataset sample is the one the device builds from its sensor
// window: checked against the gesture signal's own quantizer (firmware_agent/core/gesture_signal.h)
// over every gesture, many seeds and every int16 count.
#include "app/core/session/labelled_evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "firmware_agent/core/gesture_signal.h"

namespace {

namespace demo = tinyscope::demo;
using tinyscope::dataset::SampleType;
using tinyscope::runner::host::GraphTensor;

GraphTensor demoInput() {
  GraphTensor t;
  t.type = "int8";
  t.scale = {1.0 / 32.0};
  t.zeroPoint = {0};
  t.bytes = demo::kWindowSamples;
  return t;
}

QByteArray bytesOf(const int16_t* v, int n) {
  return QByteArray(reinterpret_cast<const char*>(v), n * 2);
}

TEST(SampleToInput, QuantizesLikeTheDeviceForEveryGestureAndSeed) {
  const float perCount = tinyscope::session::unitsPerCountOf(QStringLiteral("g/4096"));
  ASSERT_FLOAT_EQ(perCount, 1.0f / 4096.0f);
  for (int g = 0; g < demo::kGestureCount; ++g)
    for (uint32_t seed = 1; seed <= 50; ++seed) {
      int16_t raw[demo::kWindowSamples];
      demo::fillWindow(static_cast<demo::Gesture>(g), seed, raw);
      int8_t expected[demo::kWindowSamples];
      demo::quantizeWindow(raw, expected);
      std::vector<uint8_t> in;
      QString why;
      ASSERT_TRUE(tinyscope::session::sampleToInput(demoInput(), bytesOf(raw, demo::kWindowSamples),
                                                    SampleType::kInt16, demo::kAxes, perCount, &in,
                                                    &why))
          << why.toStdString();
      ASSERT_EQ(in.size(), size_t(demo::kWindowSamples));
      EXPECT_EQ(std::memcmp(in.data(), expected, in.size()), 0)
          << "gesture " << g << " seed " << seed;
    }
}

TEST(SampleToInput, EveryCountRoundsAndSaturatesLikeTheDevice) {
  const float perCount = 1.0f / 4096.0f;
  std::vector<int16_t> raw(demo::kWindowSamples);
  for (int32_t base = -32768; base <= 32767; base += demo::kWindowSamples) {
    for (int i = 0; i < demo::kWindowSamples; ++i)
      raw[size_t(i)] = static_cast<int16_t>(std::min<int32_t>(base + i, 32767));
    std::vector<uint8_t> in;
    QString why;
    ASSERT_TRUE(
        tinyscope::session::sampleToInput(demoInput(), bytesOf(raw.data(), demo::kWindowSamples),
                                          SampleType::kInt16, demo::kAxes, perCount, &in, &why));
    for (int i = 0; i < demo::kWindowSamples; ++i)
      ASSERT_EQ(static_cast<int8_t>(in[size_t(i)]), demo::quantizeSample(raw[size_t(i)]))
          << "count " << raw[size_t(i)];
  }
}

TEST(SampleToInput, TheNewestFramesCountAndShortOrUnconvertibleSamplesAreRefused) {
  // Two windows back to back: the input is the second (the latest window).
  int16_t raw[2 * demo::kWindowSamples];
  demo::fillWindow(demo::Gesture::kTap, 7, raw);
  demo::fillWindow(demo::Gesture::kWave, 8, raw + demo::kWindowSamples);
  int8_t expected[demo::kWindowSamples];
  demo::quantizeWindow(raw + demo::kWindowSamples, expected);
  std::vector<uint8_t> in;
  QString why;
  ASSERT_TRUE(tinyscope::session::sampleToInput(demoInput(), bytesOf(raw, 2 * demo::kWindowSamples),
                                                SampleType::kInt16, demo::kAxes, 1.0f / 4096.0f,
                                                &in, &why));
  EXPECT_EQ(std::memcmp(in.data(), expected, in.size()), 0);

  EXPECT_FALSE(tinyscope::session::sampleToInput(
      demoInput(), bytesOf(raw, demo::kWindowSamples - 3), SampleType::kInt16, demo::kAxes,
      1.0f / 4096.0f, &in, &why));
  EXPECT_TRUE(why.contains(QStringLiteral("needs 384"))) << why.toStdString();
  // No units: an int8 input cannot take int16 counts.
  EXPECT_FALSE(tinyscope::session::sampleToInput(demoInput(), bytesOf(raw, demo::kWindowSamples),
                                                 SampleType::kInt16, demo::kAxes, 0.0f, &in, &why));
  EXPECT_TRUE(why.startsWith(QStringLiteral("no conversion"))) << why.toStdString();
  EXPECT_EQ(tinyscope::session::unitsPerCountOf(QStringLiteral("g")), 0.0f);
  EXPECT_EQ(tinyscope::session::unitsPerCountOf(QStringLiteral("g/0")), 0.0f);
  EXPECT_EQ(tinyscope::session::unitsPerCountOf(QStringLiteral("g/abc")), 0.0f);
}

}  // namespace
