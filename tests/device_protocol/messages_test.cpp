#include "device_protocol/messages.h"
#include "device_protocol/message_frame.h"
#include "device_protocol/wire_writer.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

namespace {

template <size_t N>
BoundedString<N> s(const char* text) {
  BoundedString<N> out;
  EXPECT_TRUE(out.assign(text));
  return out;
}

template <size_t N>
BoundedString<N> filled(char c) {
  char text[N + 1];
  std::memset(text, c, N);
  text[N] = '\0';
  return s<N>(text);
}

// Payload buffers the samples' views point at (static: views must outlive the structs).
const Bytes& pattern(size_t n) {
  static std::vector<Bytes> store;
  for (const Bytes& b : store) {
    if (b.size() == n) {
      return b;
    }
  }
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>(i * 37 + 1);
  }
  store.push_back(b);
  return store.back();
}
ConstByteSpan pat(size_t n) {
  return view(pattern(n));
}

TensorDesc desc(ElementType type, std::initializer_list<int32_t> dims, float scale = 0.5f,
                int32_t zp = -3) {
  TensorDesc d;
  d.type = type;
  for (int32_t v : dims) {
    d.dims.push(v);
  }
  d.scale = scale;
  d.zeroPoint = zp;
  return d;
}

SensorInfo sensor(uint8_t id) {
  SensorInfo si;
  si.sensorId = id;
  si.name = s<kMaxNameLen>("accelerometer");
  si.axes = 3;
  si.units = s<kMaxUnitsLen>("m/s^2");
  si.sampleType = ElementType::kInt16;
  si.rateMilliHz = 104000;
  si.maxRateMilliHz = 1666000;
  return si;
}

SlotInfo slotInfo(uint8_t slot) {
  SlotInfo si;
  si.slot = slot;
  si.state = SlotState::kReceiving;
  si.capacity = 256 * 1024;
  si.modelSize = 20000;
  si.modelCrc = 0xCAFEF00D;
  si.receivedBytes = 4096;
  si.modelName = s<kMaxNameLen>("kws_ref_model");
  return si;
}

// ---- typical and maximal samples of every message -------------------------------------

Hello typicalHello() {
  Hello m;
  m.hostName = s<kMaxNameLen>("tinyscope 0.1");
  return m;
}
Hello maxHello() {
  Hello m;
  m.minVersion = 1;
  m.maxVersion = 200;
  m.hostName = filled<kMaxNameLen>('h');
  return m;
}

HelloReply typicalHelloReply() {
  HelloReply m;
  m.chosenVersion = 1;
  const Bytes id{0x12, 0x00, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x01, 0x02, 0x03};
  m.deviceId.assign(view(id));
  m.firmwareVersion = s<kMaxVersionLen>("agent 0.1.0+g1234abc");
  m.boardName = s<kMaxNameLen>("netduinoplus2");
  m.arenaBytes = 96 * 1024;
  m.maxFrameSize = 600;
  m.tickHz = 25000000;
  m.sensors.push(sensor(0));
  m.slots.push(slotInfo(0));
  for (int op : {3, 4, 9, 17, 22, 25, 32}) {
    m.opCodes.push(static_cast<uint16_t>(op));
  }
  return m;
}
HelloReply maxHelloReply() {
  HelloReply m = typicalHelloReply();
  const Bytes id(kMaxDeviceIdLen, 0xEE);
  m.deviceId.assign(view(id));
  m.firmwareVersion = filled<kMaxVersionLen>('v');
  m.boardName = filled<kMaxNameLen>('b');
  m.sensors.clear();
  for (uint8_t i = 0; i < kMaxSensors; ++i) {
    SensorInfo si = sensor(i);
    si.name = filled<kMaxNameLen>('n');
    si.units = filled<kMaxUnitsLen>('u');
    m.sensors.push(si);
  }
  m.slots.clear();
  for (uint8_t i = 0; i < kMaxSlots; ++i) {
    SlotInfo si = slotInfo(i);
    si.modelName = filled<kMaxNameLen>('m');
    m.slots.push(si);
  }
  m.opCodes.clear();
  for (size_t i = 0; i < kMaxOps; ++i) {
    m.opCodes.push(static_cast<uint16_t>(i * 3));
  }
  return m;
}

