// The real tinyscope-agent process over stdio, a pseudo-terminal and TCP: handshake,
// streaming (contiguous sequences, rate, counted overruns), on-device inference with full
// tensor capture compared bit for bit with the desktop runtime and the golden tensors,
// flashing a model into a slot (resumable, surviving a restart), and the command line.
#include <gtest/gtest.h>

#include <dirent.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent_link.h"
#include "agent_reference.h"
#include "device_protocol/crc32.h"
#include "loss_report.h"

using namespace agent_test;
using proto::MessageType;

namespace {

const std::string kShared = TINYSCOPE_SHARED_DIR;

std::string sharedModel(const std::string& name) {
  return kShared + "/models/" + name + ".tflite";
}

#define REQUIRE_SHARED(path)                                            \
  if (!fileExists(path))                                                \
  GTEST_SKIP() << "../shared is missing (" << (path) << " not found); " \
               << "set TINYSCOPE_SHARED_DIR to the folder with models/ and golden/"

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/tinyscope-agent-test-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

struct Session {
  AgentProcess process;
  std::unique_ptr<AgentClient> client;
  proto::HelloReply hello;

  bool open(Link link, const std::vector<std::string>& args) {
    if (!process.start(link, args)) {
      ADD_FAILURE() << "tinyscope-agent did not start on " << linkName(link) << ": "
                    << process.error();
      return false;
    }
    client = std::make_unique<AgentClient>(process.readFd(), process.writeFd());
    if (!client->hello(&hello)) {
      ADD_FAILURE() << "no HelloReply over " << linkName(link);
      return false;
    }
    return true;
  }
};

// Everything a run sends: TensorChunks reassembled per (op, tensor), then the result.
struct CapturedRun {
  bool complete = false;
  proto::InferenceStatus status = proto::InferenceStatus::kOk;
  Message resultMessage;
  std::map<std::pair<int, int>, std::vector<uint8_t>> tensors;  // (opIndex, tensorIndex)
  std::map<std::pair<int, int>, uint32_t> received;
  uint64_t chunkBytes = 0;
  size_t chunks = 0;
  uint64_t startUs = 0;
  uint64_t endUs = 0;
  bool chunksInOrder = true;
};

CapturedRun collectRun(AgentClient& client, uint16_t requestId, int timeoutMs = 60000) {
  CapturedRun run;
  run.startUs = nowUs();
  const uint64_t end = nowUs() + uint64_t(timeoutMs) * 1000;
  Message m;
  while (nowUs() < end && client.next(&m, int((end - nowUs()) / 1000) + 1)) {
    if (m.header.requestId != requestId) continue;
    if (m.type() == MessageType::kTensorChunk) {
      const proto::TensorChunk c = m.decode<proto::TensorChunk>();
      auto key = std::make_pair(int(c.opIndex), int(c.tensorIndex));
      std::vector<uint8_t>& t = run.tensors[key];
      t.resize(c.totalBytes);
      if (c.offset != run.received[key]) run.chunksInOrder = false;
      std::copy(c.data.begin(), c.data.end(), t.begin() + c.offset);
      run.received[key] = c.offset + uint32_t(c.data.size());
      run.chunkBytes += c.data.size();
      ++run.chunks;
    } else if (m.type() == MessageType::kInferenceResult) {
      run.resultMessage = m;
      run.status = m.decode<proto::InferenceResult>().status;
      run.complete = true;
      run.endUs = m.receivedUs;
      break;
    }
  }
  return run;
}

uint16_t uploadInput(AgentClient& client, const std::vector<uint8_t>& input) {
  uint16_t last = 0;
  for (size_t off = 0; off < input.size(); off += proto::kMaxChunk) {
    proto::InputChunk c;
    c.inputIndex = 0;
    c.totalBytes = uint32_t(input.size());
    c.offset = uint32_t(off);
    c.data =
        proto::ConstByteSpan(input.data() + off, std::min(proto::kMaxChunk, input.size() - off));
    const Message ack = client.request(c);
    EXPECT_EQ(ack.type(), MessageType::kAck) << "InputChunk at " << off;
    if (ack.type() == MessageType::kAck) {
      EXPECT_EQ(ack.decode<proto::Ack>().value, off + c.data.size());
    }
    last = ack.header.requestId;
  }
  return last;
}

uint16_t runAllOps(AgentClient& client, proto::InputSource source, uint8_t streamId = 0) {
  proto::RunInference r;
  r.slot = proto::kActiveSlot;
  r.source = source;
  r.streamId = streamId;
  r.capture = proto::CaptureMode::kAllOps;
  return client.send(r);
}

// Compares a captured run with the desktop runtime (and the golden tensors when given).
void expectBitExact(const CapturedRun& run, const ReferenceRun& ref,
                    const std::string& goldenTensorsDir) {
  ASSERT_TRUE(run.complete);
  ASSERT_EQ(run.status, proto::InferenceStatus::kOk);
  EXPECT_TRUE(run.chunksInOrder);
  const proto::InferenceResult result = run.resultMessage.decode<proto::InferenceResult>();
  EXPECT_EQ(result.ops.size(),
            std::min<size_t>(ref.opOutputs.size() > 0 ? ref.opOutputs.rbegin()->first.first + 1 : 0,
                             proto::kMaxOps));
  size_t compared = 0;
  size_t golden = 0;
  for (const auto& [key, bytes] : ref.opOutputs) {
    auto it = run.tensors.find(key);
    ASSERT_NE(it, run.tensors.end())
        << "op " << key.first << " output " << key.second << " not captured";
    EXPECT_EQ(it->second, bytes) << "op " << key.first << " output " << key.second
                                 << " differs from the desktop";
    ++compared;
    if (!goldenTensorsDir.empty()) {
      const int tensor = ref.tensorOfOutput.at(key.first * 256 + key.second);
      const std::string path = goldenTensorsDir + "/T" + std::to_string(tensor) + ".bin";
      if (fileExists(path)) {
        EXPECT_EQ(it->second, readFile(path))
            << "op " << key.first << " differs from golden " << path;
        ++golden;
      }
    }
  }
  auto in = run.tensors.find({proto::kModelInputOp, 0});
  ASSERT_NE(in, run.tensors.end()) << "model input not captured";
  EXPECT_EQ(in->second, ref.inputs.at(0));
  // Outputs: inline in the result or as kModelOutputOp chunks.
  for (size_t i = 0; i < ref.outputs.size(); ++i) {
    std::vector<uint8_t> got;
    if (i < result.outputs.size() && !result.outputs[i].data.empty()) {
      got.assign(result.outputs[i].data.begin(), result.outputs[i].data.end());
    } else if (run.tensors.count({proto::kModelOutputOp, int(i)}) != 0) {
      got = run.tensors.at({proto::kModelOutputOp, int(i)});
    }
    EXPECT_EQ(got, ref.outputs[i]) << "model output " << i;
  }
  EXPECT_GT(compared, 0u);
  if (!goldenTensorsDir.empty()) {
    EXPECT_GT(golden, 0u) << "no golden tensor files in " << goldenTensorsDir;
  }
}

class AgentOverLink : public ::testing::TestWithParam<Link> {};

}  // namespace

