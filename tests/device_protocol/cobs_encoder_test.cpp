#include "device_protocol/cobs_encoder.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <random>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

namespace {

Bytes cobs(const Bytes& raw) {
  Bytes out(cobsMaxEncodedSize(raw.size()));
  const size_t n = cobsEncode(view(raw), mut(out));
  out.resize(n);
  return out;
}

Bytes range(int from, int to) {  // inclusive
  Bytes b;
  for (int v = from; v <= to; ++v) {
    b.push_back(static_cast<uint8_t>(v));
  }
  return b;
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// The reference examples (Cheshire & Baker; the Wikipedia article's table).
TEST(CobsEncoder, ReferenceExamples) {
  EXPECT_EQ(cobs({0x00}), (Bytes{0x01, 0x01}));
  EXPECT_EQ(cobs({0x00, 0x00}), (Bytes{0x01, 0x01, 0x01}));
  EXPECT_EQ(cobs({0x00, 0x11, 0x00}), (Bytes{0x01, 0x02, 0x11, 0x01}));
  EXPECT_EQ(cobs({0x11, 0x22, 0x00, 0x33}), (Bytes{0x03, 0x11, 0x22, 0x02, 0x33}));
  EXPECT_EQ(cobs({0x11, 0x22, 0x33, 0x44}), (Bytes{0x05, 0x11, 0x22, 0x33, 0x44}));
  EXPECT_EQ(cobs({0x11, 0x00, 0x00, 0x00}), (Bytes{0x02, 0x11, 0x01, 0x01, 0x01}));
  EXPECT_EQ(cobs(range(0x01, 0xFE)), cat({0xFF}, range(0x01, 0xFE)));
  EXPECT_EQ(cobs(cat({0x00}, range(0x01, 0xFE))), cat({0x01, 0xFF}, range(0x01, 0xFE)));
  EXPECT_EQ(cobs(range(0x01, 0xFF)), cat(cat({0xFF}, range(0x01, 0xFE)), {0x02, 0xFF}));
  EXPECT_EQ(cobs(cat(range(0x02, 0xFF), {0x00})),
            cat(cat({0xFF}, range(0x02, 0xFF)), {0x01, 0x01}));
  EXPECT_EQ(cobs(cat(range(0x03, 0xFF), {0x00, 0x01})),
            cat(cat({0xFE}, range(0x03, 0xFF)), {0x02, 0x01}));
  EXPECT_EQ(cobs({}), (Bytes{0x01}));
}

TEST(CobsEncoder, NeverEmitsZeroAndStaysWithinTheBound) {
  std::mt19937 rng(7);
  for (size_t n = 0; n < 1200; n += (n < 600 ? 1 : 37)) {
    Bytes raw(n);
    for (auto& b : raw) {
      b = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
    }
    const Bytes enc = cobs(raw);
    ASSERT_FALSE(enc.empty());
    EXPECT_LE(enc.size(), cobsMaxEncodedSize(n));
    for (uint8_t b : enc) {
      ASSERT_NE(b, 0);
    }
  }
}

TEST(CobsEncoder, RefusesAShortOutput) {
  const Bytes raw = range(1, 100);
  for (size_t cap = 0; cap < 101; ++cap) {
    Bytes out(cap);
    EXPECT_EQ(cobsEncode(view(raw), mut(out)), 0u) << cap;
  }
  Bytes out(101);
  EXPECT_EQ(cobsEncode(view(raw), mut(out)), 101u);
}