StartStream typicalStartStream() {
  StartStream m;
  m.streamId = 2;
  m.sensorId = 1;
  m.rateMilliHz = 16000000;
  m.windowSamples = 128;
  return m;
}
StopStream typicalStopStream() {
  StopStream m;
  m.streamId = 3;
  return m;
}
SetRate typicalSetRate() {
  SetRate m;
  m.streamId = 2;
  m.rateMilliHz = 52000;
  return m;
}
SensorWindow typicalSensorWindow() {
  SensorWindow m;
  m.streamId = 2;
  m.sequence = 77;
  m.timestampUs = 1234567890123ull;
  m.sampleType = ElementType::kInt16;
  m.channels = 3;
  m.sampleCount = 32;
  m.payload = pat(3 * 32 * 2);
  return m;
}
SensorWindow maxSensorWindow() {
  SensorWindow m = typicalSensorWindow();
  m.sampleType = ElementType::kFloat32;
  m.channels = 2;
  m.sampleCount = 64;
  m.payload = pat(kMaxChunk);
  return m;
}
InputChunk typicalInputChunk() {
  InputChunk m;
  m.inputIndex = 0;
  m.totalBytes = 1960;
  m.offset = 1536;
  m.data = pat(424);
  return m;
}
InputChunk maxInputChunk() {
  InputChunk m = typicalInputChunk();
  m.offset = 0;
  m.data = pat(kMaxChunk);
  return m;
}
RunInference typicalRunInference() {
  RunInference m;
  m.source = InputSource::kUploaded;
  m.capture = CaptureMode::kSelectedOps;
  m.captureOps.push(0);
  m.captureOps.push(5);
  return m;
}
RunPipeline typicalRunPipeline() {
  RunPipeline m;
  m.frontEndSlot = 1;
  m.slot = 0;
  m.streamId = 2;
  m.strideSamples = 320;
  m.capture = CaptureMode::kAllOps;
  return m;
}

RunInference maxRunInference() {
  RunInference m = typicalRunInference();
  m.captureOps.clear();
  for (size_t i = 0; i < kMaxCaptureOps; ++i) {
    m.captureOps.push(static_cast<uint16_t>(i));
  }
  return m;
}
InferenceResult typicalInferenceResult() {
  InferenceResult m;
  m.totalTicks = 1250000;
  m.totalMicros = 50000;
  for (uint16_t i = 0; i < 5; ++i) {
    m.ops.push(OpTiming{i, static_cast<uint16_t>(3 + i), 1000u * i, 40u * i});
  }
  OutputTensor out;
  out.desc = desc(ElementType::kInt8, {1, 12}, 0.00390625f, -128);
  out.data = pat(12);
  m.outputs.push(out);
  return m;
}
InferenceResult maxInferenceResult() {
  InferenceResult m = typicalInferenceResult();
  m.ops.clear();
  for (uint16_t i = 0; i < kMaxOps; ++i) {
    m.ops.push(OpTiming{i, 9, 0xFFFFFFFFu, 7});
  }
  m.outputs.clear();
  for (size_t i = 0; i < kMaxOutputs; ++i) {
    OutputTensor out;
    out.desc = desc(ElementType::kInt8, {1, 1, 1, 1, 4, 16});
    out.data = pat(kMaxInlineOutputBytes / kMaxOutputs);
    m.outputs.push(out);
  }
  return m;
}
TensorChunk typicalTensorChunk() {
  TensorChunk m;
  m.opIndex = 4;
  m.tensorIndex = 0;
  m.desc = desc(ElementType::kInt8, {1, 25, 5, 64}, 0.0235f, 3);
  m.totalBytes = 25 * 5 * 64;
  m.offset = 7680;
  m.data = pat(320);
  return m;
}
TensorChunk maxTensorChunk() {
  TensorChunk m = typicalTensorChunk();
  m.opIndex = kModelOutputOp;
  m.desc = desc(ElementType::kFloat32, {1, 2, 3, 4, 5, 6});
  m.totalBytes = 720 * 4;
  m.offset = 0;
  m.data = pat(kMaxChunk);
  return m;
}
SlotInfoRequest typicalSlotInfoRequest() {
  SlotInfoRequest m;
  m.slot = 1;
  return m;
}
SlotInfo typicalSlotInfo() {
  return slotInfo(1);
}
SlotInfo maxSlotInfo() {
  SlotInfo m = slotInfo(1);
  m.modelName = filled<kMaxNameLen>('m');
  return m;
}
FlashBegin typicalFlashBegin() {
  FlashBegin m;
  m.slot = 1;
  m.size = 20000;
  m.crc32 = 0xCAFEF00D;
  m.modelName = s<kMaxNameLen>("kws_ref_model");
  m.imageSha256.assign(pat(kSha256Size));
  m.resumeOffset = 4096;
  m.prefixSha256.assign(pat(kSha256Size));
  return m;
}
FlashBegin maxFlashBegin() {
  FlashBegin m = typicalFlashBegin();
  m.modelName = filled<kMaxNameLen>('m');
  return m;
}
FlashChunk typicalFlashChunk() {
  FlashChunk m;
  m.slot = 1;
  m.offset = 4096;
  m.data = pat(kMaxChunk);
  return m;
}
FlashEnd typicalFlashEnd() {
  FlashEnd m;
  m.slot = 1;
  return m;
}
VerifySlot typicalVerifySlot() {
  VerifySlot m;
  m.slot = 1;
  return m;
}
Activate typicalActivate() {
  Activate m;
  m.slot = 1;
  return m;
}
Rollback typicalRollback() {
  return Rollback();
}
Ack typicalAck() {
  Ack m;
  m.ackedType = MessageType::kFlashChunk;
  m.value = 4608;
  return m;
}
Nack typicalNack() {
  Nack m;
  m.nackedType = 0x33;
  m.code = NackCode::kFlashOffsetMismatch;
  m.value = 4096;
  return m;
}
Log typicalLog() {
  Log m;
  m.level = LogLevel::kWarning;
  m.timestampUs = 99;
  m.text = s<kMaxTextLen>("imu: FIFO overrun, 3 samples lost");
  return m;
}
Log maxLog() {
  Log m = typicalLog();
  m.text = filled<kMaxTextLen>('x');
  return m;
}
Error typicalError() {
  Error m;
  m.code = ErrorCode::kStreamOverrun;
  m.text = s<kMaxTextLen>("stream 2 overran its buffer");
  return m;
}
Error maxError() {
  Error m = typicalError();
  m.text = filled<kMaxTextLen>('e');
  return m;
}

