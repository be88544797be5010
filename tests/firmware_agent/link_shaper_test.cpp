// Link shaping of the host agent without a clock: BytePacer on a synthetic timeline (the
// wire rate holds exactly over a long transfer, no credit is banked while idle) and
// LinkFaultStream on framed byte streams (seeded, rates as asked, frames dropped whole).
#include <gtest/gtest.h>

#include <vector>

#include "link_shaper.h"

using tinyscope::agent::host::BytePacer;
using tinyscope::agent::host::LinkFaults;
using tinyscope::agent::host::LinkFaultStream;

namespace {

// Frames of `frameBytes` non-zero bytes, each ended by a 0x00 delimiter.
std::vector<uint8_t> frames(size_t count, size_t frameBytes) {
  std::vector<uint8_t> out;
  for (size_t f = 0; f < count; ++f) {
    for (size_t i = 0; i < frameBytes; ++i) out.push_back(uint8_t(1 + (f + i) % 255));
    out.push_back(0);
  }
  return out;
}

}  // namespace

TEST(BytePacer, DeliversAtTheWireRateOverALongTransferWithoutBankingIdleTime) {
  BytePacer pacer;
  pacer.start(92160);  // 921600 baud, 8N1
  uint64_t now = 1000000;
  pacer.markPending(now);
  // One million bytes handed over whenever allowed, polled every 700 us (jittery wake-ups).
  uint64_t moved = 0;
  while (moved < 1000000) {
    now += 700;
    const size_t n = pacer.allowance(now);
    pacer.consume(n);
    moved += n;
  }
  const double seconds = double(now - 1000000) / 1e6;
  EXPECT_NEAR(double(moved) / seconds, 92160.0, 92160.0 * 0.001);
  // Idle for a second, then new bytes: nothing is banked, the first takes one byte time.
  now += 1000000;
  pacer.markPending(now);
  EXPECT_EQ(pacer.allowance(now), 0u);
  EXPECT_EQ(pacer.allowance(now + 11), 1u);
  BytePacer fresh;
  fresh.start(11520);  // 115200 baud
  fresh.markPending(5000000);
  EXPECT_EQ(fresh.allowance(5000000), 0u);
  EXPECT_EQ(fresh.waitUs(5000000), 87u);  // 1/11520 s, rounded up
  EXPECT_EQ(fresh.allowance(5000087), 1u);
  fresh.consume(1);
  now = 5000087 + 2000000;  // idle long after its last byte
  fresh.markPending(now);
  EXPECT_EQ(fresh.allowance(now), 0u);
  EXPECT_EQ(fresh.allowance(now + 1000000), 11520u);
}

TEST(BytePacer, UnlimitedMovesEverything) {
  BytePacer pacer;
  pacer.start(0);
  EXPECT_FALSE(pacer.limited());
  EXPECT_EQ(pacer.allowance(0), SIZE_MAX);
  EXPECT_EQ(pacer.waitUs(0), 0u);
}

TEST(LinkFaultStream, CorruptsBytesAtTheAskedRateAndTheSameSeedGivesTheSameFaults) {
  LinkFaults faults;
  faults.byteErrorRate = 0.01;
  faults.seed = 42;
  const std::vector<uint8_t> sent = frames(2000, 99);  // 200,000 bytes
  std::vector<uint8_t> a = sent;
  std::vector<uint8_t> b = sent;
  LinkFaultStream sa, sb, other;
  sa.reset(faults, 0);
  sb.reset(faults, 0);
  other.reset(faults, 1);  // the other direction
  uint64_t stall = 0;
  ASSERT_EQ(sa.apply(a.data(), a.size(), &stall), sent.size());
  ASSERT_EQ(sb.apply(b.data(), b.size(), &stall), sent.size());
  EXPECT_EQ(a, b);
  std::vector<uint8_t> c = sent;
  other.apply(c.data(), c.size(), &stall);
  EXPECT_NE(a, c);
  size_t differ = 0;
  for (size_t i = 0; i < sent.size(); ++i) {
    if (a[i] != sent[i]) {
      ++differ;
      EXPECT_EQ(__builtin_popcount(unsigned(a[i] ^ sent[i])), 1);  // one bit flipped
    }
  }
  EXPECT_EQ(differ, sa.bytesCorrupted());
  EXPECT_NEAR(double(differ) / double(sent.size()), 0.01, 0.001);
  EXPECT_EQ(stall, 0u);
}

TEST(LinkFaultStream, DropsWholeFramesAndStallsAtFrameStarts) {
  LinkFaults faults;
  faults.dropRate = 0.1;
  faults.stallRate = 0.05;
  faults.stallMs = 20;
  faults.seed = 7;
  const std::vector<uint8_t> sent = frames(5000, 30);
  std::vector<uint8_t> got = sent;
  LinkFaultStream s;
  s.reset(faults, 0);
  uint64_t stallMs = 0;
  // Fed in odd-sized blocks: frame state carries across calls.
  size_t kept = 0;
  for (size_t at = 0; at < got.size(); at += 77) {
    const size_t n = at + 77 <= got.size() ? 77 : got.size() - at;
    std::vector<uint8_t> block(got.begin() + long(at), got.begin() + long(at + n));
    const size_t k = s.apply(block.data(), n, &stallMs);
    std::copy(block.begin(), block.begin() + long(k), got.begin() + long(kept));
    kept += k;
  }
  got.resize(kept);
  // Every frame that arrives is a whole, unchanged frame of the input (31 bytes each).
  ASSERT_EQ(got.size() % 31, 0u);
  const size_t arrived = got.size() / 31;
  EXPECT_EQ(arrived + s.framesDropped(), 5000u);
  EXPECT_NEAR(double(s.framesDropped()) / 5000.0, 0.1, 0.02);
  for (size_t f = 0; f < arrived; ++f) {
    EXPECT_EQ(got[f * 31 + 30], 0);
    const uint8_t first = got[f * 31];
    for (size_t i = 1; i < 30; ++i) ASSERT_EQ(got[f * 31 + i], uint8_t(1 + (first - 1 + i) % 255));
  }
  EXPECT_EQ(stallMs, s.stalls() * 20);
  EXPECT_NEAR(double(s.stalls()) / 5000.0, 0.05, 0.015);
}
