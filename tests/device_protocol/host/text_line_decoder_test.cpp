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

// Lines as Edge Impulse's data forwarder reads them: split at commas and whitespace, empty
// fields skipped, each field through JavaScript's Number().
TEST(TextLineDecoder, TakesEveryLineTheDataForwarderTakes) {
  TextLineDecoder d;
  const Decoded r = feedAll(d,
                            "1,2,3\r\n4\t5\t6\n7 8  9\r\n 10 , 11 ,12 \n13,,14,15,\n"
                            "\t16\v17\f18\r\n0x10 0b11 0o7\n.5 5. -1e-3\n+2E2,-0,1e+1\n",
                            5);
  ASSERT_EQ(r.samples.size(), 9) << r.text.join('|').toStdString();
  EXPECT_EQ(r.samples[3].values, (QVector<double>{10, 11, 12}));
  EXPECT_EQ(r.samples[4].values, (QVector<double>{13, 14, 15}));
  EXPECT_EQ(r.samples[5].values, (QVector<double>{16, 17, 18}));
  EXPECT_EQ(r.samples[6].values, (QVector<double>{16, 3, 7}));
  EXPECT_EQ(r.samples[7].values, (QVector<double>{0.5, 5, -0.001}));
  EXPECT_EQ(r.samples[8].values, (QVector<double>{200, 0, 10}));
  EXPECT_EQ(d.counters().channelChanges, 0u);
  EXPECT_TRUE(r.text.isEmpty());
}

TEST(TextLineDecoder, RefusesFieldsTheDataForwarderRefuses) {
  // Number() gives NaN for these (Infinity it would upload as null): the lines are text.
  for (const char* line : {"nan,1,2", "inf 1 2", "1_0,2,3", "0x,1,2", "1e,2,3", "--1,2,3",
                           "1.2.3,4,5", "Infinity,1,2", "0x1g,2,3", "1e5x,2,3", "-0x10,1,2"}) {
    TextLineDecoder d;
    const Decoded r = feedAll(d, QByteArray(line) + "\r\n", 100);
    EXPECT_TRUE(r.samples.isEmpty()) << line;
    EXPECT_EQ(r.text, QStringList{QString::fromLatin1(line)}) << line;
  }
  double v = 0;
  EXPECT_TRUE(parseForwarderNumber("0XfF", &v));
  EXPECT_EQ(v, 255);
}

// The forwarder counts lines for one second and so cannot detect 2 Hz or less; here three
// lines of a 1 Hz board (2 s) give its rate, with an uncertainty from the arrival jitter.
TEST(TextLineDecoder, RateOfASlowBoardIsKnownAfterThreeLines) {
  for (const double hz : {1.0, 0.5, 2.0}) {
    TextLineDecoder d;
    QList<TextSample> s;
    QStringList t;
    const qint64 jitterNs[] = {0, 3'000'000, -2'000'000, 1'000'000};
    for (int i = 0; i < 2; ++i)
      d.feed("1\t2\r\n", static_cast<qint64>(i * 1e9 / hz) + jitterNs[i], &s, &t);
    EXPECT_FALSE(d.rate().valid()) << hz;
    d.feed("1\t2\r\n", static_cast<qint64>(2 * 1e9 / hz) + jitterNs[2], &s, &t);
    const RateEstimate e = d.rate();
    ASSERT_TRUE(e.valid()) << hz;
    EXPECT_NEAR(e.hz, hz, std::max(0.01 * hz, 3 * e.uncertaintyHz)) << hz;
    EXPECT_LT(e.uncertaintyHz, 0.01 * hz) << hz;
  }
}