template <class T>
Bytes encode(const T& m, uint16_t seq = 1, uint16_t req = 2) {
  Bytes out(kMaxMessageSize + 16);
  const EncodeResult r = encodeMessage(makeHeader<T>(seq, req), m, mut(out));
  EXPECT_EQ(r.status, Status::kOk) << statusMessage(r.status);
  out.resize(r.status == Status::kOk ? r.size : 0);
  return out;
}

template <class T>
void expectRoundTrip(const T& m) {
  const Bytes bytes = encode(m, 0xBEEF, 0x1234);
  ASSERT_FALSE(bytes.empty());
  EXPECT_LE(bytes.size(), kHeaderSize + T::kMaxBodySize);
  Header h;
  ASSERT_EQ(decodeHeader(view(bytes), h), Status::kOk);
  EXPECT_EQ(h, makeHeader<T>(0xBEEF, 0x1234));
  T back;
  ASSERT_EQ(decodeMessage(view(bytes), back), Status::kOk) << messageTypeName(T::kType);
  EXPECT_TRUE(back == m) << messageTypeName(T::kType);
  EXPECT_EQ(encode(back, 0xBEEF, 0x1234), bytes);

  // Every proper prefix is refused as truncated.
  for (size_t n = 0; n < bytes.size(); ++n) {
    T partial;
    EXPECT_EQ(decodeMessage(ConstByteSpan(bytes.data(), n), partial), Status::kTruncated)
        << messageTypeName(T::kType) << " prefix " << n;
  }
  // Every short output buffer is refused, never overrun.
  for (size_t cap = 0; cap < bytes.size(); ++cap) {
    Bytes out(cap + 1, 0x5A);
    EXPECT_EQ(encodeMessage(makeHeader<T>(0, 0), m, ByteSpan(out.data(), cap)).status,
              Status::kBufferTooSmall);
    EXPECT_EQ(out[cap], 0x5A);
  }
}

template <class T>
void expectMaxSize(const T& m) {
  EXPECT_EQ(encode(m).size(), kHeaderSize + T::kMaxBodySize) << messageTypeName(T::kType);
  expectRoundTrip(m);
}

// A message written field by field, to put values on the wire the encoder would refuse.
Bytes craft(MessageType type, const std::function<void(WireWriter&)>& body,
            uint8_t version = kMaxProtocolVersion) {
  Bytes out(4096);
  WireWriter w(mut(out));
  w.u8(version);
  w.u8(static_cast<uint8_t>(type));
  w.u16(1);
  w.u16(0);
  body(w);
  EXPECT_TRUE(w.ok());
  out.resize(w.size());
  return out;
}

template <class T>
Status decodeAs(const Bytes& bytes) {
  T m;
  return decodeMessage(view(bytes), m);
}

template <class T>
Status encodeStatus(const T& m) {
  Bytes out(kMaxMessageSize + 16);
  return encodeMessage(makeHeader<T>(0, 0), m, mut(out)).status;
}

}  // namespace

// ---- round trips ----------------------------------------------------------------------------

TEST(Messages, RoundTripEveryMessage) {
  expectRoundTrip(typicalHello());
  expectRoundTrip(typicalHelloReply());
  expectRoundTrip(typicalStartStream());
  expectRoundTrip(typicalStopStream());
  expectRoundTrip(typicalSetRate());
  expectRoundTrip(typicalSensorWindow());
  expectRoundTrip(typicalInputChunk());
  expectRoundTrip(typicalRunInference());
  expectRoundTrip(typicalRunPipeline());
  expectRoundTrip(typicalInferenceResult());
  expectRoundTrip(typicalTensorChunk());
  expectRoundTrip(typicalSlotInfoRequest());
  expectRoundTrip(typicalSlotInfo());
  expectRoundTrip(typicalFlashBegin());
  expectRoundTrip(typicalFlashChunk());
  expectRoundTrip(typicalFlashEnd());
  expectRoundTrip(typicalVerifySlot());
  expectRoundTrip(typicalActivate());
  expectRoundTrip(typicalRollback());
  expectRoundTrip(typicalAck());
  expectRoundTrip(typicalNack());
  expectRoundTrip(typicalLog());
  expectRoundTrip(typicalError());
}

