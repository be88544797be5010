// The agent core in-process, on a fake HAL the test drives: partial writes, a blocked link,
// a counting sensor, flashing with a torn transfer, inference with capture, bad frames.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "agent_reference.h"
#include "device_protocol/crc32.h"
#include "device_protocol/frame_codec.h"
#include "device_protocol/message_frame.h"
#include "device_protocol/model_image.h"
#include "fake_hal.h"
#include "firmware_agent/core/agent.h"
#include "firmware_agent/core/sample_timeline.h"
#include "loss_report.h"
#include "model_runner/kernels/core_ops.h"

namespace proto = tinyscope::proto;
using proto::MessageType;
using tinyscope::agent::Agent;
using tinyscope::agent::AgentConfig;

namespace {

// One int16 axis whose sample k has value k (low 16 bits); samples due on the fake clock, on
// the core's SampleTimeline, so a lane left unread for over a second drops samples like a port.
class CountingSensor : public tinyscope::agent::SensorSource {
 public:
  uint8_t count() const override { return 1; }
  bool describe(uint8_t index, proto::SensorInfo& out) const override {
    if (index != 0) return false;
    out.sensorId = 5;
    out.name.assign("counter");
    out.axes = 1;
    out.sampleType = proto::ElementType::kInt16;
    out.rateMilliHz = 1000000;
    out.maxRateMilliHz = 10000000;
    return true;
  }
  bool open(uint8_t lane, uint8_t sensorId, uint32_t rateMilliHz) override {
    if (sensorId != 5) return false;
    m_lane = lane;
    m_timeline.open(rateMilliHz, fake_hal::state().nowUs);
    return true;
  }
  bool setRate(uint8_t, uint32_t) override { return false; }
  void close(uint8_t) override {}
  size_t read(uint8_t lane, uint8_t* out, size_t maxSamples, uint64_t* ts) override {
    if (lane != m_lane) return 0;
    uint64_t first = 0;
    const size_t n =
        m_timeline.take(m_timeline.dueFromClock(fake_hal::state().nowUs), maxSamples, &first, ts);
    for (size_t i = 0; i < n; ++i) {
      out[2 * i] = uint8_t(first + i);
      out[2 * i + 1] = uint8_t((first + i) >> 8);
    }
    return n;
  }
  uint32_t lostSamples(uint8_t lane) const override {
    return lane == m_lane ? m_timeline.lost() : 0;
  }

