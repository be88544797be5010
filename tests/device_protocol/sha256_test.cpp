#include "device_protocol/sha256.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace tinyscope::proto;

namespace {
ConstByteSpan text(const char* s) {
  return ConstByteSpan(reinterpret_cast<const uint8_t*>(s), std::strlen(s));
}
std::string hex(const Sha256Digest& d) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d.bytes) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}
}  // namespace

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
TEST(Sha256, NistVectors) {
  EXPECT_EQ(hex(sha256(text(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256(text("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(text("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijk"
                            "lmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, NistMillionA) {
  const std::vector<uint8_t> a(1000000, 'a');
  Sha256 h;
  for (size_t off = 0; off < a.size(); off += 999)  // odd pieces cross every block edge
    h.update(ConstByteSpan(a.data() + off, std::min<size_t>(999, a.size() - off)));
  EXPECT_EQ(hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShotAtEverySplitAroundPadding) {
  // 55/56/63/64/65 bytes are the padding edge cases; split each at every offset.
  for (size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u}) {
    std::vector<uint8_t> m(len);
    for (size_t i = 0; i < len; ++i) m[i] = static_cast<uint8_t>(i * 7 + 3);
    const Sha256Digest whole = sha256(ConstByteSpan(m.data(), m.size()));
    for (size_t split = 0; split <= len; ++split) {
      Sha256 h;
      h.update(ConstByteSpan(m.data(), split));
      h.update(ConstByteSpan(m.data() + split, len - split));
      EXPECT_EQ(h.finish(), whole) << "len " << len << " split " << split;
    }
  }
}

TEST(Sha256, FinishResetsForTheNextMessage) {
  Sha256 h;
  h.update(text("garbage"));
  (void)h.finish();
  h.update(text("abc"));
  EXPECT_EQ(hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, DigestsDifferingInOneBitCompareUnequal) {
  Sha256Digest a = sha256(text("abc"));
  for (size_t i = 0; i < kSha256Size; ++i) {
    Sha256Digest b = a;
    b.bytes[i] ^= 0x80;
    EXPECT_NE(a, b);
  }
}