TEST(Messages, RoundTripDefaultsAndEmptyCollections) {
  expectRoundTrip(Hello());
  HelloReply reply;
  reply.chosenVersion = 0;  // incompatible: still a valid reply
  expectRoundTrip(reply);
  RunInference run;
  expectRoundTrip(run);
  InferenceResult failed;
  failed.status = InferenceStatus::kArenaTooSmall;
  expectRoundTrip(failed);
  InferenceResult bigOutput = typicalInferenceResult();
  bigOutput.outputs[0].desc = desc(ElementType::kFloat32, {1, 1000});
  bigOutput.outputs[0].data = ConstByteSpan();  // 4000 bytes follow as TensorChunks
  expectRoundTrip(bigOutput);
  TensorChunk scalar = typicalTensorChunk();
  scalar.desc = desc(ElementType::kInt32, {});
  scalar.totalBytes = 4;
  scalar.offset = 0;
  scalar.data = pat(4);
  expectRoundTrip(scalar);
  InputChunk empty;
  expectRoundTrip(empty);
}

TEST(Messages, MaximalMessagesHitTheDeclaredBounds) {
  expectMaxSize(maxHello());
  expectMaxSize(maxHelloReply());
  expectMaxSize(typicalStartStream());
  expectMaxSize(typicalStopStream());
  expectMaxSize(typicalSetRate());
  expectMaxSize(maxSensorWindow());
  expectMaxSize(maxInputChunk());
  expectMaxSize(maxRunInference());
  expectMaxSize(typicalRunPipeline());
  expectMaxSize(maxInferenceResult());
  expectMaxSize(maxTensorChunk());
  expectMaxSize(typicalSlotInfoRequest());
  expectMaxSize(maxSlotInfo());
  expectMaxSize(maxFlashBegin());
  expectMaxSize(typicalFlashChunk());
  expectMaxSize(typicalFlashEnd());
  expectMaxSize(typicalVerifySlot());
  expectMaxSize(typicalActivate());
  expectMaxSize(typicalRollback());
  expectMaxSize(typicalAck());
  expectMaxSize(typicalNack());
  expectMaxSize(maxLog());
  expectMaxSize(maxError());
  EXPECT_EQ(kMaxHostToDeviceMessageSize, kHeaderSize + InputChunk::kMaxBodySize);
  EXPECT_EQ(kMaxDeviceToHostMessageSize, kHeaderSize + InferenceResult::kMaxBodySize);
  EXPECT_EQ(kMaxMessageSize, kMaxDeviceToHostMessageSize);
}

// ---- byte-exact messages ----------------------------------------------------------------
// Written with a version-2 header (the first byte), as docs/PROTOCOL.md shows them; only the
// version byte differs at a later version.

template <class T>
Bytes encodeV2(const T& m, uint16_t seq, uint16_t req) {
  Header h = makeHeader<T>(seq, req);
  h.version = 2;
  Bytes out(kMaxMessageSize + 16);
  const EncodeResult r = encodeMessage(h, m, mut(out));
  EXPECT_EQ(r.status, Status::kOk) << statusMessage(r.status);
  out.resize(r.status == Status::kOk ? r.size : 0);
  return out;
}

TEST(MessagesGolden, StopStream) {
  EXPECT_EQ(encodeV2(typicalStopStream(), 5, 9), (Bytes{0x02, 0x11, 0x05, 0x00, 0x09, 0x00, 0x03}));
}

TEST(MessagesGolden, Ack) {
  Ack m;
  m.ackedType = MessageType::kFlashChunk;
  m.value = 0x200;
  EXPECT_EQ(encodeV2(m, 42, 7),
            (Bytes{0x02, 0x40, 0x2A, 0x00, 0x07, 0x00, 0x33, 0x00, 0x02, 0x00, 0x00}));
}

TEST(MessagesGolden, SensorWindowFrame) {
  // docs/PROTOCOL.md walks through this frame byte by byte.
  const Bytes samples{0xFF, 0xFF, 0x10, 0x00};  // int16 -1, 16
  SensorWindow m;
  m.streamId = 0;
  m.sequence = 4;
  m.timestampUs = 1000000;
  m.sampleType = ElementType::kInt16;
  m.channels = 1;
  m.sampleCount = 2;
  m.payload = view(samples);
  Bytes frame(frameWireSize(kMaxMessageSize));
  Header h = makeHeader<SensorWindow>(1, 0);
  h.version = 2;
  const EncodeResult r = encodeFrame(h, m, mut(frame));
  ASSERT_EQ(r.status, Status::kOk);
  frame.resize(r.size);
  EXPECT_EQ(frame, (Bytes{0x04, 0x02, 0x13, 0x01, 0x01, 0x01, 0x01, 0x02, 0x04, 0x01, 0x01, 0x04,
                          0x40, 0x42, 0x0F, 0x01, 0x01, 0x01, 0x01, 0x04, 0x03, 0x01, 0x02, 0x02,
                          0x04, 0x04, 0xFF, 0xFF, 0x10, 0x05, 0xD7, 0x01, 0x4D, 0x54, 0x00}));
}

// ---- the whole path: struct -> frame -> decoder -> struct ----------------------------

