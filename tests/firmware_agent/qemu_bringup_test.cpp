// The Cortex-M4 bring-up image booted in a real QEMU board, driven over its UART pty:
// handshake, streamed echo far beyond the ring sizes (with back-pressure), uptime, model
// slots (preloaded with -device loader and written at run time), the sample timer,
// semihosting exit codes and the no-semihosting guard.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hal.h"
#include "qemu_board.h"

namespace {

using namespace std::chrono_literals;
using tinyscope::test::le32;
using tinyscope::test::le64;
using tinyscope::test::QemuBoard;
using tinyscope::test::QemuOptions;
namespace hal = tinyscope::agent::hal;

std::string imagePath(const std::string& board) {
  return std::string(TINYSCOPE_FIRMWARE_DIR) + "/" + board + "/tinyscope-agent-bringup.elf";
}

std::string whyNoQemu(const std::string& board) {
  if (std::string(TINYSCOPE_FIRMWARE_DIR).empty())
    return "no firmware images: arm-none-eabi-g++ not found at configure time or "
           "TINYSCOPE_BUILD_FIRMWARE=OFF";
  if (access(imagePath(board).c_str(), R_OK) != 0) return "missing image " + imagePath(board);
  if (std::system("command -v qemu-system-arm >/dev/null 2>&1") != 0)
    return "qemu-system-arm is not installed";
  return {};
}

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sharedModel(const char* name) {
  return std::string(TINYSCOPE_SHARED_DIR) + "/models/" + name;
}

struct TimeReport {
  uint64_t micros;
  uint64_t ticks;
  uint32_t ticksPerSecond;
};

TimeReport askTime(QemuBoard& board) {
  EXPECT_EQ(board.writeSome(reinterpret_cast<const uint8_t*>("T"), 1), 1u);
  std::vector<uint8_t> r;
  EXPECT_TRUE(board.readExact(21, r));
  if (r.size() != 21 || r[0] != 'T') return {0, 0, 0};
  return {le64(&r[1]), le64(&r[9]), le32(&r[17])};
}

struct Counters {
  uint32_t rxBytes, txBytes, rxStalls, rxOverruns;
};

Counters askCounters(QemuBoard& board) {
  board.writeSome(reinterpret_cast<const uint8_t*>("C"), 1);
  std::vector<uint8_t> r;
  EXPECT_TRUE(board.readExact(17, r));
  if (r.size() != 17 || r[0] != 'c') return {0, 0, 0, 0};
  return {le32(&r[1]), le32(&r[5]), le32(&r[9]), le32(&r[13])};
}

struct SlotReport {
  uint32_t base, capacity;
  hal::Status status;
  uint32_t size, crc;
};

std::vector<SlotReport> askSlots(QemuBoard& board) {
  board.writeSome(reinterpret_cast<const uint8_t*>("S"), 1);
  std::vector<uint8_t> head;
  if (!board.readExact(2, head, 20s) || head[0] != 's') return {};
  std::vector<SlotReport> slots;
  for (uint8_t i = 0; i < head[1]; ++i) {
    std::vector<uint8_t> e;
    if (!board.readExact(17, e, 20s)) return {};
    slots.push_back({le32(&e[0]), le32(&e[4]), hal::Status(e[8]), le32(&e[9]), le32(&e[13])});
  }
  return slots;
}

// Streams `payload` through the 'E' command with the host writing and reading at once;
// optionally stops reading for a while so the firmware's rings fill and it throttles.
std::vector<uint8_t> echo(QemuBoard& board, const std::vector<uint8_t>& payload,
                          std::chrono::milliseconds pauseReading, double* bytesPerSecond) {
  const auto start = std::chrono::steady_clock::now();
  const uint8_t header[3] = {'E', uint8_t(payload.size()), uint8_t(payload.size() >> 8)};
  EXPECT_EQ(board.writeSome(header, 3), 3u);
  std::vector<uint8_t> got;
  size_t sent = 0;
  const auto deadline = start + 60s;
  const auto resumeReading = start + pauseReading;
  const auto complete = [&] {
    return got.size() >= payload.size() + 3 + (!got.empty() && got[0] == 'z' ? 1 : 0);
  };
  while (!complete() && std::chrono::steady_clock::now() < deadline) {
    if (sent < payload.size())
      sent += board.writeSome(payload.data() + sent, std::min<size_t>(512, payload.size() - sent));
    if (std::chrono::steady_clock::now() >= resumeReading)
      board.readSome(got, 5ms);
    else
      std::this_thread::sleep_for(5ms);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (bytesPerSecond) *bytesPerSecond = double(payload.size()) / seconds;
  if (!got.empty() && got[0] == 'z') got.erase(got.begin());  // reply to a preceding 'Z'
  EXPECT_EQ(got.size(), payload.size() + 3);
  if (got.size() < 3) return {};
  EXPECT_EQ(got[0], 'e');
  EXPECT_EQ(got[1] | got[2] << 8, int(payload.size()));
  return {got.begin() + 3, got.end()};
}

std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = uint8_t(rng());
  return v;
}

class QemuBringup : public ::testing::Test {
 protected:
  void boot(QemuOptions options) {
    const std::string why = whyNoQemu(options.board);
    if (!why.empty()) GTEST_SKIP() << why;
    options.image = imagePath(options.board);
    ASSERT_TRUE(m_board.start(options)) << m_board.error();
    ASSERT_TRUE(m_board.handshake()) << m_board.error() << "\n" << m_board.consoleOutput();
  }
  void TearDown() override { m_board.stop(); }
  QemuBoard m_board;
};

TEST_F(QemuBringup, Mps2EchoesPayloadsLargerThanTheRings) {
  boot({});
  if (IsSkipped() || HasFatalFailure()) return;
  // 1 KiB rings: 12 KiB in 512-byte chunks, written while the host reads concurrently.
  const auto payload = randomBytes(12 * 1024, 1);
  double rate = 0;
  EXPECT_EQ(echo(m_board, payload, 0ms, &rate), payload);
  RecordProperty("echo_bytes_per_second", std::to_string(int(rate)));
  std::printf("[          ] mps2-an386 echo throughput: %.1f KiB/s each way\n", rate / 1024);
  const Counters c = askCounters(m_board);
  EXPECT_EQ(c.rxOverruns, 0u);
  EXPECT_GE(c.rxBytes, payload.size());
  EXPECT_GE(c.txBytes, payload.size());
}

TEST_F(QemuBringup, Mps2ThrottlesInsteadOfDroppingWhenTheHostStopsReading) {
  boot({});
  if (IsSkipped() || HasFatalFailure()) return;
  // The firmware stops draining the link for 700 ms (as during a long inference) while
  // the host streams 6 KiB: the 1 KiB RX ring fills and the receiver is throttled, which
  // holds the rest back in QEMU/the pty. Nothing may be lost.
  const uint8_t busy[3] = {'Z', uint8_t(700 & 0xFF), uint8_t(700 >> 8)};
  ASSERT_EQ(m_board.writeSome(busy, 3), 3u);
  const auto payload = randomBytes(6 * 1024, 2);
  const auto echoed = echo(m_board, payload, 0ms, nullptr);
  // The 'z' that ends the busy wait comes first.
  ASSERT_FALSE(echoed.empty());
  EXPECT_EQ(echoed, payload);
  const Counters c = askCounters(m_board);
  EXPECT_GT(c.rxStalls, 0u) << "the RX ring never filled: the test did not exercise throttling";
  EXPECT_EQ(c.rxOverruns, 0u);
}

TEST_F(QemuBringup, Mps2UptimeIncreasesWithTheSysTickClock) {
  boot({});
  if (IsSkipped() || HasFatalFailure()) return;
  const TimeReport a = askTime(m_board);
  const auto hostStart = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(300ms);
  const TimeReport b = askTime(m_board);
  const double hostMicros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - hostStart)
          .count();
  EXPECT_EQ(a.ticksPerSecond, 25000000u);
  ASSERT_GT(b.micros, a.micros);
  const double deviceMicros = double(b.micros - a.micros);
  EXPECT_GT(deviceMicros, 250000.0);
  EXPECT_LT(deviceMicros, hostMicros + 200000.0);
  // micros and ticks are one clock.
  EXPECT_NEAR(double(b.ticks - a.ticks) / 25.0, deviceMicros, 2000.0);
}

