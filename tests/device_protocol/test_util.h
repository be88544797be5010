// Helpers shared by the protocol tests (host only: std::vector is fine here).
#pragma once

#include "device_protocol/frame_codec.h"
#include "device_protocol/span.h"

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace tinyscope::proto::test {

using Bytes = std::vector<uint8_t>;

inline ConstByteSpan view(const Bytes& b) {
  return ConstByteSpan(b.data(), b.size());
}
inline ByteSpan mut(Bytes& b) {
  return ByteSpan(b.data(), b.size());
}
inline Bytes bytesOf(ConstByteSpan s) {
  return Bytes(s.begin(), s.end());
}

inline Bytes frameOf(const Bytes& payload) {
  Bytes out(frameWireSize(payload.size()));
  const FrameEncodeResult r = FrameEncoder::encode(view(payload), mut(out));
  out.resize(r.ok ? r.size : 0);
  return out;
}

// Feeds `stream` in chunks of `chunk` bytes and collects every decoded payload.
inline std::vector<Bytes> decodeAll(FrameDecoder& decoder, const Bytes& stream, size_t chunk) {
  std::vector<Bytes> frames;
  size_t pos = 0;
  while (pos < stream.size()) {
    const size_t n = chunk < stream.size() - pos ? chunk : stream.size() - pos;
    ConstByteSpan in(stream.data() + pos, n);
    while (!in.empty()) {
      const FrameDecodeResult r = decoder.feed(in);
      in = in.subspan(r.consumed);
      if (r.status == FrameStatus::kFrameReady) {
        frames.push_back(bytesOf(decoder.frame()));
      }
    }
    pos += n;
  }
  return frames;
}

}  // namespace tinyscope::proto::test
