// Throughput of the protocol's receive path on this machine: FrameDecoder alone, and
// FrameDecoder + decodeMessage, over streams shaped like real traffic. Prints MB/s of
// wire bytes (1 MB = 10^6 bytes). No Qt; runs anywhere the library builds.
//
//   decoder_bench [seconds per case, default 0.5]
#include "device_protocol/frame_codec.h"
#include "device_protocol/message_frame.h"
#include "device_protocol/messages.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using namespace tinyscope::proto;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<uint8_t> g_rx(frameDecodeBufferSize(kMaxMessageSize));

template <class T>
void append(std::vector<uint8_t>& stream, const T& message, uint16_t seq) {
  static std::vector<uint8_t> frame(frameWireSize(kMaxMessageSize));
  const EncodeResult r =
      encodeFrame(makeHeader<T>(seq, 0), message, ByteSpan(frame.data(), frame.size()));
  if (r.status != Status::kOk) {
    std::fprintf(stderr, "encode failed: %s\n", statusMessage(r.status));
    std::exit(1);
  }
  stream.insert(stream.end(), frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(r.size));
}

std::vector<uint8_t> sensorWindows(size_t target) {
  // 3-axis int16 IMU windows of 64 samples (384-byte payloads), realistic noisy data.
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0.0, 800.0);
  std::vector<uint8_t> samples(3 * 64 * 2);
  std::vector<uint8_t> stream;
  uint32_t seq = 0;
  while (stream.size() < target) {
    for (size_t i = 0; i < samples.size(); i += 2) {
      const auto v = static_cast<int16_t>(noise(rng));
      samples[i] = static_cast<uint8_t>(v);
      samples[i + 1] = static_cast<uint8_t>(static_cast<uint16_t>(v) >> 8);
    }
    SensorWindow w;
    w.sequence = seq++;
    w.timestampUs = seq * 640000ull;
    w.channels = 3;
    w.sampleCount = 64;
    w.payload = ConstByteSpan(samples.data(), samples.size());
    append(stream, w, static_cast<uint16_t>(seq));
  }
  return stream;
}

std::vector<uint8_t> tensorChunks(size_t target) {
  // Full 512-byte int8 activation chunks: about a third of the bytes are zero (ReLU).
  std::mt19937 rng(2);
  std::vector<uint8_t> data(kMaxChunk);
  std::vector<uint8_t> stream;
  uint16_t seq = 0;
  while (stream.size() < target) {
    for (auto& b : data) {
      b = rng() % 3 == 0 ? 0 : static_cast<uint8_t>(rng());
    }
    TensorChunk t;
    t.desc.type = ElementType::kInt8;
    t.desc.dims.push(1);
    t.desc.dims.push(4096);
    t.desc.scale = 0.05f;
    t.totalBytes = 4096;
    t.offset = 512u * (seq % 8);
    t.data = ConstByteSpan(data.data(), data.size());
    append(stream, t, seq++);
  }
  return stream;
}

std::vector<uint8_t> acks(size_t target) {
  std::vector<uint8_t> stream;
  uint16_t seq = 0;
  while (stream.size() < target) {
    Ack a;
    a.ackedType = MessageType::kFlashChunk;
    a.value = 512u * seq;
    append(stream, a, seq++);
  }
  return stream;
}

struct Outcome {
  double mbPerSec;
  size_t frames;
};

// Decodes `stream` repeatedly in `chunk`-byte reads for about `seconds`.
Outcome run(const std::vector<uint8_t>& stream, size_t chunk, bool parse, double seconds) {
  FrameDecoder decoder(ByteSpan(g_rx.data(), g_rx.size()));
  size_t bytes = 0;
  size_t frames = 0;
  volatile uint32_t sink = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (size_t pos = 0; pos < stream.size(); pos += chunk) {
      ConstByteSpan in(stream.data() + pos,
                       chunk < stream.size() - pos ? chunk : stream.size() - pos);
      while (!in.empty()) {
        const FrameDecodeResult r = decoder.feed(in);
        in = in.subspan(r.consumed);
        if (r.status == FrameStatus::kFrameReady) {
          ++frames;
          if (parse) {
            Header h;
            if (decodeHeader(decoder.frame(), h) == Status::kOk) {
              if (h.type == MessageType::kSensorWindow) {
                SensorWindow w;
                sink = sink + static_cast<uint32_t>(decodeMessage(decoder.frame(), w));
              } else if (h.type == MessageType::kTensorChunk) {
                TensorChunk t;
                sink = sink + static_cast<uint32_t>(decodeMessage(decoder.frame(), t));
              } else {
                Ack a;
                sink = sink + static_cast<uint32_t>(decodeMessage(decoder.frame(), a));
              }
            }
          }
        }
      }
    }
    bytes += stream.size();
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  const FrameCounters& c = decoder.counters();
  if (c.crcErrors + c.cobsErrors + c.overflows + c.tooShort != 0 || sink != 0) {
    std::fprintf(stderr, "unexpected decode errors\n");
    std::exit(1);
  }
  return {static_cast<double>(bytes) / elapsed / 1e6, frames};
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  struct Case {
    const char* name;
    std::vector<uint8_t> stream;
  };
  const size_t target = 4u << 20;
  const Case cases[] = {
      {"SensorWindow, 3x64 int16", sensorWindows(target)},
      {"TensorChunk, 512 B int8, 1/3 zeros", tensorChunks(target)},
      {"Ack", acks(target)},
  };
  std::printf("%-36s %7s %8s %12s %12s\n", "stream", "frame", "read", "frames MB/s", "+parse MB/s");
  for (const Case& c : cases) {
    size_t delimiters = 0;
    for (uint8_t b : c.stream) {
      delimiters += b == 0 ? 1 : 0;
    }
    const double frameBytes =
        static_cast<double>(c.stream.size()) / static_cast<double>(delimiters);
    for (size_t chunk : {size_t{64}, size_t{4096}, c.stream.size()}) {
      const Outcome framesOnly = run(c.stream, chunk, false, seconds);
      const Outcome parsed = run(c.stream, chunk, true, seconds);
      char read[16];
      if (chunk == c.stream.size()) {
        std::snprintf(read, sizeof read, "all");
      } else {
        std::snprintf(read, sizeof read, "%zu B", chunk);
      }
      std::printf("%-36s %5.0f B %8s %12.0f %12.0f\n", c.name, frameBytes, read,
                  framesOnly.mbPerSec, parsed.mbPerSec);
    }
  }
  return 0;
}
