// The MLPerf Tiny DUT mode in-process on the fake HAL: its printf-free %.3f against the C
// library's, commands split across reads at every offset, a link that stalls, and repeated runs
// on one load (the input is restored before each run). The runner's view of the whole protocol
// is tests/firmware_agent/mlperf_dut_test.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "agent_reference.h"
#include "fake_hal.h"
#include "firmware_agent/core/dut_mode.h"
#include "hal.h"
#include "model_runner/kernels/all_ops.h"

namespace proto = tinyscope::proto;
using tinyscope::agent::DutConfig;
using tinyscope::agent::DutMode;

namespace {

std::string printfFixed3(float v) {
  char text[512];
  std::snprintf(text, sizeof text, "%.3f", double(v));
  return text;
}

std::string ownFixed3(float v) {
  char text[tinyscope::agent::kFixed3Chars + 1];
  const size_t n = tinyscope::agent::formatFixed3(v, text);
  EXPECT_EQ(n, std::strlen(text));
  return text;
}

TEST(DutFormat, Fixed3PrintsWhatPrintfPrintsForEveryKindOfFloat) {
  // Ties at the third decimal (exact in binary), their neighbours, zeros, subnormals, specials.
  const float special[] = {0.0f,    -0.0f,      0.0625f,        0.1875f, -0.0625f, 0.0005f,
                           0.0015f, 1.0f,       0.99951171875f, 2.5e-4f, 1e-45f,   -1e-45f,
                           1e-38f,  8388608.5f, 16777216.0f,    1e19f,   1.8e19f};
  for (float v : special) EXPECT_EQ(ownFixed3(v), printfFixed3(v)) << v;
  EXPECT_EQ(ownFixed3(1e30f), "18446744073709551615.000");  // beyond 2^64: saturated
  EXPECT_EQ(ownFixed3(-INFINITY), "-inf");
  for (int q = -128; q <= 127; ++q) {
    // Softmax outputs: scale 1/256, zero point -128 (many exact ties).
    const float v = static_cast<float>(q + 128) * 0.00390625f;
    EXPECT_EQ(ownFixed3(v), printfFixed3(v)) << q;
  }
  std::mt19937 rng(7);
  int compared = 0;
  for (int i = 0; i < 2000000; ++i) {
    const uint32_t bits = uint32_t(rng());
    float v;
    std::memcpy(&v, &bits, sizeof v);
    if (std::isnan(v) || std::fabs(v) >= 1.8e19f) continue;  // glibc's NaN sign and saturation
    ASSERT_EQ(ownFixed3(v), printfFixed3(v)) << "bits 0x" << std::hex << bits;
    ++compared;
  }
  EXPECT_GT(compared, 1400000);
  std::uniform_real_distribution<float> unit(-2.0f, 2.0f);
  for (int i = 0; i < 500000; ++i) {
    const float v = unit(rng);
    ASSERT_EQ(ownFixed3(v), printfFixed3(v)) << v;
  }
}

class DutModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_hal::reset(2, 64 * 1024);
    tinyscope::runner::kernels::addAllOps(m_resolver);
    m_arena.resize(256 * 1024);
    m_db.resize(DutMode::kReferenceDbBytes);
  }

  void boot() {
    DutConfig c;
    c.resolver = &m_resolver;
    c.arena = proto::ByteSpan(m_arena.data(), m_arena.size());
    c.dbBuffer = proto::ByteSpan(m_db.data(), m_db.size());
    c.vendor = "test";
    m_dut = std::make_unique<DutMode>(c);
    m_dut->begin();
  }

  // Everything the DUT sent since the last call.
  std::string sent() {
    auto& s = fake_hal::state();
    std::string text(s.drained.begin(), s.drained.end());
    text.append(s.wire.begin(), s.wire.end());
    s.drained.clear();
    s.wire.clear();
    return text;
  }

  // Feeds `text`, `chunk` bytes per poll(), and returns what came back.
  std::string talk(const std::string& text, size_t chunk = SIZE_MAX) {
    for (size_t at = 0; at < text.size(); at += chunk) {
      const std::string part = text.substr(at, chunk);
      fake_hal::state().rx.insert(fake_hal::state().rx.end(), part.begin(), part.end());
      while (m_dut->poll()) {}
    }
    return sent();
  }

  bool preload(const char* name) {
    const std::string path = std::string(TINYSCOPE_SHARED_DIR) + "/models/" + name;
    if (!agent_test::fileExists(path)) return false;
    const std::vector<uint8_t> model = agent_test::readFile(path);
    std::vector<uint8_t>& slot = fake_hal::state().slots[0];
    if (model.size() + 32 > slot.size()) slot.resize(model.size() + 32);
    tinyscope::agent::hal::makeSlotHeader(uint32_t(model.size()),
                                          tinyscope::agent::hal::crc32(model.data(), model.size()),
                                          slot.data());
    std::copy(model.begin(), model.end(), slot.begin() + 32);
    return true;
  }

  tinyscope::runner::AllOpsResolver m_resolver;
  std::vector<uint8_t> m_arena;
  std::vector<uint8_t> m_db;
  std::unique_ptr<DutMode> m_dut;
};

