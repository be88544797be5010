#include "device_protocol/frame_codec.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <random>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

// ---- Golden frames: expected bytes worked out by hand (CRC-32 values from zlib) -----------

// Empty payload: CRC-32("") = 0x00000000, so COBS stuffs four zeros.
TEST(FrameGolden, EmptyPayload) {
  EXPECT_EQ(frameOf({}), (Bytes{0x01, 0x01, 0x01, 0x01, 0x01, 0x00}));
}

// "123456789": CRC-32 0xCBF43926 -> 26 39 F4 CB; 13 non-zero bytes -> one block, code 0x0E.
TEST(FrameGolden, CheckString) {
  const Bytes payload{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(frameOf(payload), (Bytes{0x0E, '1', '2', '3', '4', '5', '6', '7', '8', '9', 0x26, 0x39,
                                     0xF4, 0xCB, 0x00}));
}

// StopStream{streamId 3}, header v1 seq 5 request 9: 01 11 05 00 09 00 03, CRC 0xADA9E0B1.
// Blocks: [01 11 05]0 [09]0 [03 B1 E0 A9 AD].
TEST(FrameGolden, StopStreamMessage) {
  const Bytes payload{0x01, 0x11, 0x05, 0x00, 0x09, 0x00, 0x03};
  const Bytes expected{0x04, 0x01, 0x11, 0x05, 0x02, 0x09, 0x06,
                       0x03, 0xB1, 0xE0, 0xA9, 0xAD, 0x00};
  EXPECT_EQ(frameOf(payload), expected);
  Bytes buffer(64);
  FrameDecoder d2(mut(buffer));
  const FrameDecodeResult r = d2.feed(view(expected));
  EXPECT_EQ(r.status, FrameStatus::kFrameReady);
  EXPECT_EQ(r.consumed, expected.size());
  EXPECT_EQ(bytesOf(d2.frame()), payload);
}

// Ack{FlashChunk, 0x200}, header v1 seq 42 request 7, CRC 0x03CE4907.
// Blocks: [01 40 2A]0 [07]0 [33]0 [02]0 []0 [07 49 CE 03].
TEST(FrameGolden, AckMessage) {
  const Bytes payload{0x01, 0x40, 0x2A, 0x00, 0x07, 0x00, 0x33, 0x00, 0x02, 0x00, 0x00};
  EXPECT_EQ(frameOf(payload), (Bytes{0x04, 0x01, 0x40, 0x2A, 0x02, 0x07, 0x02, 0x33, 0x02, 0x02,
                                     0x01, 0x05, 0x07, 0x49, 0xCE, 0x03, 0x00}));
}

// ---- Encoder ------------------------------------------------------------------------------

TEST(FrameEncoder, RefusesShortBuffers) {
  const Bytes payload(100, 0x55);
  const size_t need = frameOf(payload).size();
  for (size_t cap = 0; cap < need; ++cap) {
    Bytes out(cap);
    EXPECT_FALSE(FrameEncoder::encode(view(payload), mut(out)).ok) << cap;
  }
  Bytes out(need);
  const FrameEncodeResult r = FrameEncoder::encode(view(payload), mut(out));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.size, need);
}

TEST(FrameEncoder, InPlaceMatchesSeparateBuffers) {
  std::mt19937 rng(3);
  for (size_t n = 0; n < 1100; n += (n < 520 ? 1 : 29)) {
    Bytes payload(n);
    for (auto& b : payload) {
      b = static_cast<uint8_t>(rng() % 5 == 0 ? 0 : rng());
    }
    Bytes buffer(frameWireSize(n), 0xEE);
    const size_t offset = FrameEncoder::inPlaceOffset(n);
    ASSERT_LE(offset + n, buffer.size());
    std::copy(payload.begin(), payload.end(), buffer.begin() + static_cast<std::ptrdiff_t>(offset));
    const FrameEncodeResult r =
        FrameEncoder::encode(ConstByteSpan(buffer.data() + offset, n), mut(buffer));
    ASSERT_TRUE(r.ok);
    buffer.resize(r.size);
    EXPECT_EQ(buffer, frameOf(payload)) << n;
  }
}