TEST_P(AgentOverLink, HandshakeDescribesTheDevice) {
  Session s;
  ASSERT_TRUE(s.open(GetParam(),
                     {"--sensor", "imu", "--sensor", "audio", "--no-model", "--slot-count", "3"}));
  const proto::HelloReply& h = s.hello;
  EXPECT_EQ(h.chosenVersion, proto::kMaxProtocolVersion);
  EXPECT_STREQ(h.boardName.c_str(), "host");
  EXPECT_NE(std::string(h.firmwareVersion.c_str()).find("host"), std::string::npos);
  EXPECT_EQ(h.deviceId.size(), 8u);
  EXPECT_EQ(h.tickHz, 1000000000u);
  EXPECT_GE(h.maxFrameSize, proto::kMinDeviceFrameSize);
  EXPECT_GE(h.arenaBytes, 1u << 20);
  ASSERT_EQ(h.sensors.size(), 2u);
  EXPECT_STREQ(h.sensors[0].name.c_str(), "imu");
  EXPECT_EQ(h.sensors[0].axes, 3);
  EXPECT_EQ(h.sensors[0].rateMilliHz, 50000u);
  EXPECT_STREQ(h.sensors[1].name.c_str(), "audio");
  EXPECT_EQ(h.sensors[1].rateMilliHz, 16000000u);
  ASSERT_EQ(h.slots.size(), 3u);
  for (const proto::SlotInfo& slot : h.slots) EXPECT_EQ(slot.state, proto::SlotState::kEmpty);
  std::set<uint16_t> ops(h.opCodes.begin(), h.opCodes.end());
  EXPECT_TRUE(ops.count(9)) << "FULLY_CONNECTED missing from the supported ops";
  EXPECT_TRUE(ops.count(3)) << "CONV_2D missing from the supported ops";
  EXPECT_EQ(s.process.stop(), 0);
}