TEST_F(DutModeTest, BootBannerThenTheSameAnswersHoweverTheCommandsAreSplit) {
  boot();
  const std::string banner = sent();
  EXPECT_EQ(banner.rfind("m-timestamp-mode-performance\r\nm-lap-us-", 0), 0u) << banner;
  EXPECT_NE(banner.find("\r\nm-init-done\r\nm-ready\r\n"), std::string::npos) << banner;

  const std::string script =
      "name%profile%db load 3%db 0a0B0c%db print%infer 1 0%results%\r\nbogus%%";
  const std::string expected =
      "m-name-dut-[test]\r\nm-ready\r\n"
      "m-profile-[ULPMark for tinyML Firmware V0.0.1]\r\nm-model-[none]\r\nm-ready\r\n"
      "m-[Expecting 3 bytes]\r\nm-ready\r\n"
      "m-load-done\r\nm-ready\r\n"
      "m-buffer-0a-0b-0c\r\nm-ready\r\n"
      "e-[No model: no slot holds a valid one]\r\nm-ready\r\n"
      "e-[No results: no inference has run]\r\nm-ready\r\n"
      "e-[Unknown command: bogus]\r\nm-ready\r\n"
      "m-ready\r\n";
  for (size_t chunk = 1; chunk <= script.size(); ++chunk) {
    ASSERT_EQ(talk(script, chunk), expected) << "split every " << chunk << " bytes";
  }
  EXPECT_EQ(m_dut->counters().commands, 9u * script.size());
}

TEST_F(DutModeTest, ALinkThatTakesNothingDropsTheReplyAfterTheStallTimeout) {
  boot();
  sent();
  fake_hal::state().txCapacity = 4;  // the host stopped reading
  fake_hal::state().drainOnWait = false;
  const uint64_t before = fake_hal::state().nowUs;
  fake_hal::state().rx.insert(fake_hal::state().rx.end(), {'n', 'a', 'm', 'e', '%'});
  m_dut->poll();
  EXPECT_GT(m_dut->counters().bytesLost, 0u);
  EXPECT_GE(fake_hal::state().nowUs - before, 2000000u);  // waited the timeout once...
  EXPECT_LT(fake_hal::state().nowUs - before, 2100000u);  // ...then dropped the rest at once
  fake_hal::state().txCapacity = 1 << 20;
  fake_hal::state().drainOnWait = true;
  sent();
  EXPECT_EQ(talk("name%"), "m-name-dut-[test]\r\nm-ready\r\n");
}

TEST_F(DutModeTest, RepeatedRunsOnOneLoadGiveTheSameResults) {
  if (!preload("kws_ref_model.tflite")) GTEST_SKIP() << "../shared/models is missing";
  boot();
  sent();
  EXPECT_NE(talk("profile%").find("m-model-[kws01]"), std::string::npos);
  std::mt19937 rng(3);
  std::string load = "db load 490%";
  for (int i = 0; i < 490; i += 31) {
    load += "db ";
    for (int k = i; k < i + 31 && k < 490; ++k) {
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02x", unsigned(rng() & 0xFF));
      load += hex;
    }
    load += "%";
  }
  EXPECT_NE(talk(load).find("m-load-done\r\nm-ready\r\n"), std::string::npos);
  auto resultsOf = [](const std::string& answer) {
    const size_t at = answer.find("m-results-[");
    return at == std::string::npos ? std::string() : answer.substr(at, answer.find('\n', at) - at);
  };
  const std::string once = talk("infer 1 0%");
  EXPECT_EQ(once.rfind("m-warmup-start-0\r\nm-warmup-done\r\nm-infer-start-1\r\nm-lap-us-", 0), 0u)
      << once;
  ASSERT_FALSE(resultsOf(once).empty()) << once;
  const std::string again = talk("infer 4 3%");
  EXPECT_EQ(resultsOf(again), resultsOf(once));
  EXPECT_EQ(talk("results%"), resultsOf(once) + "\nm-ready\r\n");
  EXPECT_EQ(m_dut->counters().inferences, 5u);
}

}  // namespace