TEST(FrameEncoder, WorstCaseSizeIsTheBound) {
  const Bytes payload(600, 0x11);
  EXPECT_LE(frameOf(payload).size(), frameWireSize(payload.size()));
}

// ---- Decoder ------------------------------------------------------------------------------

TEST(FrameDecoder, RoundTripsPayloadsOfEverySizeInEveryChunking) {
  std::mt19937 rng(11);
  Bytes stream;
  std::vector<Bytes> sent;
  for (size_t n = 0; n < 700; n += 1 + n / 8) {
    Bytes payload(n);
    for (auto& b : payload) {
      b = static_cast<uint8_t>(rng() % 3 == 0 ? 0 : rng());
    }
    const Bytes f = frameOf(payload);
    stream.insert(stream.end(), f.begin(), f.end());
    sent.push_back(payload);
  }
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{255},
                       size_t{4096}, stream.size()}) {
    Bytes buffer(frameDecodeBufferSize(700));
    FrameDecoder decoder(mut(buffer));
    EXPECT_EQ(decodeAll(decoder, stream, chunk), sent) << "chunk " << chunk;
    EXPECT_EQ(decoder.counters().framesOk, sent.size());
    EXPECT_EQ(decoder.counters().bytesDiscarded, 0u);
    EXPECT_FALSE(decoder.inFrame());
  }
}