 private:
  uint8_t m_lane = 0;
  tinyscope::agent::SampleTimeline m_timeline;
};

struct Decoded {
  proto::Header header;
  std::vector<uint8_t> bytes;
  template <class T>
  T as() const {
    T m;
    EXPECT_EQ(proto::decodeMessage(proto::ConstByteSpan(bytes.data(), bytes.size()), m),
              proto::Status::kOk);
    return m;
  }
};

class AgentCore : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_hal::reset();
    tinyscope::runner::kernels::addCoreOps(m_resolver);
    m_arena.resize(256 * 1024);
    m_history.resize(16 * 1024);
  }

  // `resolver` null: the core ops; `arenaBytes` 0: the whole 256 KiB arena.
  void boot(const tinyscope::runner::OpResolver* resolver = nullptr, size_t arenaBytes = 0) {
    AgentConfig c;
    c.firmwareVersion = "test-1";
    static const uint8_t id[4] = {1, 2, 3, 4};
    c.deviceId = proto::ConstByteSpan(id, 4);
    c.resolver = resolver != nullptr ? resolver : &m_resolver;
    c.arena = proto::ByteSpan(m_arena.data(), arenaBytes != 0 ? arenaBytes : m_arena.size());
    c.sampleHistory = proto::ByteSpan(m_history.data(), m_history.size());
    c.sensors = &m_sensor;
    c.stallTimeoutUs = 50000;
    if (m_withPipeline) {
      c.pipeline = &Agent::frontEndPipeline;
      c.pipelineBuffer = proto::ByteSpan(m_pipeline.data(), m_pipeline.size());
    }
    m_agent = std::make_unique<Agent>(c);
    m_agent->begin();
  }

  template <class T>
  uint16_t send(const T& m) {
    uint8_t buf[proto::frameWireSize(proto::kMaxHostToDeviceMessageSize)];
    const uint16_t id = ++m_requestId;
    const proto::EncodeResult r =
        proto::encodeFrame(proto::makeHeader<T>(id, id), m, proto::ByteSpan(buf, sizeof buf));
    EXPECT_EQ(r.status, proto::Status::kOk);
    fake_hal::state().rx.insert(fake_hal::state().rx.end(), buf, buf + r.size);
    return id;
  }

  // Runs the super-loop `steps` times, the host taking what the link delivered each step.
  void spin(int steps, uint64_t advanceUs = 100) {
    for (int i = 0; i < steps; ++i) {
      m_agent->poll();
      fake_hal::state().nowUs += advanceUs;
      take();
    }
  }
  void take() {
    fake_hal::State& s = fake_hal::state();
    s.drained.insert(s.drained.end(), s.wire.begin(), s.wire.end());
    s.wire.clear();
    proto::ConstByteSpan in(s.drained.data(), s.drained.size());
    while (!in.empty()) {
      const proto::FrameDecodeResult r = m_decoder.feed(in);
      in = in.subspan(r.consumed);
      if (r.status == proto::FrameStatus::kFrameReady) {
        Decoded d;
        d.bytes.assign(m_decoder.frame().begin(), m_decoder.frame().end());
        EXPECT_EQ(proto::decodeHeader(m_decoder.frame(), d.header), proto::Status::kOk);
        m_messages.push_back(d);
      }
    }
    s.drained.clear();
  }
  // First message of `type` (answering `id` when non-zero), removed from the list.
  bool pop(MessageType type, uint16_t id, Decoded* out) {
    for (auto it = m_messages.begin(); it != m_messages.end(); ++it) {
      if (it->header.type == type && (id == 0 || it->header.requestId == id)) {
        *out = *it;
        m_messages.erase(it);
        return true;
      }
    }
    return false;
  }
  Decoded answer(uint16_t id, int steps = 50) {
    spin(steps);
    for (const Decoded& d : m_messages) {
      if (d.header.requestId == id &&
          (d.header.type == MessageType::kAck || d.header.type == MessageType::kNack))
        return d;
    }
    ADD_FAILURE() << "no Ack/Nack for request " << id;
    return Decoded();
  }
  // Puts raw message bytes (header included) on the link as one frame.
  void sendRaw(const std::vector<uint8_t>& message) {
    uint8_t frame[proto::frameWireSize(proto::kMaxHostToDeviceMessageSize)];
    const proto::FrameEncodeResult f = proto::FrameEncoder::encode(
        proto::ConstByteSpan(message.data(), message.size()), proto::ByteSpan(frame, sizeof frame));
    ASSERT_TRUE(f.ok);
    fake_hal::state().rx.insert(fake_hal::state().rx.end(), frame, frame + f.size);
  }
  template <class T>
  std::vector<uint8_t> encoded(const T& m, uint16_t id) {
    std::vector<uint8_t> out(proto::kMaxHostToDeviceMessageSize);
    const proto::EncodeResult r = proto::encodeMessage(proto::makeHeader<T>(id, id), m,
                                                       proto::ByteSpan(out.data(), out.size()));
    EXPECT_EQ(r.status, proto::Status::kOk);
    out.resize(r.size);
    return out;
  }
  // Flashes `model` into slot 0 and activates it; returns the Activate's answer.
  Decoded flashAndActivate(const std::vector<uint8_t>& model) {
    const proto::FlashBegin fb =
        proto::makeFlashBegin(0, proto::ConstByteSpan(model.data(), model.size()), nullptr, 0);
    EXPECT_EQ(answer(send(fb)).header.type, MessageType::kAck);
    sendChunks(model);
    proto::FlashEnd fe;
    EXPECT_EQ(answer(send(fe)).header.type, MessageType::kAck);
    proto::Activate act;
    return answer(send(act));
  }
  // FlashChunks of all of `model` into slot 0, each acknowledged.
  void sendChunks(const std::vector<uint8_t>& model) {
    proto::FlashChunk fc;
    for (size_t off = 0; off < model.size(); off += proto::kMaxChunk) {
      fc.offset = uint32_t(off);
      fc.data =
          proto::ConstByteSpan(model.data() + off, std::min(proto::kMaxChunk, model.size() - off));
      EXPECT_EQ(answer(send(fc)).header.type, MessageType::kAck) << "chunk at " << off;
    }
  }
  // Texts of the Log messages with request id `id` (0: unsolicited), in arrival order.
  std::vector<std::string> logs(uint16_t id) {
    std::vector<std::string> texts;
    for (auto it = m_messages.begin(); it != m_messages.end();) {
      if (it->header.type == MessageType::kLog && it->header.requestId == id) {
        texts.push_back(it->as<proto::Log>().text.c_str());
        it = m_messages.erase(it);
      } else {
        ++it;
      }
    }
    return texts;
  }
  // The one Log with request id `id` (empty, and a failure, when there is not exactly one).
  std::string onlyLog(uint16_t id) {
    const std::vector<std::string> texts = logs(id);
    EXPECT_EQ(texts.size(), 1u) << "Logs with request id " << id;
    return texts.size() == 1 ? texts[0] : std::string();
  }
  // Sends RunInference{Uploaded}; `*status` = its InferenceResult's status. Returns its id.
  uint16_t runUploaded(proto::InferenceStatus* status) {
    proto::RunInference run;
    run.source = proto::InputSource::kUploaded;
    const uint16_t id = send(run);
    spin(20);
    const int at = positionOf(MessageType::kInferenceResult, id);
    EXPECT_GE(at, 0) << "no InferenceResult for request " << id;
    *status = at >= 0 ? m_messages[size_t(at)].as<proto::InferenceResult>().status
                      : proto::InferenceStatus::kBusy;
    return id;
  }
  // Index in m_messages of the first message answering `id` with `type`, or -1.
  int positionOf(MessageType type, uint16_t id) const {
    for (size_t i = 0; i < m_messages.size(); ++i) {
      if (m_messages[i].header.type == type && m_messages[i].header.requestId == id) return int(i);
    }
    return -1;
  }
  void handshake() {
    proto::Hello h;
    const uint16_t id = send(h);
    spin(20);
    Decoded d;
    ASSERT_TRUE(pop(MessageType::kHelloReply, id, &d));
  }

  tinyscope::runner::AllOpsResolver m_resolver;
  bool m_withPipeline = false;
  std::array<uint8_t, 4096> m_pipeline{};
  std::vector<uint8_t> m_arena;
  std::vector<uint8_t> m_history;
  CountingSensor m_sensor;
  std::unique_ptr<Agent> m_agent;
  uint8_t m_frame[proto::frameDecodeBufferSize(proto::kMaxDeviceToHostMessageSize)];
  proto::FrameDecoder m_decoder{proto::ByteSpan(m_frame, sizeof m_frame)};
  std::deque<Decoded> m_messages;
  uint16_t m_requestId = 0;
};

}  // namespace