TEST_P(AgentOverLink, StreamsWindowsWithContiguousSequenceAtTheRequestedRate) {
  Session s;
  ASSERT_TRUE(s.open(GetParam(), {"--sensor", "sine", "--channels", "2"}));
  proto::StartStream start;
  start.streamId = 3;
  start.sensorId = 0;
  start.rateMilliHz = 1000000;  // 1 kHz
  start.windowSamples = 10;     // 100 windows/s
  const Message ack = s.client->request(start);
  ASSERT_EQ(ack.type(), MessageType::kAck);
  EXPECT_EQ(ack.decode<proto::Ack>().value, 1000000u);

  std::vector<proto::SensorWindow> windows;
  std::vector<Message> keep;
  const uint64_t t0 = nowUs();
  Message m;
  while (nowUs() - t0 < 2000000 && s.client->next(&m, 500)) {
    if (m.type() != MessageType::kSensorWindow) continue;
    keep.push_back(m);
  }
  const uint64_t elapsed = nowUs() - t0;
  proto::StopStream stop;
  stop.streamId = 3;
  EXPECT_EQ(s.client->request(stop).type(), MessageType::kAck);

  for (const Message& k : keep) windows.push_back(k.decode<proto::SensorWindow>());
  ASSERT_GT(windows.size(), 50u);
  for (size_t i = 0; i < windows.size(); ++i) {
    EXPECT_EQ(windows[i].sequence, i) << "sequence gap";
    EXPECT_EQ(windows[i].streamId, 3);
    EXPECT_EQ(windows[i].channels, 2);
    EXPECT_EQ(windows[i].sampleCount, 10);
    EXPECT_EQ(windows[i].payload.size(), 40u);
  }
  const double rate = double(windows.size()) * 1e6 / double(elapsed);
  EXPECT_NEAR(rate, 100.0, 15.0) << "windows per second (wall clock; the machine may be busy)";
  const double span = double(windows.back().timestampUs - windows.front().timestampUs);
  const double perWindow = span / double(windows.size() - 1);
  EXPECT_NEAR(perWindow, 10000.0, 50.0) << "device timestamps must advance by 10 samples at 1 kHz";
  std::printf(
      "[ figures ] %s: 1 kHz x 2 ch stream, %.1f windows/s received, %.1f us between window "
      "timestamps\n",
      linkName(GetParam()), rate, perWindow);
}