TEST(FrameDecoder, SplitAtEveryOffset) {
  Bytes stream;
  std::vector<Bytes> sent = {
      {0x01, 0x00, 0x02}, Bytes(300, 0x7F), {}, {0x00, 0x00, 0x00, 0x00, 0x00}};
  for (const Bytes& p : sent) {
    const Bytes f = frameOf(p);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (size_t split = 0; split <= stream.size(); ++split) {
    Bytes buffer(frameDecodeBufferSize(300));
    FrameDecoder decoder(mut(buffer));
    std::vector<Bytes> got;
    for (ConstByteSpan part : {ConstByteSpan(stream.data(), split), view(stream).subspan(split)}) {
      while (!part.empty()) {
        const FrameDecodeResult r = decoder.feed(part);
        part = part.subspan(r.consumed);
        if (r.status == FrameStatus::kFrameReady) {
          got.push_back(bytesOf(decoder.frame()));
        }
      }
    }
    ASSERT_EQ(got, sent) << "split " << split;
  }
}

TEST(FrameDecoder, StopsRightAfterEachFrame) {
  const Bytes a = frameOf({1, 2, 3});
  const Bytes b = frameOf({4, 5});
  Bytes stream = a;
  stream.insert(stream.end(), b.begin(), b.end());
  Bytes buffer(32);
  FrameDecoder decoder(mut(buffer));
  FrameDecodeResult r = decoder.feed(view(stream));
  EXPECT_EQ(r.status, FrameStatus::kFrameReady);
  EXPECT_EQ(r.consumed, a.size());
  EXPECT_EQ(bytesOf(decoder.frame()), (Bytes{1, 2, 3}));
  r = decoder.feed(view(stream).subspan(a.size()));
  EXPECT_EQ(r.status, FrameStatus::kFrameReady);
  EXPECT_EQ(r.consumed, b.size());
  EXPECT_EQ(bytesOf(decoder.frame()), (Bytes{4, 5}));
  r = decoder.feed(ConstByteSpan());
  EXPECT_EQ(r.status, FrameStatus::kNeedMore);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_TRUE(decoder.frame().empty());
}

TEST(FrameDecoder, EmptyFramesAreNotErrors) {
  Bytes stream{0x00, 0x00};
  const Bytes f = frameOf({9});
  stream.insert(stream.end(), f.begin(), f.end());
  stream.push_back(0x00);
  Bytes buffer(16);
  FrameDecoder decoder(mut(buffer));
  EXPECT_EQ(decodeAll(decoder, stream, 1).size(), 1u);
  EXPECT_EQ(decoder.counters().emptyFrames, 3u);
  EXPECT_EQ(decoder.counters().framesOk, 1u);
  EXPECT_EQ(decoder.counters().bytesDiscarded, 0u);
}

TEST(FrameDecoder, CrcErrorIsCountedAndTheNextFrameDecodes) {
  Bytes bad = frameOf({1, 2, 3, 4});
  bad[2] ^= 0x40;  // a data byte, stays non-zero
  const Bytes good = frameOf({5, 6});
  Bytes stream = bad;
  stream.insert(stream.end(), good.begin(), good.end());
  Bytes buffer(16);
  FrameDecoder decoder(mut(buffer));
  FrameDecodeResult r = decoder.feed(view(stream));
  EXPECT_EQ(r.status, FrameStatus::kCrcError);
  EXPECT_EQ(r.consumed, bad.size());
  r = decoder.feed(view(stream).subspan(r.consumed));
  EXPECT_EQ(r.status, FrameStatus::kFrameReady);
  const FrameCounters& c = decoder.counters();
  EXPECT_EQ(c.crcErrors, 1u);
  EXPECT_EQ(c.framesOk, 1u);
  EXPECT_EQ(c.resyncs, 1u);
  EXPECT_EQ(c.bytesDiscarded, bad.size() - 1);
}

TEST(FrameDecoder, TruncatedBlockIsACobsError) {
  // Code 0x05 promises four bytes; the delimiter comes after two.
  const Bytes stream{0x05, 0x11, 0x22, 0x00};
  Bytes buffer(16);
  FrameDecoder decoder(mut(buffer));
  const FrameDecodeResult r = decoder.feed(view(stream));
  EXPECT_EQ(r.status, FrameStatus::kCobsError);
  EXPECT_EQ(r.consumed, 4u);
  EXPECT_EQ(decoder.counters().cobsErrors, 1u);
  EXPECT_EQ(decoder.counters().bytesDiscarded, 3u);
}

TEST(FrameDecoder, FrameShorterThanItsCrcIsTooShort) {
  const Bytes stream{0x03, 0x11, 0x22, 0x00};
  Bytes buffer(16);
  FrameDecoder decoder(mut(buffer));
  EXPECT_EQ(decoder.feed(view(stream)).status, FrameStatus::kTooShort);
  EXPECT_EQ(decoder.counters().tooShort, 1u);
}

TEST(FrameDecoder, AcceptsAFinalFullBlockWithOrWithoutATrailingEmptyBlock) {
  // 250 payload bytes + 4 CRC bytes, none zero: exactly one full 0xFF block.
  Bytes payload;
  Bytes f;
  for (int fill = 1; fill < 256; ++fill) {
    payload.assign(250, static_cast<uint8_t>(fill));
    f = frameOf(payload);
    if (f.size() == 256) {
      break;  // the CRC has no zero byte either
    }
  }
  ASSERT_EQ(f.size(), 256u);  // FF + 254 + delimiter
  ASSERT_EQ(f[0], 0xFF);
  Bytes withTrailer(f.begin(), f.end() - 1);
  withTrailer.push_back(0x01);
  withTrailer.push_back(0x00);
  Bytes stream = f;
  stream.insert(stream.end(), withTrailer.begin(), withTrailer.end());
  Bytes buffer(frameDecodeBufferSize(250));
  FrameDecoder decoder(mut(buffer));
  EXPECT_EQ(decodeAll(decoder, stream, 5), (std::vector<Bytes>{payload, payload}));
}

TEST(FrameDecoder, OverflowSkipsToTheNextDelimiter) {
  Bytes buffer(16);  // payloads up to 12 bytes
  FrameDecoder decoder(mut(buffer));
  const Bytes fits = frameOf(Bytes(12, 0xA5));
  const Bytes tooBig = frameOf(Bytes(13, 0xA5));
  const Bytes huge = frameOf(Bytes(400, 0x00));
  Bytes stream = fits;
  stream.insert(stream.end(), tooBig.begin(), tooBig.end());
  stream.insert(stream.end(), huge.begin(), huge.end());
  stream.insert(stream.end(), fits.begin(), fits.end());

  ConstByteSpan in = view(stream);
  std::vector<FrameStatus> events;
  while (!in.empty()) {
    const FrameDecodeResult r = decoder.feed(in);
    in = in.subspan(r.consumed);
    if (r.status != FrameStatus::kNeedMore) {
      events.push_back(r.status);
    }
  }
  EXPECT_EQ(events, (std::vector<FrameStatus>{FrameStatus::kFrameReady, FrameStatus::kOverflow,
                                              FrameStatus::kOverflow, FrameStatus::kFrameReady}));
  const FrameCounters& c = decoder.counters();
  EXPECT_EQ(c.overflows, 2u);
  EXPECT_EQ(c.framesOk, 2u);
  EXPECT_EQ(c.resyncs, 1u);
  EXPECT_EQ(c.bytesDiscarded, (tooBig.size() - 1) + (huge.size() - 1));
  EXPECT_EQ(c.crcErrors + c.cobsErrors + c.tooShort, 0u);
}

TEST(FrameDecoder, OverflowDetectedInTheMiddleOfAChunkReportsWhereItStopped) {
  Bytes buffer(8);
  FrameDecoder decoder(mut(buffer));
  const Bytes tooBig = frameOf(Bytes(20, 0x42));  // one block: code, 24 data bytes
  const FrameDecodeResult r = decoder.feed(view(tooBig));
  EXPECT_EQ(r.status, FrameStatus::kOverflow);
  EXPECT_EQ(r.consumed, 1u + 8u + 1u);  // code byte, 8 bytes that fit, the one that did not
  EXPECT_TRUE(decoder.inFrame());
  const FrameDecodeResult rest = decoder.feed(view(tooBig).subspan(r.consumed));
  EXPECT_EQ(rest.status, FrameStatus::kNeedMore);
  EXPECT_FALSE(decoder.inFrame());
  EXPECT_EQ(decoder.counters().bytesDiscarded, tooBig.size() - 1);
}

TEST(FrameDecoder, ZeroSizedBufferOverflowsEveryFrame) {
  FrameDecoder decoder(ByteSpan(nullptr, 0));
  const Bytes f = frameOf({1});
  EXPECT_EQ(decodeAll(decoder, f, 100).size(), 0u);
  EXPECT_EQ(decoder.counters().overflows, 1u);
}

TEST(FrameDecoder, JoiningMidFrameCostsOneFrame) {
  const Bytes a = frameOf({1, 2, 3, 4, 5, 6, 7, 8});
  const Bytes b = frameOf({9, 10});
  Bytes stream(a.begin() + 4, a.end());  // the link opened in the middle of frame a
  stream.insert(stream.end(), b.begin(), b.end());
  Bytes buffer(32);
  FrameDecoder decoder(mut(buffer));
  EXPECT_EQ(decodeAll(decoder, stream, 3), (std::vector<Bytes>{{9, 10}}));
  const FrameCounters& c = decoder.counters();
  EXPECT_EQ(c.crcErrors + c.cobsErrors + c.tooShort, 1u);
  EXPECT_EQ(c.bytesDiscarded, a.size() - 4 - 1);
}

TEST(FrameDecoder, ResetDropsAHalfFrameButKeepsCounters) {
  const Bytes a = frameOf({1, 2, 3});
  Bytes buffer(32);
  FrameDecoder decoder(mut(buffer));
  decoder.feed(view(a).first(3));
  EXPECT_TRUE(decoder.inFrame());
  decoder.reset();
  EXPECT_FALSE(decoder.inFrame());
  EXPECT_EQ(decodeAll(decoder, a, 100), (std::vector<Bytes>{{1, 2, 3}}));
  EXPECT_EQ(decoder.counters().framesOk, 1u);
  decoder.resetCounters();
  EXPECT_EQ(decoder.counters().framesOk, 0u);
}

TEST(FrameDecoder, StatusMessagesAreSentences) {
  for (FrameStatus s : {FrameStatus::kNeedMore, FrameStatus::kFrameReady, FrameStatus::kCrcError,
                        FrameStatus::kCobsError, FrameStatus::kTooShort, FrameStatus::kOverflow}) {
    EXPECT_GT(std::string(frameStatusMessage(s)).size(), 5u);
  }
}
