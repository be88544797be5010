#include <gtest/gtest.h>

#include "device_protocol/host/text_line_decoder.h"

using namespace tinyscope::link;

namespace {
struct Decoded {
  QList<TextSample> samples;
  QStringList text;
};
Decoded feedAll(TextLineDecoder& d, const QByteArray& bytes, int chunk) {
  Decoded out;
  for (int off = 0; off < bytes.size(); off += chunk)
    d.feed(bytes.mid(off, chunk), off, &out.samples, &out.text);
  return out;
}
}  // namespace

TEST(TextLineDecoder, CommaTabSpaceSemicolonSeparatedNumbers) {
  TextLineDecoder d;
  const Decoded r = feedAll(d, "1,2,3\n4\t5\t6\r\n7 8  9\n-1.5;2e3;+3\n", 1000);
  ASSERT_EQ(r.samples.size(), 4);
  EXPECT_EQ(r.samples[1].values, (QVector<double>{4, 5, 6}));
  EXPECT_EQ(r.samples[3].values, (QVector<double>{-1.5, 2000, 3}));
  EXPECT_EQ(d.channelNames(), (QStringList{"ch0", "ch1", "ch2"}));
  EXPECT_EQ(d.counters().channelChanges, 0u);
}

TEST(TextLineDecoder, ArduinoPlotterLabelValuePairs) {
  TextLineDecoder d;
  const Decoded r = feedAll(d, "ax:1 ay:-2 az:3\nax:4,ay:5,az:6\nax: 7 ay: 8 az: 9\n", 1000);
  ASSERT_EQ(r.samples.size(), 3);
  EXPECT_EQ(d.channelNames(), (QStringList{"ax", "ay", "az"}));
  EXPECT_EQ(r.samples[2].values, (QVector<double>{7, 8, 9}));
}

TEST(TextLineDecoder, SameResultForEverySplit) {
  const QByteArray stream = "boot ok\r\n10,20\r\n11,21\r\ntemp:30\r\n12,22\r\n";
  for (int chunk = 1; chunk <= stream.size(); ++chunk) {
    TextLineDecoder d;
    const Decoded r = feedAll(d, stream, chunk);
    ASSERT_EQ(r.samples.size(), 4) << "chunk " << chunk;
    EXPECT_EQ(r.text, QStringList{"boot ok"});
    EXPECT_EQ(d.counters().channelChanges, 2u);
    EXPECT_EQ(r.samples[3].values, (QVector<double>{12, 22}));
  }
}

TEST(TextLineDecoder, NonDataAndOverlongLinesAreCountedNotSilentlyLost) {
  TextLineDecoder d(16);
  const Decoded r = feedAll(d, "hello world\n1,2\n" + QByteArray(100, '5') + "\n3,4\n", 7);
  EXPECT_EQ(r.samples.size(), 2);
  EXPECT_EQ(d.counters().textLines, 1u);
  EXPECT_EQ(d.counters().overlongLines, 1u);
  EXPECT_EQ(r.samples[1].values, (QVector<double>{3, 4}));
}

TEST(TextLineDecoder, RateIsMeasuredOrOverridden) {
  TextLineDecoder d;
  QList<TextSample> s;
  QStringList t;
  for (int i = 0; i < 500; ++i) d.feed("1,2\n", qint64(i) * 2'000'000, &s, &t);  // 500 Hz
  const RateEstimate e = d.rate();
  EXPECT_NEAR(e.hz, 500.0, 0.01);
  d.overrideRate(400);
  EXPECT_EQ(d.rate().hz, 400);
}