TEST_F(AgentCore, HelloReplySurvivesALinkThatTakesSevenBytesAtATime) {
  fake_hal::state().txPerCall = 7;
  fake_hal::state().txCapacity = 50;
  boot();
  proto::Hello h;
  const uint16_t id = send(h);
  spin(400);
  Decoded d;
  ASSERT_TRUE(pop(MessageType::kHelloReply, id, &d));
  const proto::HelloReply r = d.as<proto::HelloReply>();
  EXPECT_EQ(r.chosenVersion, proto::kMaxProtocolVersion);
  EXPECT_STREQ(r.boardName.c_str(), "fake");
  EXPECT_STREQ(r.firmwareVersion.c_str(), "test-1");
  EXPECT_EQ(r.arenaBytes, 256u * 1024);
  EXPECT_EQ(r.tickHz, 1000000u);
  ASSERT_EQ(r.sensors.size(), 1u);
  EXPECT_EQ(r.sensors[0].sensorId, 5);
  ASSERT_EQ(r.slots.size(), 2u);
  EXPECT_EQ(r.slots[0].capacity, 64u * 1024 - 32);
  // The boot Log ("no model in any of 2 slots ...") went out too.
  Decoded log;
  ASSERT_TRUE(pop(MessageType::kLog, 0, &log));
  EXPECT_NE(std::string(log.as<proto::Log>().text.c_str()).find("no model"), std::string::npos);
  EXPECT_EQ(m_decoder.counters().crcErrors, 0u);
}

TEST_F(AgentCore, OverrunsBecomeSequenceGapsAndOneErrorReport) {
  boot();
  handshake();
  proto::StartStream st;
  st.streamId = 2;
  st.sensorId = 5;
  st.windowSamples = 10;  // 100 windows/s at 1 kHz
  Decoded ack = answer(send(st));
  ASSERT_EQ(ack.header.type, MessageType::kAck);
  spin(1000);  // 100 ms: ~10 windows
  // The link stops moving: the TX ring fills and stays full for 200 ms.
  fake_hal::state().txCapacity = 0;
  for (int i = 0; i < 2000; ++i) {
    m_agent->poll();
    fake_hal::state().nowUs += 100;
  }
  fake_hal::state().txCapacity = 1 << 20;
  spin(2000);
  std::vector<uint32_t> seqs;
  uint32_t reported = 0;
  Decoded d;
  while (pop(MessageType::kSensorWindow, 0, &d))
    seqs.push_back(d.as<proto::SensorWindow>().sequence);
  while (pop(MessageType::kError, 0, &d)) {
    const proto::Error e = d.as<proto::Error>();
    EXPECT_EQ(e.code, proto::ErrorCode::kStreamOverrun);
    agent_test::LossReport r;
    ASSERT_TRUE(agent_test::parseLossReport(e.text.c_str(), agent_test::kWindowsLost, &r));
    EXPECT_EQ(r.stream, 2u);
    reported += r.count;
  }
  ASSERT_GT(seqs.size(), 20u);
  uint32_t gaps = 0;
  for (size_t i = 1; i < seqs.size(); ++i) {
    ASSERT_GT(seqs[i], seqs[i - 1]);
    gaps += seqs[i] - seqs[i - 1] - 1;
  }
  EXPECT_NEAR(double(gaps), 20.0, 2.0) << "200 ms at 100 windows/s";
  EXPECT_EQ(reported, gaps);
  EXPECT_EQ(m_agent->counters().streams.windowsLost, gaps);
  // Windows carry the first sample's index as data and its time as timestamp.
  EXPECT_EQ(seqs.front(), 0u);
}