TEST(Messages, FramedPathThroughTheDecoder) {
  Bytes tx(frameWireSize(kMaxMessageSize));
  Bytes rx(frameDecodeBufferSize(kMaxMessageSize));
  FrameDecoder decoder(mut(rx));
  const InferenceResult sent = maxInferenceResult();
  const EncodeResult r = encodeFrame(makeHeader<InferenceResult>(3, 44), sent, mut(tx));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_LE(r.size, frameWireSize(kMaxMessageSize));
  const FrameDecodeResult d = decoder.feed(ConstByteSpan(tx.data(), r.size));
  ASSERT_EQ(d.status, FrameStatus::kFrameReady);
  Header h;
  ASSERT_EQ(decodeHeader(decoder.frame(), h), Status::kOk);
  EXPECT_EQ(h.type, MessageType::kInferenceResult);
  EXPECT_EQ(h.requestId, 44);
  InferenceResult got;
  ASSERT_EQ(decodeMessage(decoder.frame(), got), Status::kOk);
  EXPECT_TRUE(got == sent);
  // Views point into the decoder's buffer.
  EXPECT_GE(got.outputs[0].data.data(), rx.data());
  EXPECT_LT(got.outputs[0].data.data(), rx.data() + rx.size());
}

TEST(Messages, EncodeFrameRefusesASmallBuffer) {
  Bytes tx(40);
  EXPECT_EQ(encodeFrame(makeHeader<Log>(0, 0), maxLog(), mut(tx)).status, Status::kBufferTooSmall);
  Bytes none;
  EXPECT_EQ(encodeFrame(makeHeader<Rollback>(0, 0), Rollback(), mut(none)).status,
            Status::kBufferTooSmall);
}

// ---- header and versions --------------------------------------------------------------------

TEST(MessagesHeader, Checks) {
  Header h;
  EXPECT_EQ(decodeHeader(view(Bytes{1, 0x11, 0, 0, 0}), h), Status::kTruncated);
  EXPECT_EQ(decodeHeader(view(Bytes{1, 0x7F, 0, 0, 0, 0}), h), Status::kUnknownMessageType);
  EXPECT_EQ(decodeHeader(view(Bytes{1, 0x00, 0, 0, 0, 0}), h), Status::kUnknownMessageType);
  EXPECT_EQ(decodeHeader(view(Bytes{kMaxProtocolVersion + 1, 0x11, 0, 0, 0, 0}), h),
            Status::kUnsupportedVersion);
  EXPECT_EQ(decodeHeader(view(Bytes{0, 0x11, 0, 0, 0, 0}), h), Status::kUnsupportedVersion);
  // Hello/HelloReply from any version >= 1 can be read, so negotiation always works.
  EXPECT_EQ(decodeHeader(view(Bytes{9, 0x01, 0, 0, 0, 0}), h), Status::kOk);
  EXPECT_EQ(decodeHeader(view(Bytes{0, 0x01, 0, 0, 0, 0}), h), Status::kUnsupportedVersion);
}

TEST(MessagesHeader, EncoderChecksHeader) {
  Bytes out(64);
  Header h = makeHeader<Ack>(0, 0);
  EXPECT_EQ(encodeMessage(h, typicalStopStream(), mut(out)).status, Status::kWrongMessageType);
  Header future = makeHeader<StopStream>(0, 0);
  future.version = kMaxProtocolVersion + 1;
  EXPECT_EQ(encodeMessage(future, typicalStopStream(), mut(out)).status,
            Status::kUnsupportedVersion);
}

TEST(MessagesHeader, DecodingAsTheWrongTypeIsRefused) {
  const Bytes bytes = encode(typicalStopStream());
  EXPECT_EQ(decodeAs<Ack>(bytes), Status::kWrongMessageType);
  EXPECT_EQ(decodeAs<StopStream>(bytes), Status::kOk);
}

TEST(MessagesHeader, NewerHelloWithExtraFieldsStillDecodes) {
  const Bytes hello = craft(
      MessageType::kHello,
      [](WireWriter& w) {
        w.u8(1);
        w.u8(3);
        w.u8(4);
        w.bytes(view(Bytes{'h', 'o', 's', 't'}));
        w.u32(0xABCDEF);  // a field from version 3
      },
      3);
  Hello m;
  ASSERT_EQ(decodeMessage(view(hello), m), Status::kOk);
  EXPECT_EQ(m.maxVersion, 3);
  EXPECT_STREQ(m.hostName.c_str(), "host");
  Bytes stop = encode(typicalStopStream());
  stop.push_back(0);
  EXPECT_EQ(decodeAs<StopStream>(stop), Status::kTrailingBytes);
}

TEST(Versions, Negotiation) {
  EXPECT_EQ(negotiateVersion(1, 1, 1, 1), 1);
  EXPECT_EQ(negotiateVersion(1, 3, 2, 5), 3);
  EXPECT_EQ(negotiateVersion(2, 5, 1, 3), 3);
  EXPECT_EQ(negotiateVersion(1, 2, 3, 4), 0);
  EXPECT_EQ(negotiateVersion(4, 4, 1, 3), 0);
  EXPECT_EQ(negotiateVersion(0, 0, 0, 0), 0);
}

// ---- bounds and range violations: each gives its own status -------------------------

