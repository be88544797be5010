// The host port's input parsers (WAV, CSV), command line and synthetic sensors, in-process.
#include <gtest/gtest.h>

#include <cmath>

#include "agent_options.h"
#include "host_sensors.h"
#include "wav_file.h"

using namespace tinyscope::agent::host;

namespace {
void put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(uint8_t(v));
  b.push_back(uint8_t(v >> 8));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
  put16(b, uint16_t(v));
  put16(b, uint16_t(v >> 16));
}
void putTag(std::vector<uint8_t>& b, const char* t) {
  b.insert(b.end(), t, t + 4);
}

std::vector<uint8_t> wav(uint16_t channels, uint32_t rate, uint16_t bits,
                         const std::vector<int16_t>& samples, uint16_t format = 1) {
  std::vector<uint8_t> b;
  putTag(b, "RIFF");
  put32(b, 0);
  putTag(b, "WAVE");
  putTag(b, "LIST");  // an unrelated chunk of odd size, padded
  put32(b, 3);
  b.insert(b.end(), {'a', 'b', 'c', 0});
  putTag(b, "fmt ");
  put32(b, 16);
  put16(b, format);
  put16(b, channels);
  put32(b, rate);
  put32(b, rate * channels * bits / 8);
  put16(b, uint16_t(channels * bits / 8));
  put16(b, bits);
  putTag(b, "data");
  put32(b, uint32_t(samples.size() * 2));
  for (int16_t s : samples) put16(b, uint16_t(s));
  return b;
}
}  // namespace

TEST(AgentWav, ParsesPcm16WithExtraChunks) {
  WavData w;
  std::string err;
  ASSERT_TRUE(parseWav(wav(2, 16000, 16, {1, -2, 300, -32768}), &w, &err)) << err;
  EXPECT_EQ(w.channels, 2);
  EXPECT_EQ(w.sampleRate, 16000u);
  EXPECT_EQ(w.samples, (std::vector<int16_t>{1, -2, 300, -32768}));
}

TEST(AgentWav, RefusesWhatItCannotPlayAndNeverReadsPastTheEnd) {
  WavData w;
  std::string err;
  EXPECT_FALSE(parseWav(wav(1, 8000, 8, {}), &w, &err));
  EXPECT_NE(err.find("16-bit PCM"), std::string::npos);
  EXPECT_FALSE(parseWav(wav(1, 8000, 16, {1}, 3), &w, &err));  // IEEE float
  EXPECT_FALSE(parseWav(std::vector<uint8_t>{'R', 'I', 'F', 'F'}, &w, &err));
  EXPECT_FALSE(parseWav(wav(0, 8000, 16, {1}), &w, &err));
  // Every truncation of a valid file is handled without a crash; a cut data chunk keeps
  // the whole samples that are there.
  const std::vector<uint8_t> full = wav(1, 8000, 16, {1, 2, 3, 4, 5});
  for (size_t n = 0; n < full.size(); ++n) {
    WavData t;
    const bool ok = parseWav(std::vector<uint8_t>(full.begin(), full.begin() + long(n)), &t, &err);
    if (ok) {
      EXPECT_LE(t.samples.size(), 5u);
    }
  }
  // A chunk length near 4 GiB must not wrap the bounds check.
  std::vector<uint8_t> evil = wav(1, 8000, 16, {1});
  evil[12 + 4] = 0xFF;
  evil[12 + 5] = 0xFF;
  evil[12 + 6] = 0xFF;
  evil[12 + 7] = 0xFF;
  EXPECT_FALSE(parseWav(evil, &w, &err));
}

TEST(AgentCsv, ParsesRowsWithHeaderAndRefusesRaggedOnes) {
  uint16_t ch = 0;
  std::vector<int16_t> s;
  std::string err;
  ASSERT_TRUE(parseCsv("ax,ay,az\r\n1,2,3\n# note\n-4.6, 5 ,40000\n", &ch, &s, &err)) << err;
  EXPECT_EQ(ch, 3);
  EXPECT_EQ(s, (std::vector<int16_t>{1, 2, 3, -5, 5, 32767}));
  s.clear();
  EXPECT_FALSE(parseCsv("1,2\n3\n", &ch, &s, &err));
  EXPECT_NE(err.find("line 2"), std::string::npos);
  EXPECT_FALSE(parseCsv("", &ch, &s, &err));
}

