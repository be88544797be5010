// A link that drops, flips and inserts bytes: the decoder must deliver every frame that
// arrived intact, nothing else, and account for every byte in its counters.
#include "device_protocol/frame_codec.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <random>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

namespace {

// One delimiter-terminated piece of the damaged stream, and what the decoder must make of it.
struct Segment {
  Bytes bytes;  // without the delimiter
  bool intact;
  Bytes payload;  // when intact
};

uint8_t nonZeroOtherThan(std::mt19937& rng, uint8_t old) {
  for (;;) {
    const uint8_t v = static_cast<uint8_t>(rng());
    if (v != 0 && v != old) {
      return v;
    }
  }
}

struct Expectation {
  std::vector<Bytes> payloads;
  uint32_t errors = 0;
  uint32_t resyncs = 0;
  uint32_t discarded = 0;
};

// Builds a damaged stream of `frames` frames with damage probability `damage` (0..1).
Bytes buildStream(std::mt19937& rng, int frames, double damage, size_t maxPayload,
                  Expectation& expect) {
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::vector<Segment> segments;
  for (int i = 0; i < frames; ++i) {
    Bytes payload(rng() % (maxPayload + 1));
    for (auto& b : payload) {
      b = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
    }
    Bytes f = frameOf(payload);
    f.pop_back();  // the delimiter; segments carry it implicitly
    Segment seg{f, true, payload};
    if (coin(rng) < damage) {
      switch (rng() % 4) {
        case 0: {  // flip: a byte changes to another non-zero value
          const size_t at = rng() % seg.bytes.size();
          seg.bytes[at] = nonZeroOtherThan(rng, seg.bytes[at]);
          seg.intact = false;
          break;
        }
        case 1:  // drop a byte inside the frame
          seg.bytes.erase(seg.bytes.begin() +
                          static_cast<std::ptrdiff_t>(rng() % seg.bytes.size()));
          seg.intact = false;
          break;
        case 2: {  // garbage (no zeros) between frames, as its own segment
          Segment garbage{Bytes(1 + rng() % 40), false, {}};
          for (auto& b : garbage.bytes) {
            b = nonZeroOtherThan(rng, 0);
          }
          segments.push_back(garbage);
          break;
        }
        case 3:  // the delimiter of the previous frame is lost: the two merge
          if (!segments.empty()) {
            Segment& prev = segments.back();
            prev.bytes.insert(prev.bytes.end(), seg.bytes.begin(), seg.bytes.end());
            prev.intact = false;
            continue;
          }
          break;
      }
    }
    segments.push_back(seg);
  }
  Bytes stream;
  bool lastBad = false;
  for (const Segment& s : segments) {
    stream.insert(stream.end(), s.bytes.begin(), s.bytes.end());
    stream.push_back(0x00);
    if (s.intact) {
      expect.payloads.push_back(s.payload);
      expect.resyncs += lastBad ? 1 : 0;
      lastBad = false;
    } else {
      ++expect.errors;
      expect.discarded += static_cast<uint32_t>(s.bytes.size());
      lastBad = true;
    }
  }
  return stream;
}

void checkCounters(const FrameDecoder& d, const Expectation& e) {
  const FrameCounters& c = d.counters();
  EXPECT_EQ(c.framesOk, e.payloads.size());
  EXPECT_EQ(c.crcErrors + c.cobsErrors + c.tooShort + c.overflows, e.errors);
  EXPECT_EQ(c.resyncs, e.resyncs);
  EXPECT_EQ(c.bytesDiscarded, e.discarded);
}

}  // namespace

TEST(FlakyStream, EveryIntactFrameAndNothingElseInRandomChunks) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    Expectation expect;
    const Bytes stream = buildStream(rng, 300, 0.3, 200, expect);
    Bytes buffer(frameDecodeBufferSize(300));  // merged frames may overflow: that is fine
    FrameDecoder decoder(mut(buffer));
    std::vector<Bytes> got;
    size_t pos = 0;
    while (pos < stream.size()) {
      const size_t n = std::min<size_t>(1 + rng() % 97, stream.size() - pos);
      ConstByteSpan in(stream.data() + pos, n);
      while (!in.empty()) {
        const FrameDecodeResult r = decoder.feed(in);
        ASSERT_LE(r.consumed, in.size());
        in = in.subspan(r.consumed);
        if (r.status == FrameStatus::kFrameReady) {
          got.push_back(bytesOf(decoder.frame()));
        }
      }
      pos += n;
    }
    ASSERT_EQ(got, expect.payloads) << "seed " << seed;
    checkCounters(decoder, expect);
    EXPECT_GT(decoder.counters().resyncs, 0u);
  }
}

TEST(FlakyStream, DamagedStreamSplitAtEveryOffset) {
  std::mt19937 rng(99);
  Expectation expect;
  const Bytes stream = buildStream(rng, 12, 0.5, 40, expect);
  for (size_t split = 0; split <= stream.size(); ++split) {
    Bytes buffer(frameDecodeBufferSize(100));
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
    ASSERT_EQ(got, expect.payloads) << "split " << split;
    checkCounters(decoder, expect);
  }
}

TEST(FlakyStream, EveryByteIsAccountedFor) {
  // Input bytes = delimiters + encoded bytes of good frames + bytesDiscarded.
  std::mt19937 rng(5);
  Expectation expect;
  const Bytes stream = buildStream(rng, 500, 0.4, 120, expect);
  Bytes buffer(frameDecodeBufferSize(64));  // small on purpose: some frames overflow
  FrameDecoder decoder(mut(buffer));
  size_t goodEncoded = 0;
  ConstByteSpan in = view(stream);
  while (!in.empty()) {
    const FrameDecodeResult r = decoder.feed(in);
    in = in.subspan(r.consumed);
    if (r.status == FrameStatus::kFrameReady) {
      goodEncoded += frameOf(bytesOf(decoder.frame())).size() - 1;
    }
  }
  size_t delimiters = 0;
  for (uint8_t b : stream) {
    delimiters += b == 0 ? 1 : 0;
  }
  const FrameCounters& c = decoder.counters();
  EXPECT_GT(c.overflows, 0u);
  EXPECT_EQ(stream.size(), delimiters + goodEncoded + c.bytesDiscarded);
}

TEST(FlakyStream, SingleBitFlipsNeverPassTheCrc) {
  // Every single-bit error in a frame is caught (CRC-32 has Hamming distance >= 4 at
  // these lengths; COBS damage is caught structurally or by the CRC).
  const Bytes payload{0x01, 0x13, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04,
                      0x00, 0x00, 0x00, 0x40, 0x42, 0x0F, 0x00};
  const Bytes frame = frameOf(payload);
  for (size_t at = 0; at + 1 < frame.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes damaged = frame;
      damaged[at] = static_cast<uint8_t>(damaged[at] ^ (1 << bit));
      Bytes buffer(64);
      FrameDecoder decoder(mut(buffer));
      const std::vector<Bytes> got = decodeAll(decoder, damaged, 1);
      EXPECT_TRUE(got.empty()) << "byte " << at << " bit " << bit;
    }
  }
}
