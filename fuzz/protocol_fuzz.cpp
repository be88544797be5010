// libFuzzer target for the device protocol: the input is a byte stream from a hostile
// link. It goes through the frame decoder (in input-dependent chunks) and every frame
// that passes the CRC goes through the message parser; the input is also parsed directly
// as one message, so the parser is explored without needing a valid CRC.
//
// Properties checked beyond "no crash, no sanitizer report":
//   - consumed never exceeds what was offered, and progress is always made;
//   - a frame that decodes re-encodes to a frame that decodes to the same payload;
//   - a message that decodes re-encodes to exactly the bytes it came from (the encoding is
//     canonical) and decodes again to an equal struct.
//
// Seeds: run once with TINYSCOPE_FUZZ_SEED_DIR=<corpus dir> and the target writes framed
// and raw encodings of sample messages there before fuzzing starts.
#include "device_protocol/frame_codec.h"
#include "device_protocol/message_dispatch.h"
#include "device_protocol/message_frame.h"
#include "device_protocol/messages.h"
#include "device_protocol/model_image.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace tinyscope::proto;

namespace {

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      std::fprintf(stderr, "protocol_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                     \
    }                                                                   \
  } while (0)

uint8_t g_rx[frameDecodeBufferSize(kMaxMessageSize)];
uint8_t g_scratch[frameWireSize(kMaxMessageSize) + 64];
uint8_t g_rx2[frameDecodeBufferSize(kMaxMessageSize)];

// `decoded` came from `message` through dispatchMessage (every type in messages.def).
template <class T>
void roundTrip(ConstByteSpan message, const Header& header, const T& decoded) {
  static T again;  // some messages are kilobytes: keep the second copy off the stack
  const EncodeResult enc = encodeMessage(header, decoded, ByteSpan(g_scratch, sizeof g_scratch));
  CHECK(enc.status == Status::kOk);
  // Hello/HelloReply may carry fields of later versions after the known ones.
  const bool extensible = T::kType == MessageType::kHello || T::kType == MessageType::kHelloReply;
  CHECK(extensible ? enc.size <= message.size() : enc.size == message.size());
  CHECK(std::memcmp(g_scratch, message.data(), enc.size) == 0);
  again = T();
  CHECK(decodeMessage(ConstByteSpan(g_scratch, enc.size), again) == Status::kOk);
  CHECK(again == decoded);
}

void parseMessage(ConstByteSpan message) {
  dispatchMessage(message, [message](const Header& header, const auto& decoded) {
    roundTrip(message, header, decoded);
  });
}

void checkFrameRoundTrip(ConstByteSpan payload) {
  const FrameEncodeResult enc =
      FrameEncoder::encode(payload, ByteSpan(g_scratch, sizeof g_scratch));
  CHECK(enc.ok);
  FrameDecoder again(ByteSpan(g_rx2, sizeof g_rx2));
  const FrameDecodeResult r = again.feed(ConstByteSpan(g_scratch, enc.size));
  CHECK(r.status == FrameStatus::kFrameReady && r.consumed == enc.size);
  CHECK(sameBytes(again.frame(), payload));
}

// ---- seeds -------------------------------------------------------------------------------

void writeSeed(const char* dir, const char* name, ConstByteSpan bytes) {
  char path[512];
  std::snprintf(path, sizeof path, "%s/%s", dir, name);
  if (FILE* f = std::fopen(path, "wb")) {
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
}

template <class T>
void seed(const char* dir, const char* name, const T& m) {
  static uint8_t frame[frameWireSize(kMaxMessageSize)];
  static uint8_t raw[kMaxMessageSize];
  const Header h = makeHeader<T>(7, 3);
  const EncodeResult f = encodeFrame(h, m, ByteSpan(frame, sizeof frame));
  const EncodeResult r = encodeMessage(h, m, ByteSpan(raw, sizeof raw));
  CHECK(f.status == Status::kOk && r.status == Status::kOk);
  char fileName[128];
  std::snprintf(fileName, sizeof fileName, "seed-frame-%s", name);
  writeSeed(dir, fileName, ConstByteSpan(frame, f.size));
  std::snprintf(fileName, sizeof fileName, "seed-raw-%s", name);
  writeSeed(dir, fileName, ConstByteSpan(raw, r.size));
}

void writeSeeds(const char* dir) {
  static const uint8_t samples[96] = {1, 2, 3, 0, 0, 5, 0xFF, 0x7F};
  Hello hello;
  hello.hostName.assign("tinyscope");
  seed(dir, "hello", hello);

  static HelloReply reply;
  reply.chosenVersion = 1;
  reply.firmwareVersion.assign("agent 0.1.0");
  reply.boardName.assign("netduinoplus2");
  const uint8_t id[] = {0x12, 0x34, 0x00, 0x56};
  reply.deviceId.assign(ConstByteSpan(id, sizeof id));
  reply.maxFrameSize = 600;
  SensorInfo imu;
  imu.name.assign("imu");
  imu.axes = 6;
  imu.units.assign("m/s^2");
  imu.rateMilliHz = 104000;
  imu.maxRateMilliHz = 1666000;
  reply.sensors.push(imu);
  SlotInfo slot;
  slot.state = SlotState::kActive;
  slot.capacity = 65536;
  slot.modelSize = 20000;
  slot.receivedBytes = 20000;
  slot.modelName.assign("kws");
  reply.slots.push(slot);
  reply.opCodes.push(3);
  reply.opCodes.push(25);
  seed(dir, "hello-reply", reply);

  StartStream start;
  start.windowSamples = 16;
  seed(dir, "start-stream", start);
  seed(dir, "stop-stream", StopStream());
  seed(dir, "set-rate", SetRate());
  SensorWindow window;
  window.channels = 3;
  window.sampleCount = 16;
  window.payload = ConstByteSpan(samples, 96);
  seed(dir, "sensor-window", window);
  InputChunk input;
  input.totalBytes = 200;
  input.offset = 100;
  input.data = ConstByteSpan(samples, 96);
  seed(dir, "input-chunk", input);
  RunInference run;
  run.capture = CaptureMode::kSelectedOps;
  run.captureOps.push(2);
  seed(dir, "run-inference", run);
  static InferenceResult result;
  result.ops.push(OpTiming{0, 3, 100, 4});
  OutputTensor out;
  out.desc.dims.push(1);
  out.desc.dims.push(4);
  out.desc.scale = 0.25f;
  out.data = ConstByteSpan(samples, 4);
  result.outputs.push(out);
  seed(dir, "inference-result", result);
  TensorChunk chunk;
  chunk.desc = out.desc;
  chunk.totalBytes = 4;
  chunk.data = ConstByteSpan(samples, 4);
  seed(dir, "tensor-chunk", chunk);
  seed(dir, "slot-info", slot);
  FlashBegin begin = makeFlashBegin(0, ConstByteSpan(samples, 4), "seed", 2);
  seed(dir, "flash-begin", begin);
  FlashChunk flash;
  flash.data = ConstByteSpan(samples, 96);
  seed(dir, "flash-chunk", flash);
  seed(dir, "flash-end", FlashEnd());
  seed(dir, "rollback", Rollback());
  seed(dir, "confirm", Confirm());
  seed(dir, "reset", Reset());
  seed(dir, "ack", Ack());
  seed(dir, "nack", Nack());
  Log log;
  log.text.assign("hello from the agent");
  seed(dir, "log", log);
  Error error;
  error.text.assign("sensor fault");
  seed(dir, "error", error);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("TINYSCOPE_FUZZ_SEED_DIR")) {
    writeSeeds(dir);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ConstByteSpan input(data, size);

  // 1. The input as a message, unframed.
  parseMessage(input);

  // 2. The input as a link byte stream, in chunks whose sizes depend on the input.
  FrameDecoder decoder(ByteSpan(g_rx, sizeof g_rx));
  uint32_t lcg = static_cast<uint32_t>(size) * 2654435761u + (size ? data[0] : 0u);
  ConstByteSpan rest = input;
  while (!rest.empty()) {
    lcg = lcg * 1664525u + 1013904223u;
    ConstByteSpan chunk = rest.first(1 + (lcg >> 24) % 64);
    rest = rest.subspan(chunk.size());
    while (!chunk.empty()) {
      const FrameDecodeResult r = decoder.feed(chunk);
      CHECK(r.consumed <= chunk.size());
      CHECK(r.consumed > 0);
      chunk = chunk.subspan(r.consumed);
      if (r.status == FrameStatus::kFrameReady) {
        checkFrameRoundTrip(decoder.frame());
        parseMessage(decoder.frame());
      }
    }
  }
  const FrameCounters& c = decoder.counters();
  CHECK(c.bytesDiscarded <= size);
  CHECK(c.framesOk + c.crcErrors + c.cobsErrors + c.tooShort + c.overflows <= size);
  return 0;
}