TEST(MessagesInvalid, InvalidEnums) {
  EXPECT_EQ(decodeAs<Log>(craft(MessageType::kLog,
                                [](WireWriter& w) {
                                  w.u8(9);  // level
                                  w.u64(0);
                                  w.u8(0);
                                })),
            Status::kInvalidEnum);
  EXPECT_EQ(decodeAs<Error>(craft(MessageType::kError,
                                  [](WireWriter& w) {
                                    w.u16(0x99);
                                    w.u8(0);
                                  })),
            Status::kInvalidEnum);
  EXPECT_EQ(decodeAs<Nack>(craft(MessageType::kNack,
                                 [](WireWriter& w) {
                                   w.u8(0x33);
                                   w.u8(0);  // code 0 is undefined
                                   w.u32(0);
                                 })),
            Status::kInvalidEnum);
  EXPECT_EQ(decodeAs<Ack>(craft(MessageType::kAck,
                                [](WireWriter& w) {
                                  w.u8(0x03);  // not a message type
                                  w.u32(0);
                                })),
            Status::kInvalidEnum);
  EXPECT_EQ(decodeAs<RunInference>(craft(MessageType::kRunInference,
                                         [](WireWriter& w) {
                                           w.u8(0xFF);
                                           w.u8(0);
                                           w.u8(0);
                                           w.u8(3);  // capture mode
                                           w.u8(0);
                                         })),
            Status::kInvalidEnum);
  Bytes window = encode(typicalSensorWindow());
  window[kHeaderSize + 13] = 0;  // sampleType
  EXPECT_EQ(decodeAs<SensorWindow>(window), Status::kInvalidEnum);
  Bytes slot = encode(typicalSlotInfo());
  slot[kHeaderSize + 1] = 6;  // state (5 is Testing)
  EXPECT_EQ(decodeAs<SlotInfo>(slot), Status::kInvalidEnum);
  Bytes result = encode(typicalInferenceResult());
  result[kHeaderSize] = 42;  // status
  EXPECT_EQ(decodeAs<InferenceResult>(result), Status::kInvalidEnum);

  Log log = typicalLog();
  log.level = static_cast<LogLevel>(7);
  EXPECT_EQ(encodeStatus(log), Status::kInvalidEnum);
  SensorWindow w = typicalSensorWindow();
  w.sampleType = static_cast<ElementType>(0);
  EXPECT_EQ(encodeStatus(w), Status::kInvalidEnum);
}

TEST(MessagesInvalid, APipelineCapturesAllOrNothingAndStridesForward) {
  RunPipeline selected = typicalRunPipeline();
  selected.capture = CaptureMode::kSelectedOps;
  EXPECT_EQ(encodeStatus(selected), Status::kOutOfRange);
  RunPipeline still = typicalRunPipeline();
  still.strideSamples = 0;
  EXPECT_EQ(encodeStatus(still), Status::kOutOfRange);
  Bytes wire = encode(typicalRunPipeline());
  wire[kHeaderSize + 3] = 0;  // stride, low byte
  wire[kHeaderSize + 4] = 0;  // stride, high byte
  EXPECT_EQ(decodeAs<RunPipeline>(wire), Status::kOutOfRange);
  // Front-end ops and the reserved op indices never meet.
  EXPECT_TRUE(isFrontEndOp(frontEndOpIndex(0, 0)));
  EXPECT_TRUE(isFrontEndOp(frontEndOpIndex(kMaxPipelineWindows - 1, 254)));
  EXPECT_FALSE(isFrontEndOp(kPipelineSamplesOp));
  EXPECT_FALSE(isFrontEndOp(kModelInputOp));
  EXPECT_FALSE(isFrontEndOp(kModelOutputOp));
  EXPECT_FALSE(isFrontEndOp(0x7FFF));
}

TEST(MessagesInvalid, CountsAboveTheirBounds) {
  // 33 selected ops (kMaxCaptureOps is 32), all present on the wire.
  EXPECT_EQ(decodeAs<RunInference>(craft(MessageType::kRunInference,
                                         [](WireWriter& w) {
                                           w.u8(0xFF);
                                           w.u8(0);
                                           w.u8(0);
                                           w.u8(2);
                                           w.u8(33);
                                           for (int i = 0; i < 33; ++i) {
                                             w.u16(static_cast<uint16_t>(i));
                                           }
                                         })),
            Status::kCountTooLarge);
  // A tensor of rank 7.
  EXPECT_EQ(decodeAs<TensorChunk>(craft(MessageType::kTensorChunk,
                                        [](WireWriter& w) {
                                          w.u16(0);
                                          w.u8(0);
                                          w.u8(1);
                                          w.u8(7);
                                          for (int i = 0; i < 7; ++i) {
                                            w.i32(1);
                                          }
                                        })),
            Status::kCountTooLarge);
  // 129 op timings, a count far beyond what the message could hold, 9 sensors.
  Bytes result = encode(typicalInferenceResult());
  result[kHeaderSize + 9] = 129;
  result[kHeaderSize + 10] = 0;
  EXPECT_EQ(decodeAs<InferenceResult>(result), Status::kCountTooLarge);
  result[kHeaderSize + 9] = 0xFF;
  result[kHeaderSize + 10] = 0xFF;
  EXPECT_EQ(decodeAs<InferenceResult>(result), Status::kCountTooLarge);
  HelloReply reply = typicalHelloReply();
  reply.sensors.clear();
  const Bytes noSensors = encode(reply);
  const size_t sensorCountAt = kHeaderSize + 3 + 1 + reply.deviceId.size() + 1 +
                               reply.firmwareVersion.size() + 1 + reply.boardName.size() + 4 + 2 +
                               4;
  ASSERT_EQ(noSensors[sensorCountAt], 0);
  Bytes nine = noSensors;
  nine[sensorCountAt] = 9;
  EXPECT_EQ(decodeAs<HelloReply>(nine), Status::kCountTooLarge);
}