TEST(AgentCsv, TheClockColumnOfAHeaderedCsvIsNoChannel) {
  // stream --csv writes tinyscope's flavour: device µs first (once read as a channel).
  uint16_t ch = 0;
  std::vector<int16_t> s;
  std::string err;
  ASSERT_TRUE(
      parseCsv("timestamp_us,x[g/4096],y[g/4096]\n1000000,5,-7\n1020000,6,-8\n", &ch, &s, &err))
      << err;
  EXPECT_EQ(ch, 2);
  EXPECT_EQ(s, (std::vector<int16_t>{5, -7, 6, -8}));
  s.clear();
  ASSERT_TRUE(parseCsv("timestamp,accX\r\n0,1\n16,2\n", &ch, &s, &err)) << err;  // Edge Impulse
  EXPECT_EQ(ch, 1);
  EXPECT_EQ(s, (std::vector<int16_t>{1, 2}));
  s.clear();
  ASSERT_TRUE(parseCsv("\"Time (s)\",a,b\n0.5,1,2\n", &ch, &s, &err)) << err;
  EXPECT_EQ(s, (std::vector<int16_t>{1, 2}));
  s.clear();
  // Without a header naming it, the first column stays a channel.
  ASSERT_TRUE(parseCsv("1000,5\n2000,6\n", &ch, &s, &err)) << err;
  EXPECT_EQ(ch, 2);
}

TEST(AgentOptions, ParsesLinksSensorsAndSlots) {
  AgentOptions o;
  std::string err;
  ASSERT_TRUE(parseAgentOptions(
      {"--tcp", "5555", "--sensor", "imu", "--wav", "a.wav", "--rate", "16000", "--channels", "8",
       "--slots", "/tmp/x", "--slot-size", "1M", "--baud", "921600"},
      &o, &err))
      << err;
  EXPECT_EQ(o.link.kind, LinkKind::kTcp);
  EXPECT_EQ(o.link.tcpPort, 5555);
  EXPECT_EQ(o.link.bytesPerSecond, 92160u);
  ASSERT_EQ(o.sensorArgs.size(), 2u);
  EXPECT_EQ(o.sensorArgs[0].kind, SensorKind::kImu);
  EXPECT_TRUE(o.sensorArgs[1].wav);
  EXPECT_EQ(o.sensorArgs[1].file, "a.wav");
  EXPECT_DOUBLE_EQ(o.rateHz, 16000.0);
  EXPECT_EQ(o.channels, 8);
  EXPECT_EQ(o.slotSize, 1u << 20);
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--tcp"},
                                             {"--tcp", "70000"},
                                             {"--rate", "-1"},
                                             {"--channels", "0"},
                                             {"--slot-count", "5"},
                                             {"--model", "m", "--no-model"},
                                             {"x"}}) {
    AgentOptions b;
    EXPECT_FALSE(parseAgentOptions(bad, &b, &err)) << bad[0];
    EXPECT_FALSE(err.empty());
  }
}

TEST(AgentSensors, SyntheticSignalsHaveTheirShape) {
  HostSensors s({withDefaults(SensorSpec{SensorKind::kSine, "", "", 2, 0, 0.0f, {}}),
                 withDefaults(SensorSpec{SensorKind::kImu, "", "", 0, 0, 0.0f, {}}),
                 withDefaults(SensorSpec{SensorKind::kAudio, "", "", 8, 0, 0.0f, {}})});
  ASSERT_EQ(s.count(), 3);
  tinyscope::proto::SensorInfo info;
  ASSERT_TRUE(s.describe(2, info));
  EXPECT_EQ(info.axes, 8);
  EXPECT_EQ(info.rateMilliHz, 16000000u);
  // Sine channel 0: 1 Hz at 100 Hz, amplitude 12000.
  EXPECT_EQ(s.sample(0, 0, 0), 0);
  EXPECT_NEAR(s.sample(0, 25, 0), 12000, 1);
  // IMU: 1/4096 g counts; a tap window (gesture 2) has a spike well above 1 g on z.
  EXPECT_FLOAT_EQ(s.unitsPerCount(1), 1.0f / 4096.0f);
  int maxZ = 0;
  for (uint64_t k = 128; k < 192; ++k) maxZ = std::max(maxZ, std::abs(int(s.sample(1, k, 2))));
  EXPECT_GT(maxZ, 4096);
  // Audio: loud enough, never clipping constantly.
  int peak = 0;
  for (uint64_t k = 0; k < 16000; ++k) peak = std::max(peak, std::abs(int(s.sample(2, k, 7))));
  EXPECT_GT(peak, 3000);
  EXPECT_LT(peak, 32767);
}