// The agent's loop stalls (a long flash erase, a debugger): the sensor FIFO keeps one second and
// drops the rest. Every dropped sample is reported per stream, with the cumulative count, and
// the count is exactly the gap in the delivered samples.
TEST_F(AgentCore, SamplesTheSensorFifoDropsAreReportedExactly) {
  boot();
  handshake();
  proto::StartStream st;
  st.streamId = 3;
  st.sensorId = 5;
  st.windowSamples = 10;  // 1 kHz: a window every 10 ms
  ASSERT_EQ(answer(send(st)).header.type, MessageType::kAck);
  spin(500);
  fake_hal::state().nowUs += 2500000;  // stall 1: 2.5 s without a poll()
  spin(2000);
  fake_hal::state().nowUs += 1700123;  // stall 2
  spin(2000);

  std::vector<uint16_t> values;
  Decoded d;
  while (pop(MessageType::kSensorWindow, 0, &d)) {
    const proto::SensorWindow w = d.as<proto::SensorWindow>();
    ASSERT_EQ(w.streamId, 3);
    for (size_t i = 0; i + 1 < w.payload.size(); i += 2)
      values.push_back(uint16_t(w.payload[i] | (w.payload[i + 1] << 8)));
  }
  std::vector<uint32_t> gaps;
  for (size_t i = 1; i < values.size(); ++i) {
    const uint16_t step = uint16_t(values[i] - values[i - 1]);
    if (step != 1) gaps.push_back(uint32_t(step) - 1u);
  }
  ASSERT_EQ(gaps.size(), 2u) << "one jump per stall";
  // 2.5 s at 1 kHz minus the 1001 samples the one-second FIFO keeps, give or take the clock step.
  EXPECT_NEAR(double(gaps[0]), 1500.0, 2.0);
  EXPECT_NEAR(double(gaps[1]), 700.0, 2.0);

  std::vector<std::array<unsigned, 3>> reports;
  while (pop(MessageType::kError, 0, &d)) {
    const proto::Error e = d.as<proto::Error>();
    EXPECT_EQ(e.code, proto::ErrorCode::kStreamOverrun);
    agent_test::LossReport r;
    ASSERT_TRUE(agent_test::parseLossReport(e.text.c_str(), agent_test::kSamplesDropped, &r))
        << e.text.c_str();
    reports.push_back({r.stream, r.count, r.total});
  }
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0], (std::array<unsigned, 3>{3, gaps[0], gaps[0]}));
  EXPECT_EQ(reports[1], (std::array<unsigned, 3>{3, gaps[1], gaps[0] + gaps[1]}));
  EXPECT_EQ(m_agent->counters().streams.samplesLost, gaps[0] + gaps[1]);
  EXPECT_EQ(m_agent->counters().streams.windowsLost, 0u);
}

