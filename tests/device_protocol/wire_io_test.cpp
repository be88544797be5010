#include "device_protocol/wire_reader.h"
#include "device_protocol/wire_writer.h"

#include "test_util.h"

#include <gtest/gtest.h>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

TEST(WireWriter, WritesLittleEndianByteByByte) {
  Bytes out(32);
  WireWriter w(mut(out));
  w.u8(0xAB);
  w.u16(0x1234);
  w.u32(0xDEADBEEF);
  w.u64(0x0102030405060708ull);
  w.i32(-2);
  w.f32(1.0f);
  ASSERT_TRUE(w.ok());
  out.resize(w.size());
  EXPECT_EQ(out, (Bytes{0xAB, 0x34, 0x12, 0xEF, 0xBE, 0xAD, 0xDE, 0x08, 0x07, 0x06, 0x05, 0x04,
                        0x03, 0x02, 0x01, 0xFE, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x80, 0x3F}));
}

TEST(WireWriter, FailsWithoutWritingPastTheEndAndStaysFailed) {
  Bytes out(5, 0xCC);
  WireWriter w(ByteSpan(out.data(), 3));
  w.u16(0x1111);
  w.u16(0x2222);  // needs bytes 2..3: refused
  EXPECT_EQ(w.status(), Status::kBufferTooSmall);
  w.u8(0x33);  // would fit, but errors are sticky
  EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(out, (Bytes{0x11, 0x11, 0xCC, 0xCC, 0xCC}));
  w.fail(Status::kOutOfRange);
  EXPECT_EQ(w.status(), Status::kBufferTooSmall);  // the first error wins
}

TEST(WireReader, ReadsWhatTheWriterWrote) {
  Bytes out(64);
  WireWriter w(mut(out));
  w.u8(7);
  w.u16(0xFFFF);
  w.u32(0x80000000u);
  w.u64(~0ull);
  w.i32(-2147483647 - 1);
  w.i32(123456);
  w.f32(-0.125f);
  const Bytes blob{9, 8, 7};
  w.bytes(view(blob));
  ASSERT_TRUE(w.ok());

  WireReader r(w.written());
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  int32_t e = 0, f = 0;
  float g = 0;
  ConstByteSpan h;
  r.u8(a);
  r.u16(b);
  r.u32(c);
  r.u64(d);
  r.i32(e);
  r.i32(f);
  r.f32(g);
  r.bytes(3, h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 0xFFFF);
  EXPECT_EQ(c, 0x80000000u);
  EXPECT_EQ(d, ~0ull);
  EXPECT_EQ(e, -2147483647 - 1);
  EXPECT_EQ(f, 123456);
  EXPECT_EQ(g, -0.125f);
  EXPECT_EQ(bytesOf(h), blob);
  EXPECT_EQ(h.data(), w.written().data() + 27);  // a view, not a copy
}

TEST(WireReader, ReadingPastTheEndIsTruncatedAndYieldsZeros) {
  const Bytes in{0x01, 0x02, 0x03};
  WireReader r(view(in));
  uint16_t a = 0;
  uint32_t b = 99;
  uint8_t c = 99;
  r.u16(a);
  r.u32(b);
  r.u8(c);  // one byte is left, but the reader has already failed
  EXPECT_EQ(a, 0x0201);
  EXPECT_EQ(b, 0u);
  EXPECT_EQ(c, 0u);
  EXPECT_EQ(r.status(), Status::kTruncated);
  EXPECT_EQ(r.position(), 2u);
  ConstByteSpan v;
  r.bytes(1, v);
  EXPECT_TRUE(v.empty());
}

TEST(WireReader, HugeLengthsDoNotWrap) {
  const Bytes in(8);
  WireReader r(view(in));
  ConstByteSpan v;
  r.bytes(static_cast<size_t>(-1), v);
  EXPECT_EQ(r.status(), Status::kTruncated);
}