TEST_P(AgentOverLink, RunsTheModelWithFullTensorCaptureBitExact) {
  const std::string model = sharedModel("hello_world_int8");
  REQUIRE_SHARED(model);
  const std::string caseDir = kShared + "/golden/hello_world_int8/seed1";
  Session s;
  ASSERT_TRUE(s.open(GetParam(), {"--model", model}));
  ASSERT_EQ(s.hello.slots[0].state, proto::SlotState::kActive);
  EXPECT_STREQ(s.hello.slots[0].modelName.c_str(), "hello_world_int8");
  const std::vector<uint8_t> input = readFile(caseDir + "/input.bin");
  ASSERT_FALSE(input.empty());
  uploadInput(*s.client, input);
  const CapturedRun run =
      collectRun(*s.client, runAllOps(*s.client, proto::InputSource::kUploaded));
  const ReferenceRun ref = runReference(readFile(model), input);
  ASSERT_TRUE(ref.ok) << ref.error;
  expectBitExact(run, ref, caseDir + "/tensors");
  const proto::InferenceResult result = run.resultMessage.decode<proto::InferenceResult>();
  EXPECT_EQ(result.ops.size(), 3u);
  for (const proto::OpTiming& op : result.ops) EXPECT_EQ(op.opCode, 9) << "FULLY_CONNECTED";
  EXPECT_GT(result.totalTicks, 0u);

  // A second run without a new upload is refused: uploads are consumed by a run.
  const CapturedRun again =
      collectRun(*s.client, runAllOps(*s.client, proto::InputSource::kUploaded));
  ASSERT_TRUE(again.complete);
  EXPECT_EQ(again.status, proto::InferenceStatus::kInputMissing);
}

INSTANTIATE_TEST_SUITE_P(Links, AgentOverLink,
                         ::testing::Values(Link::kStdio, Link::kPty, Link::kTcp),
                         [](const ::testing::TestParamInfo<Link>& i) {
                           return std::string(linkName(i.param));
                         });

class AgentHighRate : public ::testing::TestWithParam<Link> {};

TEST_P(AgentHighRate, Streams16kHzTimes8ChannelsWithoutLoss) {
  Session s;
  ASSERT_TRUE(s.open(GetParam(), {"--sensor", "audio", "--channels", "8", "--no-model"}));
  proto::StartStream start;
  start.sensorId = 0;
  start.windowSamples = 32;  // 32 x 8 ch x 2 bytes = 512 bytes = kMaxChunk
  ASSERT_EQ(s.client->request(start).type(), MessageType::kAck);
  uint64_t bytes = 0;
  uint32_t expected = 0;
  uint32_t gaps = 0;
  size_t windows = 0;
  uint64_t firstTs = 0;
  uint64_t lastTs = 0;
  const uint64_t t0 = nowUs();
  Message m;
  while (nowUs() - t0 < 3000000 && s.client->next(&m, 500)) {
    if (m.type() != MessageType::kSensorWindow) continue;
    const proto::SensorWindow w = m.decode<proto::SensorWindow>();
    if (w.sequence != expected) gaps += w.sequence - expected;
    expected = w.sequence + 1;
    if (windows == 0) firstTs = w.timestampUs;
    lastTs = w.timestampUs;
    bytes += w.payload.size();
    ++windows;
  }
  const double seconds = double(nowUs() - t0) / 1e6;
  EXPECT_EQ(gaps, 0u) << "windows lost while the host was reading";
  ASSERT_GT(windows, 100u);
  // The device's own clock says how fast it samples; the wall clock says whether the link
  // kept up (loosely: the machine may be busy with other builds).
  const double deviceRate = double(windows - 1) * 32 / (double(lastTs - firstTs) / 1e6);
  EXPECT_NEAR(deviceRate, 16000.0, 16000.0 * 0.01);
  const double samplesPerSecond = double(windows) * 32 / seconds;
  EXPECT_NEAR(samplesPerSecond, 16000.0, 16000.0 * 0.25);
  std::printf(
      "[ figures ] %s: 16 kHz x 8 ch, %.0f samples/s received (device clock %.1f), %.0f payload "
      "bytes/s, "
      "%u windows lost\n",
      linkName(GetParam()), samplesPerSecond, deviceRate, double(bytes) / seconds, gaps);
}