TEST_F(AgentCore, RefusesWhatItCannotDecode) {
  boot();
  proto::StartStream st;
  Decoded d = answer(send(st));
  ASSERT_EQ(d.header.type, MessageType::kNack);
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kNotNegotiated);
  handshake();
  // A device-to-host type sent to the device.
  proto::Ack bogus;
  d = answer(send(bogus));
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kUnsupportedType);
  // A valid frame holding a truncated StartStream body.
  uint8_t msg[8] = {
      proto::kMaxProtocolVersion, uint8_t(MessageType::kStartStream), 0, 0, 0x34, 0x12, 0, 0};
  uint8_t frame[32];
  const proto::FrameEncodeResult f = proto::FrameEncoder::encode(
      proto::ConstByteSpan(msg, sizeof msg), proto::ByteSpan(frame, sizeof frame));
  fake_hal::state().rx.insert(fake_hal::state().rx.end(), frame, frame + f.size);
  spin(20);
  ASSERT_TRUE(pop(MessageType::kNack, 0x1234, &d));
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kMalformed);
  // A frame with a broken CRC is dropped and reported as RxOverflow.
  frame[2] ^= 0x40;
  fake_hal::state().rx.insert(fake_hal::state().rx.end(), frame, frame + f.size);
  spin(20);
  ASSERT_TRUE(pop(MessageType::kError, 0, &d));
  EXPECT_EQ(d.as<proto::Error>().code, proto::ErrorCode::kRxOverflow);
  // Unknown sensor, oversized window.
  st.sensorId = 9;
  EXPECT_EQ(answer(send(st)).as<proto::Nack>().code, proto::NackCode::kNoSuchSensor);
  st.sensorId = 5;
  st.windowSamples = 300;
  d = answer(send(st));
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kWindowTooLarge);
  EXPECT_EQ(d.as<proto::Nack>().value, 256u);
}

// A window of FlashChunks sent before any answer (protocol 3), one of them lost on the way:
// the agent takes them one at a time in order, answers every one (the chunks after the gap
// with its offset), writes nothing out of order; and a FlashEnd repeated after a lost Ack is
// answered the same.
TEST_F(AgentCore, AWindowOfChunksIsAnsweredOneByOneAndAGapNamesTheOffset) {
  const std::string path = std::string(TINYSCOPE_SHARED_DIR) + "/models/hello_world_int8.tflite";
  if (!agent_test::fileExists(path)) GTEST_SKIP() << "../shared is missing (" << path << ")";
  const std::vector<uint8_t> model = agent_test::readFile(path);
  ASSERT_GT(model.size(), 4 * proto::kMaxChunk);
  boot();
  handshake();
  const proto::FlashBegin fb =
      proto::makeFlashBegin(0, proto::ConstByteSpan(model.data(), model.size()), nullptr, 0);
  ASSERT_EQ(answer(send(fb)).header.type, MessageType::kAck);
  auto chunkAt = [&](uint32_t offset) {
    proto::FlashChunk fc;
    fc.slot = 0;
    fc.offset = offset;
    fc.data = proto::ConstByteSpan(model.data() + offset,
                                   std::min<size_t>(proto::kMaxChunk, model.size() - offset));
    return fc;
  };
  const uint32_t k = proto::kMaxChunk;
  // Chunks 0, 1, 3, 4 in one burst: chunk 2 was lost.
  const uint16_t ids[] = {send(chunkAt(0)), send(chunkAt(k)), send(chunkAt(3 * k)),
                          send(chunkAt(4 * k))};
  spin(100);
  Decoded d;
  ASSERT_TRUE(pop(MessageType::kAck, ids[0], &d));
  EXPECT_EQ(d.as<proto::Ack>().value, k);
  ASSERT_TRUE(pop(MessageType::kAck, ids[1], &d));
  EXPECT_EQ(d.as<proto::Ack>().value, 2 * k);
  for (int i = 2; i < 4; ++i) {
    ASSERT_TRUE(pop(MessageType::kNack, ids[i], &d)) << "chunk " << i << " answered";
    EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kFlashOffsetMismatch);
    EXPECT_EQ(d.as<proto::Nack>().value, 2 * k) << "the gap's offset";
  }
  // Go back to the gap: the rest in one burst, every one acknowledged in order.
  std::vector<uint16_t> rest;
  for (uint32_t off = 2 * k; off < model.size(); off += k) rest.push_back(send(chunkAt(off)));
  spin(200);
  uint32_t expected = 2 * k;
  for (const uint16_t id : rest) {
    ASSERT_TRUE(pop(MessageType::kAck, id, &d));
    expected = std::min<uint32_t>(expected + k, static_cast<uint32_t>(model.size()));
    EXPECT_EQ(d.as<proto::Ack>().value, expected);
  }
  proto::FlashEnd fe;
  ASSERT_EQ(answer(send(fe)).as<proto::Ack>().value, fb.crc32);
  EXPECT_EQ(answer(send(fe)).as<proto::Ack>().value, fb.crc32) << "a repeated FlashEnd";
  proto::VerifySlot vs;
  EXPECT_EQ(answer(send(vs)).as<proto::Ack>().value, fb.crc32);
}