TEST_F(QemuBringup, Mps2SeesTheModelPreloadedIntoSlot0) {
  const std::string model = sharedModel("person_detect.tflite");
  if (access(model.c_str(), R_OK) != 0) GTEST_SKIP() << "missing " << model;
  QemuOptions options;
  options.model = model;
  boot(options);
  if (IsSkipped() || HasFatalFailure()) return;
  const auto bytes = readFile(model);
  const auto slots = askSlots(m_board);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].base, 0x21000000u);
  EXPECT_EQ(slots[0].capacity, 4u << 20);
  EXPECT_EQ(slots[0].status, hal::Status::kOk) << hal::statusMessage(slots[0].status);
  EXPECT_EQ(slots[0].size, bytes.size());
  EXPECT_EQ(slots[0].crc, hal::crc32(bytes.data(), bytes.size()));
  EXPECT_EQ(slots[1].base, 0x21400000u);
  EXPECT_EQ(slots[1].status, hal::Status::kBadHeader);
}

TEST_F(QemuBringup, Mps2WritesAModelIntoSlot1AtRunTime) {
  boot({});
  if (IsSkipped() || HasFatalFailure()) return;
  const auto model = randomBytes(5000, 3);
  std::vector<uint8_t> command(4 + model.size());
  command[0] = 'W';
  command[1] = 1;
  command[2] = uint8_t(model.size());
  command[3] = uint8_t(model.size() >> 8);
  std::copy(model.begin(), model.end(), command.begin() + 4);
  ASSERT_TRUE(m_board.writeAll(command));
  std::vector<uint8_t> reply;
  ASSERT_TRUE(m_board.readExact(2, reply));
  EXPECT_EQ(reply[0], 'w');
  EXPECT_EQ(hal::Status(reply[1]), hal::Status::kOk) << hal::statusMessage(hal::Status(reply[1]));
  const auto slots = askSlots(m_board);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[1].status, hal::Status::kOk);
  EXPECT_EQ(slots[1].size, model.size());
  EXPECT_EQ(slots[1].crc, hal::crc32(model.data(), model.size()));
}