INSTANTIATE_TEST_SUITE_P(Links, AgentHighRate,
                         ::testing::Values(Link::kStdio, Link::kPty, Link::kTcp),
                         [](const ::testing::TestParamInfo<Link>& i) {
                           return std::string(linkName(i.param));
                         });

TEST(AgentProcess, OverrunsAreCountedAndReportedWhenTheHostStopsReading) {
  Session s;
  ASSERT_TRUE(s.open(Link::kStdio,
                     {"--sensor", "audio", "--channels", "8", "--tx-buffer", "4K", "--no-model"}));
  proto::StartStream start;
  start.windowSamples = 32;
  ASSERT_EQ(s.client->request(start).type(), MessageType::kAck);
  uint32_t expected = 0;
  uint32_t gaps = 0;
  uint32_t reported = 0;
  uint32_t lastTotal = 0;
  size_t errors = 0;
  auto consume = [&](uint64_t forUs) {
    s.client->readFor(forUs, [&](const Message& m) {
      if (m.type() == MessageType::kSensorWindow) {
        const proto::SensorWindow w = m.decode<proto::SensorWindow>();
        if (w.sequence != expected) gaps += w.sequence - expected;
        expected = w.sequence + 1;
      } else if (m.type() == MessageType::kError) {
        const proto::Error e = m.decode<proto::Error>();
        ASSERT_EQ(e.code, proto::ErrorCode::kStreamOverrun) << e.text.c_str();
        LossReport r;
        ASSERT_TRUE(parseLossReport(e.text.c_str(), kWindowsLost, &r)) << e.text.c_str();
        reported += r.count;
        lastTotal = r.total;
        ++errors;
      }
    });
  };
  consume(500000);
  EXPECT_EQ(gaps, 0u);
  usleep(1500000);  // the host stops reading: pipe and TX ring fill up
  consume(1500000);
  proto::StopStream stop;
  const Message stopAck = s.client->request(stop);
  ASSERT_EQ(stopAck.type(), MessageType::kAck);
  consume(500000);
  EXPECT_GT(gaps, 100u) << "1.5 s without reading at 500 windows/s must lose windows";
  EXPECT_GE(errors, 1u);
  EXPECT_EQ(reported, gaps) << "every lost window is reported, none silently";
  EXPECT_EQ(lastTotal, gaps);
  std::printf(
      "[ figures ] overrun: %u windows lost while the host did not read, reported in %zu Error "
      "messages\n",
      gaps, errors);
}