TEST_F(AgentCore, TornFlashReadsAsEmptyAndAFinishedOneRunsWithCapture) {
  const std::string path = std::string(TINYSCOPE_SHARED_DIR) + "/models/hello_world_int8.tflite";
  if (!agent_test::fileExists(path)) GTEST_SKIP() << "../shared is missing (" << path << ")";
  const std::vector<uint8_t> model = agent_test::readFile(path);
  boot();
  handshake();
  const proto::FlashBegin fb =
      proto::makeFlashBegin(0, proto::ConstByteSpan(model.data(), model.size()), nullptr, 0);
  ASSERT_EQ(answer(send(fb)).header.type, MessageType::kAck);
  proto::FlashChunk fc;
  fc.slot = 0;
  fc.offset = 0;
  fc.data = proto::ConstByteSpan(model.data(), proto::kMaxChunk);
  ASSERT_EQ(answer(send(fc)).as<proto::Ack>().value, proto::kMaxChunk);

  // Power cut: a new agent on the same storage sees no model in slot 0.
  m_messages.clear();
  boot();
  handshake();
  proto::SlotInfoRequest q;
  const uint16_t qid = send(q);
  spin(20);
  Decoded d;
  ASSERT_TRUE(pop(MessageType::kSlotInfo, qid, &d));
  EXPECT_EQ(d.as<proto::SlotInfo>().state, proto::SlotState::kEmpty)
      << "payload without header reads as no model";

  ASSERT_EQ(answer(send(fb)).as<proto::Ack>().value, 0u) << "a new transfer starts from 0";
  sendChunks(model);
  ASSERT_FALSE(HasFailure());
  proto::FlashEnd fe;
  ASSERT_EQ(answer(send(fe)).as<proto::Ack>().value, fb.crc32);
  proto::Activate act;
  ASSERT_EQ(answer(send(act)).header.type, MessageType::kAck);

  const std::vector<uint8_t> input = {0x21};
  proto::InputChunk ic;
  ic.totalBytes = 1;
  ic.data = proto::ConstByteSpan(input.data(), 1);
  ASSERT_EQ(answer(send(ic)).header.type, MessageType::kAck);
  // Capture op 1 only, over a link that takes 5 bytes per call.
  fake_hal::state().txPerCall = 5;
  proto::RunInference run;
  run.source = proto::InputSource::kUploaded;
  run.capture = proto::CaptureMode::kSelectedOps;
  run.captureOps.push(1);
  const uint16_t rid = send(run);
  spin(200);
  const agent_test::ReferenceRun ref = agent_test::runReference(model, input);
  ASSERT_TRUE(ref.ok);
  ASSERT_TRUE(pop(MessageType::kInferenceResult, rid, &d));
  const proto::InferenceResult res = d.as<proto::InferenceResult>();
  ASSERT_EQ(res.status, proto::InferenceStatus::kOk);
  ASSERT_EQ(res.ops.size(), 3u);
  EXPECT_EQ(res.ops[0].ticks, 5u) << "the fake clock advances 5 ticks per reading";
  ASSERT_EQ(res.outputs.size(), 1u);
  EXPECT_EQ(std::vector<uint8_t>(res.outputs[0].data.begin(), res.outputs[0].data.end()),
            ref.outputs[0]);
  std::vector<std::pair<int, std::vector<uint8_t>>> chunks;
  while (pop(MessageType::kTensorChunk, rid, &d)) {
    const proto::TensorChunk c = d.as<proto::TensorChunk>();
    chunks.emplace_back(c.opIndex, std::vector<uint8_t>(c.data.begin(), c.data.end()));
  }
  ASSERT_EQ(chunks.size(), 2u) << "the model input and op 1's output";
  EXPECT_EQ(chunks[0].first, proto::kModelInputOp);
  EXPECT_EQ(chunks[0].second, input);
  EXPECT_EQ(chunks[1].first, 1);
  EXPECT_EQ(chunks[1].second, (ref.opOutputs.at({1, 0})));
}

TEST_F(AgentCore, LogQueueIsBoundedAndCounted) {
  boot();  // the boot message takes one entry
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(m_agent->log(proto::LogLevel::kInfo, "hello"));
  EXPECT_FALSE(m_agent->log(proto::LogLevel::kInfo, "one too many"));
  EXPECT_EQ(m_agent->counters().logsDropped, 1u);
  spin(10);
  size_t logs = 0;
  Decoded d;
  while (pop(MessageType::kLog, 0, &d)) ++logs;
  EXPECT_EQ(logs, 4u);
}

