#include "device_protocol/crc32.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace tinyscope::proto;

namespace {
ConstByteSpan text(const char* s) {
  return ConstByteSpan(reinterpret_cast<const uint8_t*>(s), std::strlen(s));
}
}  // namespace

TEST(Crc32, StandardCheckValue) {
  EXPECT_EQ(crc32(text("123456789")), 0xCBF43926u);
}

TEST(Crc32, EmptyInputIsZero) {
  EXPECT_EQ(crc32(ConstByteSpan()), 0u);
}

TEST(Crc32, KnownVectors) {
  EXPECT_EQ(crc32(text("a")), 0xE8B7BE43u);
  EXPECT_EQ(crc32(text("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32, IncrementalEqualsOneShotAtEverySplit) {
  const ConstByteSpan all = text("The quick brown fox jumps over the lazy dog");
  for (size_t split = 0; split <= all.size(); ++split) {
    Crc32 crc;
    crc.update(all.first(split));
    crc.update(all.subspan(split));
    EXPECT_EQ(crc.value(), 0x414FA339u) << "split " << split;
  }
  Crc32 bytewise;
  for (uint8_t b : all) {
    bytewise.update(b);
  }
  EXPECT_EQ(bytewise.value(), 0x414FA339u);
  bytewise.reset();
  EXPECT_EQ(bytewise.value(), 0u);
}