// The agent process is frozen (SIGSTOP) for 1.5 s while its sensor runs at 1 kHz: the sensor FIFO
// keeps one second and drops the rest. The agent reports every dropped sample, and the count is
// exactly what the window timestamps show: window n starts at sample n * 50 + dropped.
TEST(AgentProcess, SamplesDroppedDuringAStallAreReportedWithTheExactCount) {
  Session s;
  ASSERT_TRUE(s.open(Link::kStdio, {"--sensor", "sine", "--rate", "1000", "--no-model"}));
  proto::StartStream start;
  start.streamId = 4;
  start.windowSamples = 50;
  ASSERT_EQ(s.client->request(start).type(), MessageType::kAck);
  bool haveFirst = false;
  uint64_t firstUs = 0;
  uint32_t lastSequence = 0;
  uint64_t lastUs = 0;
  uint32_t reported = 0;
  uint32_t lastTotal = 0;
  auto consume = [&](uint64_t forUs) {
    s.client->readFor(forUs, [&](const Message& m) {
      if (m.type() == MessageType::kSensorWindow) {
        const proto::SensorWindow w = m.decode<proto::SensorWindow>();
        if (!haveFirst) {
          ASSERT_EQ(w.sequence, 0u);
          firstUs = w.timestampUs;
          haveFirst = true;
        }
        lastSequence = w.sequence;
        lastUs = w.timestampUs;
      } else if (m.type() == MessageType::kError) {
        const proto::Error e = m.decode<proto::Error>();
        ASSERT_EQ(e.code, proto::ErrorCode::kStreamOverrun) << e.text.c_str();
        LossReport r;
        if (parseLossReport(e.text.c_str(), kSamplesDropped, &r)) {
          EXPECT_EQ(r.stream, 4u);
          reported += r.count;
          lastTotal = r.total;
        }
      }
    });
  };
  consume(300000);
  ASSERT_TRUE(haveFirst);
  ASSERT_EQ(::kill(s.process.pid(), SIGSTOP), 0);
  usleep(1500000);
  ASSERT_EQ(::kill(s.process.pid(), SIGCONT), 0);
  consume(600000);
  proto::StopStream stop;
  stop.streamId = 4;
  ASSERT_EQ(s.client->request(stop).type(), MessageType::kAck);
  consume(300000);
  // At 1 kHz, sample k is stamped first + k ms exactly.
  const uint64_t lastIndex = (lastUs - firstUs) / 1000u;
  ASSERT_EQ((lastUs - firstUs) % 1000u, 0u);
  const uint64_t dropped = lastIndex - uint64_t(lastSequence) * 50u;
  EXPECT_GT(dropped, 300u) << "1.5 s frozen with a one-second FIFO";
  EXPECT_EQ(reported, dropped) << "every dropped sample is reported, none silently";
  EXPECT_EQ(lastTotal, dropped);
  std::printf("[ figures ] stall: %llu samples dropped by the sensor FIFO, all reported\n",
              static_cast<unsigned long long>(dropped));
}

TEST(AgentProcess, RequestsBeforeHelloAreRefused) {
  AgentProcess p;
  ASSERT_TRUE(p.start(Link::kStdio, {"--no-model"})) << p.error();
  AgentClient c(p.readFd(), p.writeFd());
  proto::StartStream start;
  const Message m = c.request(start);
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kNotNegotiated);
}

TEST(AgentProcess, CoreModelsRunBitExactWithFullCapture) {
  const char* kCore[] = {
      "hello_world_int8", "micro_speech_quantized", "person_detect", "kws_ref_model",
      "vww_96_int8",      "pretrainedResnet_quant", "ad01_int8"};
  REQUIRE_SHARED(sharedModel("hello_world_int8"));
  size_t ran = 0;
  for (const char* name : kCore) {
    SCOPED_TRACE(name);
    const std::string model = sharedModel(name);
    const std::string caseDir = kShared + "/golden/" + name + "/seed1";
    const std::vector<uint8_t> input = readFile(caseDir + "/input.bin");
    const ReferenceRun ref = runReference(readFile(model), input);
    if (!ref.ok) {
      std::printf("[ skipped ] %s: the desktop runtime cannot run it yet (%s)\n", name,
                  ref.error.c_str());
      continue;
    }
    Session s;
    ASSERT_TRUE(s.open(Link::kStdio, {"--model", model}));
    uploadInput(*s.client, input);
    const CapturedRun run =
        collectRun(*s.client, runAllOps(*s.client, proto::InputSource::kUploaded));
    expectBitExact(run, ref, caseDir + "/tensors");
    const double seconds = double(run.endUs - run.startUs) / 1e6;
    std::printf(
        "[ figures ] %s: %zu ops, %zu TensorChunks, %llu tensor bytes in %.3f s = %.1f MB/s "
        "(stdio)\n",
        name, run.resultMessage.decode<proto::InferenceResult>().ops.size(), run.chunks,
        static_cast<unsigned long long>(run.chunkBytes), seconds,
        double(run.chunkBytes) / seconds / 1e6);
    ++ran;
  }
  EXPECT_GT(ran, 0u);
}