TEST_F(AgentCore, HelloWithAnUnsupportedVersionIsAnsweredAtOnce) {
  boot();
  m_messages.clear();
  // Header version 0 exists in no protocol version: Nack WrongVersion, value = what the
  // device speaks, on the very next poll.
  std::vector<uint8_t> hello = encoded(proto::Hello(), 0x0101);
  hello[0] = 0;
  sendRaw(hello);
  spin(1);
  Decoded d;
  ASSERT_TRUE(pop(MessageType::kNack, 0x0101, &d));
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kWrongVersion);
  EXPECT_EQ(d.as<proto::Nack>().nackedType, uint8_t(MessageType::kHello));
  EXPECT_EQ(d.as<proto::Nack>().value, proto::kMaxProtocolVersion);
  EXPECT_FALSE(m_agent->negotiated());
  // A Hello whose range misses the device's: HelloReply chosenVersion 0 with the device's
  // range (PROTOCOL.md section 3), at once, and no session.
  proto::Hello future;
  future.minVersion = proto::kMaxProtocolVersion + 1;
  future.maxVersion = proto::kMaxProtocolVersion + 2;
  const uint16_t id = send(future);
  spin(1);
  ASSERT_TRUE(pop(MessageType::kHelloReply, id, &d));
  EXPECT_EQ(d.as<proto::HelloReply>().chosenVersion, 0);
  EXPECT_EQ(d.as<proto::HelloReply>().maxVersion, proto::kMaxProtocolVersion);
  EXPECT_FALSE(m_agent->negotiated());
  EXPECT_EQ(answer(send(proto::StopStream())).as<proto::Nack>().code,
            proto::NackCode::kNotNegotiated);
}

TEST_F(AgentCore, MalformedRequestsAreNackedWithTheirRequestId) {
  boot();
  handshake();
  // Trailing bytes after a StopStream body: the header is fine, so its id comes back.
  std::vector<uint8_t> stop = encoded(proto::StopStream(), 0x4321);
  stop.push_back(0xEE);
  sendRaw(stop);
  // A header cut after 4 bytes: no request id to echo.
  sendRaw({1, uint8_t(MessageType::kStopStream), 0, 0});
  spin(20);
  Decoded d;
  ASSERT_TRUE(pop(MessageType::kNack, 0x4321, &d));
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kMalformed);
  EXPECT_EQ(d.as<proto::Nack>().nackedType, uint8_t(MessageType::kStopStream));
  EXPECT_EQ(d.as<proto::Nack>().value, uint32_t(proto::Status::kTrailingBytes));
  ASSERT_TRUE(pop(MessageType::kNack, 0, &d));
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kMalformed);
  EXPECT_EQ(d.as<proto::Nack>().value, uint32_t(proto::Status::kTruncated));
}

TEST_F(AgentCore, AModelThisBuildCannotRunFailsItsActivationSelfTestNamingTheOperator) {
  const std::string path = std::string(TINYSCOPE_SHARED_DIR) + "/models/hello_world_int8.tflite";
  if (!agent_test::fileExists(path)) GTEST_SKIP() << "../shared is missing (" << path << ")";
  const std::vector<uint8_t> model = agent_test::readFile(path);
  const tinyscope::runner::MutableOpResolver<1> noKernels;  // a build without FULLY_CONNECTED
  boot(&noKernels);
  handshake();
  m_messages.clear();  // the boot report
  const Decoded act = flashAndActivate(model);
  ASSERT_EQ(act.header.type, MessageType::kNack)
      << "the image is a sound model, but the self-test cannot run it on this build";
  EXPECT_EQ(act.as<proto::Nack>().code, proto::NackCode::kSlotNotValid);
  EXPECT_EQ(act.as<proto::Nack>().value, uint32_t(proto::InferenceStatus::kUnsupportedOp));
  const std::string why = onlyLog(act.header.requestId);
  EXPECT_NE(why.find("self-test failed"), std::string::npos) << why;
  EXPECT_NE(why.find("op 0 FULLY_CONNECTED"), std::string::npos) << why;

  // Nothing was active before, so nothing is now: a run says so instead of failing inside.
  proto::InferenceStatus status;
  runUploaded(&status);
  EXPECT_EQ(status, proto::InferenceStatus::kNoModel);
}