TEST(MessagesInvalid, StringsAboveTheirBoundsOrWithNul) {
  EXPECT_EQ(decodeAs<Log>(craft(MessageType::kLog,
                                [](WireWriter& w) {
                                  w.u8(1);
                                  w.u64(0);
                                  w.u8(kMaxTextLen + 1);
                                  w.bytes(view(Bytes(kMaxTextLen + 1, 'x')));
                                })),
            Status::kStringTooLong);
  EXPECT_EQ(decodeAs<Hello>(craft(MessageType::kHello,
                                  [](WireWriter& w) {
                                    w.u8(1);
                                    w.u8(1);
                                    w.u8(3);
                                    w.bytes(view(Bytes{'a', 0, 'b'}));
                                  })),
            Status::kInvalidString);
  Bytes reply = encode(typicalHelloReply());
  reply[kHeaderSize + 3] = kMaxDeviceIdLen + 1;  // device id length
  EXPECT_EQ(decodeAs<HelloReply>(reply), Status::kStringTooLong);

  BoundedString<4> tooLong;
  EXPECT_FALSE(tooLong.assign("abcde"));
  EXPECT_FALSE(tooLong.assign("a\0b", 3));
  EXPECT_TRUE(tooLong.assign("abcd"));
  EXPECT_STREQ(tooLong.c_str(), "abcd");
}

TEST(MessagesInvalid, ChunksAboveTheirBounds) {
  FlashChunk chunk = typicalFlashChunk();
  chunk.data = pat(kMaxChunk + 1);
  EXPECT_EQ(encodeStatus(chunk), Status::kChunkTooLarge);
  EXPECT_EQ(decodeAs<FlashChunk>(craft(MessageType::kFlashChunk,
                                       [](WireWriter& w) {
                                         w.u8(1);
                                         w.u32(0);
                                         w.u16(kMaxChunk + 1);
                                         w.bytes(pat(kMaxChunk + 1));
                                       })),
            Status::kChunkTooLarge);
  InputChunk input = typicalInputChunk();
  input.totalBytes = 100000;
  input.data = pat(kMaxChunk + 1);
  EXPECT_EQ(encodeStatus(input), Status::kChunkTooLarge);
  InferenceResult result = maxInferenceResult();
  OutputTensor extra;
  extra.desc = desc(ElementType::kInt8, {1});
  extra.data = pat(1);
  result.outputs[3] = extra;
  result.outputs[2].desc = desc(ElementType::kInt8, {1, 128});
  result.outputs[2].data = pat(128);  // 64 + 64 + 128 + 1 > 256
  EXPECT_EQ(encodeStatus(result), Status::kChunkTooLarge);
}

TEST(MessagesInvalid, LengthsThatDisagreeWithTheirShape) {
  SensorWindow w = typicalSensorWindow();
  w.payload = pat(w.payload.size() - 2);
  EXPECT_EQ(encodeStatus(w), Status::kLengthMismatch);
  // On the wire: channels patched from 3 to 2.
  Bytes window = encode(typicalSensorWindow());
  window[kHeaderSize + 14] = 2;
  EXPECT_EQ(decodeAs<SensorWindow>(window), Status::kLengthMismatch);

  TensorChunk t = typicalTensorChunk();
  t.totalBytes += 1;
  EXPECT_EQ(encodeStatus(t), Status::kLengthMismatch);
  InferenceResult r = typicalInferenceResult();
  r.outputs[0].data = pat(5);  // neither empty nor the whole tensor
  EXPECT_EQ(encodeStatus(r), Status::kLengthMismatch);
}