TEST_F(QemuBringup, Mps2SampleTimerRunsAtTheRequestedRate) {
  QemuOptions options;
  options.icount = true;  // virtual time: the count is exact, not host-load dependent
  boot(options);
  if (IsSkipped() || HasFatalFailure()) return;
  const uint32_t hz = 2000;
  const uint8_t start[5] = {'P', uint8_t(hz), uint8_t(hz >> 8), 0, 0};
  m_board.writeSome(start, 5);
  std::vector<uint8_t> reply;
  ASSERT_TRUE(m_board.readExact(2, reply));
  EXPECT_EQ(reply[1], uint8_t(hal::Status::kOk));
  std::this_thread::sleep_for(500ms);
  m_board.writeSome(reinterpret_cast<const uint8_t*>("Q"), 1);
  reply.clear();
  ASSERT_TRUE(m_board.readExact(13, reply));
  const uint32_t samples = le32(&reply[1]);
  const uint64_t elapsed = le64(&reply[5]);
  ASSERT_GT(elapsed, 0u);
  const double measuredHz = double(samples) * 1e6 / double(elapsed);
  EXPECT_NEAR(measuredHz, double(hz), hz * 0.01 + 4.0)
      << samples << " samples in " << elapsed << " us";
}

TEST_F(QemuBringup, Mps2SemihostingExitEndsQemuWithTheCode) {
  boot({});
  if (IsSkipped() || HasFatalFailure()) return;
  const uint8_t exitCommand[2] = {'X', 42};
  m_board.writeSome(exitCommand, 2);
  EXPECT_EQ(m_board.waitExit(10s), 42);
}

TEST_F(QemuBringup, Mps2RunsWithoutSemihostingAndReportsFatalOnTheUart) {
  QemuOptions options;
  options.semihosting = false;
  boot(options);
  if (IsSkipped() || HasFatalFailure()) return;
  const uint8_t exitCommand[2] = {'X', 42};
  m_board.writeSome(exitCommand, 2);
  std::vector<uint8_t> reply;
  ASSERT_TRUE(m_board.readExact(1, reply));
  EXPECT_EQ(reply[0], 'x') << "semihosting exit must return when there is no semihosting";
  m_board.writeSome(reinterpret_cast<const uint8_t*>("F"), 1);
  reply.clear();
  const std::string expected = "\nFATAL 0x00000bad requested by host\n";
  ASSERT_TRUE(m_board.readExact(expected.size(), reply));
  EXPECT_EQ(std::string(reply.begin(), reply.end()), expected);
}

TEST_F(QemuBringup, Netduinoplus2EchoesAndSeesItsPreloadedFlashSlot) {
  const std::string model = sharedModel("person_detect.tflite");
  QemuOptions options;
  options.board = "netduinoplus2";
  if (access(model.c_str(), R_OK) == 0) options.model = model;
  boot(options);
  if (IsSkipped() || HasFatalFailure()) return;
  // 512-byte rings on this board.
  const auto payload = randomBytes(4096, 4);
  double rate = 0;
  EXPECT_EQ(echo(m_board, payload, 0ms, &rate), payload);
  std::printf("[          ] netduinoplus2 echo throughput: %.1f KiB/s each way\n", rate / 1024);
  EXPECT_EQ(askTime(m_board).ticksPerSecond, 168000000u);
  const auto slots = askSlots(m_board);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].base, 0x08040000u);
  EXPECT_EQ(slots[0].capacity, 384u * 1024);
  if (!options.model.empty()) {
    const auto bytes = readFile(model);
    EXPECT_EQ(slots[0].status, hal::Status::kOk) << hal::statusMessage(slots[0].status);
    EXPECT_EQ(slots[0].size, bytes.size());
    EXPECT_EQ(slots[0].crc, hal::crc32(bytes.data(), bytes.size()));
  }
  // Flash is preload-only under QEMU.
  const uint8_t write[5] = {'W', 1, 1, 0, 0x5A};
  m_board.writeSome(write, 5);
  std::vector<uint8_t> reply;
  ASSERT_TRUE(m_board.readExact(2, reply));
  EXPECT_EQ(hal::Status(reply[1]), hal::Status::kReadOnly);
}

}  // namespace