TEST_F(AgentCore, AnArenaTooSmallFailsTheSelfTestAndIsReportedAsSuch) {
  const std::string path = std::string(TINYSCOPE_SHARED_DIR) + "/models/hello_world_int8.tflite";
  if (!agent_test::fileExists(path)) GTEST_SKIP() << "../shared is missing (" << path << ")";
  const std::vector<uint8_t> model = agent_test::readFile(path);
  boot(nullptr, 64);
  handshake();
  m_messages.clear();  // the boot report
  const Decoded act = flashAndActivate(model);
  ASSERT_EQ(act.header.type, MessageType::kNack);
  EXPECT_EQ(act.as<proto::Nack>().value, uint32_t(proto::InferenceStatus::kArenaTooSmall));
  const std::string why = onlyLog(act.header.requestId);
  EXPECT_NE(why.find("self-test failed"), std::string::npos) << why;
  EXPECT_NE(why.find("arena is too small"), std::string::npos) << why;

  // Without a metadata store, a reboot takes the lowest valid slot; its boot report says why
  // it cannot run.
  m_messages.clear();
  boot(nullptr, 64);
  spin(10);
  const std::vector<std::string> texts = logs(0);
  ASSERT_FALSE(texts.empty());
  EXPECT_NE(texts[0].find("arena too small"), std::string::npos) << texts[0];
}

TEST_F(AgentCore, AnImageThatIsNoModelIsRefusedAtActivationWithTheRuntimeStatus) {
  boot();
  handshake();
  m_messages.clear();  // the boot report
  std::vector<uint8_t> junk(700);
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = uint8_t(i * 37 + 11);
  const Decoded d = flashAndActivate(junk);
  ASSERT_EQ(d.header.type, MessageType::kNack);
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kSlotNotValid);
  const uint32_t status = d.as<proto::Nack>().value;
  EXPECT_NE(status, 0u) << "value = the runtime's Status for the image";
  const std::string why = onlyLog(d.header.requestId);
  EXPECT_EQ(why.rfind("slot 0: image refused", 0), 0u) << why;
  EXPECT_NE(why.find(tinyscope::runner::statusMessage(tinyscope::runner::Status(status))),
            std::string::npos)
      << why;
  EXPECT_TRUE(logs(0).empty()) << "a refused image never loads, so nothing else is logged";
  // The same explanation for VerifySlot.
  proto::VerifySlot verify;
  const uint16_t vid = send(verify);
  EXPECT_EQ(answer(vid).as<proto::Nack>().value, status);
  EXPECT_EQ(onlyLog(vid), why);
  proto::InferenceStatus runStatus;
  runUploaded(&runStatus);
  EXPECT_EQ(runStatus, proto::InferenceStatus::kNoModel)
      << "the refused image never became the active model";
}

// RunPipeline: refused by a build without pipelines; with one, what cannot run is explained
// (a Log with the request id) before the InferenceResult that closes the request.
TEST_F(AgentCore, APipelineThatCannotRunIsRefusedOrExplainedBeforeItsResult) {
  const std::string path = std::string(TINYSCOPE_SHARED_DIR) + "/models/hello_world_int8.tflite";
  if (!agent_test::fileExists(path)) GTEST_SKIP() << "../shared is missing (" << path << ")";
  const std::vector<uint8_t> model = agent_test::readFile(path);
  boot();
  handshake();
  proto::RunPipeline run;
  run.frontEndSlot = 1;
  run.strideSamples = 320;
  Decoded d = answer(send(run));
  ASSERT_EQ(d.header.type, MessageType::kNack);
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kUnsupportedType);

  m_withPipeline = true;
  boot();
  handshake();
  ASSERT_EQ(flashAndActivate(model).header.type, MessageType::kAck);
  run.frontEndSlot = 7;  // the agent has 2 slots
  d = answer(send(run));
  ASSERT_EQ(d.header.type, MessageType::kNack);
  EXPECT_EQ(d.as<proto::Nack>().code, proto::NackCode::kNoSuchSlot);

  run.frontEndSlot = 1;  // empty
  m_messages.clear();
  const uint16_t id = send(run);
  spin(50);
  Decoded log, result;
  ASSERT_TRUE(pop(MessageType::kLog, id, &log));
  EXPECT_EQ(std::string(log.as<proto::Log>().text.c_str()),
            "pipeline: slot 1 holds no front-end model");
  ASSERT_TRUE(pop(MessageType::kInferenceResult, id, &result));
  EXPECT_EQ(result.as<proto::InferenceResult>().status, proto::InferenceStatus::kNoModel);

  // The active model as its own front-end: int8 in, so no audio front-end.
  run.frontEndSlot = 0;
  const uint16_t id2 = send(run);
  spin(50);
  ASSERT_TRUE(pop(MessageType::kLog, id2, &log));
  EXPECT_EQ(std::string(log.as<proto::Log>().text.c_str()),
            "pipeline: the front-end in slot 0 needs one int16 input and an output that tiles "
            "the model's 1-byte input");
  ASSERT_TRUE(pop(MessageType::kInferenceResult, id2, &result));
  EXPECT_EQ(result.as<proto::InferenceResult>().status, proto::InferenceStatus::kInputSizeMismatch);
}