TEST(MessagesInvalid, ValuesOutOfRange) {
  Hello hello;
  hello.minVersion = 2;
  hello.maxVersion = 1;
  EXPECT_EQ(encodeStatus(hello), Status::kOutOfRange);
  hello.minVersion = 0;
  EXPECT_EQ(encodeStatus(hello), Status::kOutOfRange);

  HelloReply reply = typicalHelloReply();
  reply.chosenVersion = reply.maxVersion + 1;
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);
  reply = typicalHelloReply();
  reply.maxFrameSize = kMinDeviceFrameSize - 1;
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);
  reply = typicalHelloReply();
  reply.sensors.push(sensor(0));  // duplicate id
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);
  reply = typicalHelloReply();
  reply.sensors[0].axes = 0;
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);
  reply = typicalHelloReply();
  reply.sensors[0].rateMilliHz = reply.sensors[0].maxRateMilliHz + 1;
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);
  reply = typicalHelloReply();
  reply.slots[0].receivedBytes = reply.slots[0].modelSize + 1;
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);
  reply = typicalHelloReply();
  reply.tickHz = 0;
  EXPECT_EQ(encodeStatus(reply), Status::kOutOfRange);

  StartStream start = typicalStartStream();
  start.windowSamples = 0;
  EXPECT_EQ(encodeStatus(start), Status::kOutOfRange);
  SetRate rate;
  rate.rateMilliHz = 0;
  EXPECT_EQ(encodeStatus(rate), Status::kOutOfRange);
  SensorWindow window = typicalSensorWindow();
  window.channels = kMaxAxes + 1;
  EXPECT_EQ(encodeStatus(window), Status::kOutOfRange);

  InputChunk input = typicalInputChunk();
  input.offset = input.totalBytes - 10;
  EXPECT_EQ(encodeStatus(input), Status::kOutOfRange);
  input = typicalInputChunk();
  input.offset = 0xFFFFFFF0u;  // offset + size wraps in 32 bits
  input.totalBytes = 0xFFFFFFFFu;
  EXPECT_EQ(encodeStatus(input), Status::kOutOfRange);
  input = typicalInputChunk();
  input.inputIndex = kMaxInputs;
  EXPECT_EQ(encodeStatus(input), Status::kOutOfRange);

  RunInference run;
  run.capture = CaptureMode::kSelectedOps;
  EXPECT_EQ(encodeStatus(run), Status::kOutOfRange);
  run.capture = CaptureMode::kAllOps;
  run.captureOps.push(1);
  EXPECT_EQ(encodeStatus(run), Status::kOutOfRange);

  TensorChunk t = typicalTensorChunk();
  t.desc.dims[1] = 0;
  EXPECT_EQ(encodeStatus(t), Status::kOutOfRange);
  t = typicalTensorChunk();
  t.desc.scale = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(encodeStatus(t), Status::kOutOfRange);
  t.desc.scale = -1.0f;
  EXPECT_EQ(encodeStatus(t), Status::kOutOfRange);
  t.desc.scale = std::numeric_limits<float>::infinity();
  EXPECT_EQ(encodeStatus(t), Status::kOutOfRange);
  t = typicalTensorChunk();
  t.desc.dims[1] = 0x7FFFFFFF;  // more than 4 GiB
  EXPECT_EQ(encodeStatus(t), Status::kOutOfRange);
  t = typicalTensorChunk();
  t.offset = t.totalBytes;
  EXPECT_EQ(encodeStatus(t), Status::kOutOfRange);

  FlashBegin begin = typicalFlashBegin();
  begin.size = 0;
  EXPECT_EQ(encodeStatus(begin), Status::kOutOfRange);
  begin = typicalFlashBegin();
  begin.resumeOffset = begin.size + 1;
  EXPECT_EQ(encodeStatus(begin), Status::kOutOfRange);
  begin = typicalFlashBegin();
  begin.prefixSha256.assign(pat(kSha256Size - 1));
  EXPECT_EQ(encodeStatus(begin), Status::kLengthMismatch) << "a digest is exactly 32 bytes";
  EXPECT_EQ(encodeStatus(FlashBegin()), Status::kLengthMismatch) << "the image hash is required";
  FlashChunk chunk = typicalFlashChunk();
  chunk.data = ConstByteSpan();
  EXPECT_EQ(encodeStatus(chunk), Status::kOutOfRange);
  chunk = typicalFlashChunk();
  chunk.offset = 0xFFFFFF00u;
  EXPECT_EQ(encodeStatus(chunk), Status::kOutOfRange);
  SlotInfo slot = typicalSlotInfo();
  slot.modelSize = slot.capacity + 1;
  EXPECT_EQ(encodeStatus(slot), Status::kOutOfRange);

  // The same checks guard decoding: a NaN scale put on the wire by hand.
  Bytes chunkBytes = encode(typicalTensorChunk());
  const size_t scaleAt = kHeaderSize + 2 + 1 + 1 + 1 + 4 * 4;
  chunkBytes[scaleAt + 0] = 0x00;
  chunkBytes[scaleAt + 1] = 0x00;
  chunkBytes[scaleAt + 2] = 0xC0;
  chunkBytes[scaleAt + 3] = 0x7F;
  EXPECT_EQ(decodeAs<TensorChunk>(chunkBytes), Status::kOutOfRange);
}

TEST(Messages, NamesAndMessagesExist) {
  for (int t = 0; t < 256; ++t) {
    const MessageType type = static_cast<MessageType>(t);
    EXPECT_EQ(std::string(messageTypeName(type)) != "?", isValid(type)) << t;
  }
  EXPECT_TRUE(isHostToDevice(MessageType::kFlashChunk));
  EXPECT_FALSE(isHostToDevice(MessageType::kSensorWindow));
  for (int st = 0; st <= static_cast<int>(Status::kOutOfRange); ++st) {
    EXPECT_NE(std::string(statusMessage(static_cast<Status>(st))), "unknown status");
  }
  EXPECT_EQ(elementSize(ElementType::kFloat32), 4u);
  EXPECT_EQ(elementSize(ElementType::kUInt32), 4u);
  EXPECT_EQ(elementSize(ElementType::kUInt64), 8u);
  EXPECT_EQ(elementSize(static_cast<ElementType>(0)), 0u);
  EXPECT_EQ(elementSize(static_cast<ElementType>(9)), 0u);
  EXPECT_EQ(tensorByteSize(desc(ElementType::kInt16, {2, 3})), 12u);
}
