// DeviceSession against a hostile device played in-process (tests/support/fake_device.h):
// every input below is the exact one that broke the session before, and each now ends in
// one clear error or a true count, with nothing allocated that was not asked for.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "app/core/device/device_text.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/model_flasher.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/tflite_schema.h"
#include "tests/support/fake_device.h"

using namespace tinyscope;
using namespace tinyscope::proto;

namespace {

TensorChunk chunk(uint16_t op, uint8_t tensor, std::initializer_list<int32_t> dims, uint32_t offset,
                  const QByteArray& data) {
  TensorChunk c;
  c.opIndex = op;
  c.tensorIndex = tensor;
  c.desc.type = ElementType::kInt8;
  for (int32_t d : dims) c.desc.dims.push(d);
  c.totalBytes = tensorByteSize(c.desc);
  c.offset = offset;
  c.data = ConstByteSpan(reinterpret_cast<const uint8_t*>(data.constData()),
                         static_cast<size_t>(data.size()));
  return c;
}

// A run in flight on `dev`; *failure / *done say how it ended.
struct PendingRun {
  quint16 id = 0;
  bool done = false;
  QString failure;
};
std::unique_ptr<PendingRun> startRun(FakeDevice& dev, int timeoutMs = 30000) {
  auto run = std::make_unique<PendingRun>();
  PendingRun* r = run.get();
  r->id = dev.session->runInference(
      QByteArray(16, '\1'), CaptureMode::kAllOps, {}, [r](const InferenceRun&) { r->done = true; },
      [r](const QString& why) { r->failure = why; }, timeoutMs);
  dev.takeRequests();
  return run;
}

InferenceResult okResult() {
  InferenceResult r;
  r.status = InferenceStatus::kOk;
  return r;
}

}  // namespace

TEST(DeviceSessionHostile, GibTensorChunkWithNoRunPendingAllocatesNothing) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  const QByteArray data(512, 'x');
  // 3 GiB declared (1024 x 1024 x 1024 x 3 int8), nothing asked for it.
  dev.send(chunk(4, 0, {1024, 1024, 1024, 3}, 0, data), 7);
  EXPECT_TRUE(dev.session->lastRun().captured.isEmpty());
  EXPECT_EQ(dev.session->messageCounts().unexpected, 1u);
}

TEST(DeviceSessionHostile, GibTensorChunkForARunIsRefusedBeforeAllocating) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  auto run = startRun(dev);
  const QByteArray data(512, 'x');
  dev.send(chunk(4, 0, {1024, 1024, 1024, 3}, 0, data), run->id);
  EXPECT_FALSE(run->done);
  EXPECT_TRUE(run->failure.contains("op 4 output 0")) << run->failure.toStdString();
  EXPECT_TRUE(run->failure.contains("3221225472 bytes")) << run->failure.toStdString();
  EXPECT_TRUE(run->failure.contains("arena")) << run->failure.toStdString();
  EXPECT_TRUE(dev.session->lastRun().captured.isEmpty());
}

TEST(DeviceSessionHostile, TensorLargerThanTheModelSaysIsRefused) {
  runner::host::ModelFile model;
  runner::host::ModelSummary summary;
  std::string err;
  ASSERT_TRUE(runner::host::loadModelFile(
      TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite", &model, &err))
      << err;
  ASSERT_TRUE(buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &err)) << err;
  const int32_t t0 = summary.operators.at(0).outputs.at(0);
  const uint64_t want = summary.tensors.at(static_cast<size_t>(t0)).bytes;
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  dev.session->setModel(&summary);
  auto run = startRun(dev);
  // 1 byte more than the model's op 0 output: within the arena, still not what was asked for.
  dev.send(chunk(0, 0, {static_cast<int32_t>(want + 1)}, 0, QByteArray(1, 'x')), run->id);
  EXPECT_TRUE(run->failure.contains("the model's tensor size")) << run->failure.toStdString();
  EXPECT_TRUE(run->failure.contains(QString::number(want + 1))) << run->failure.toStdString();
}

TEST(DeviceSessionHostile, AChunkSentTwiceDoesNotStandInForOneNeverSent) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  auto run = startRun(dev);
  const QByteArray half(512, 'a');
  dev.send(chunk(2, 0, {1024}, 0, half), run->id);
  dev.send(chunk(2, 0, {1024}, 0, half), run->id);  // [512, 1024) never comes
  dev.send(okResult(), run->id);
  EXPECT_FALSE(run->done);
  EXPECT_TRUE(run->failure.contains("op 2 output 0")) << run->failure.toStdString();
  EXPECT_TRUE(run->failure.contains("offset 0")) << run->failure.toStdString();
  EXPECT_TRUE(run->failure.contains("overlaps")) << run->failure.toStdString();
}

// How a run ends after the device sends `chunks` (and then its result, when asked).
QString runFailureAfter(const std::vector<TensorChunk>& chunks, bool thenResult) {
  FakeDevice dev;
  if (!dev.connect()) return QStringLiteral("no handshake");
  auto run = startRun(dev);
  for (const TensorChunk& c : chunks) dev.send(c, run->id);
  if (thenResult) dev.send(okResult(), run->id);
  return run->done ? QStringLiteral("completed") : run->failure;
}

TEST(DeviceSessionHostile, GapOverlapOutOfRangeAndSizeChangeEachFailTheRun) {
  const QByteArray a(512, 'a');
  // Half a tensor, then the result: the other half never comes.
  QString f = runFailureAfter({chunk(5, 1, {1024}, 0, a)}, true);
  EXPECT_TRUE(
      f.contains("op 5 output 1 has 512 of 1024 bytes; bytes from offset 512 never "
                 "arrived"))
      << f.toStdString();
  f = runFailureAfter({chunk(1, 0, {1024}, 0, a), chunk(1, 0, {1024}, 256, a)}, false);
  EXPECT_TRUE(f.contains("op 1 output 0: the chunk at offset 256 (512 bytes) overlaps"))
      << f.toStdString();
  f = runFailureAfter({chunk(1, 0, {1024}, 0, a), chunk(1, 0, {2048}, 512, a)}, false);
  EXPECT_TRUE(f.contains("op 1 output 0 changed its size from 1024 to 2048 bytes at offset 512"))
      << f.toStdString();
  EXPECT_EQ(runFailureAfter({chunk(1, 0, {1024}, 0, a), chunk(1, 0, {1024}, 512, a)}, true),
            "completed");
  {
    // offset + size past totalBytes: the encoder refuses it, so the bytes are hand-made.
    FakeDevice dev;
    ASSERT_TRUE(dev.connect());
    auto run = startRun(dev);
    const QByteArray data(512, 'a');
    const TensorChunk c = chunk(1, 0, {1024}, 512, data);
    std::vector<uint8_t> buf(kMaxDeviceToHostMessageSize);
    const EncodeResult r =
        encodeMessage(makeHeader<TensorChunk>(50, run->id), c, ByteSpan(buf.data(), buf.size()));
    ASSERT_EQ(r.status, Status::kOk);
    QByteArray msg(reinterpret_cast<const char*>(buf.data()), static_cast<int>(r.size));
    // The offset field sits after op, tensor, desc and totalBytes: rewrite it to 768.
    const int offsetAt = static_cast<int>(r.size) - 512 - 2 - 4;
    msg[offsetAt] = static_cast<char>(768 & 0xFF);
    msg[offsetAt + 1] = static_cast<char>(768 >> 8);
    dev.sendBytes(rawDeviceFrame(msg));
    EXPECT_FALSE(run->failure.isEmpty());
    EXPECT_TRUE(
        run->failure.contains("op 1 output 0: the device's chunk at offset 768 (512 "
                              "bytes, tensor of 1024 bytes) does not fit"))
        << run->failure.toStdString();
    EXPECT_EQ(dev.session->messageCounts().undecodable, 1u);
  }
}

TEST(DeviceSessionHostile, ASecondHelloReplyIsAReportedRestartAndCopiesStayValid) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  const DeviceInfo before = dev.session->info();
  QSignalSpy restarted(dev.session.get(), &DeviceSession::deviceRestarted);
  QSignalSpy errors(dev.session.get(), &DeviceSession::errorOccurred);
  HelloReply other = FakeDevice::helloReply();
  other.boardName.assign("rebooted");
  other.sensors[0].rateMilliHz = 1;  // a copy taken before must not see this
  dev.send(other, 0);
  EXPECT_EQ(restarted.count(), 1);
  ASSERT_GE(errors.count(), 1);
  EXPECT_TRUE(errors.last().at(0).toString().contains("the device restarted"));
  EXPECT_EQ(before.boardName, "fake board");
  EXPECT_EQ(before.hello.sensors[0].rateMilliHz, 1000u * 1000u);
  EXPECT_EQ(dev.session->info().boardName, "rebooted");
  EXPECT_EQ(dev.session->messageCounts().deviceRestarts, 1u);
}

TEST(DeviceSessionHostile, AResentHelloAnsweredTwiceIsNotARestart) {
  FakeDevice dev;
  dev.session->startHandshake(5000);
  const quint16 id = dev.lastRequest(MessageType::kHello);
  dev.send(FakeDevice::helloReply(), id);
  dev.send(FakeDevice::helloReply(), id);
  EXPECT_TRUE(dev.session->handshakeDone());
  EXPECT_EQ(dev.session->messageCounts().deviceRestarts, 0u);
}

TEST(DeviceSessionHostile, WindowLossStaysTrueUnderReorderDuplicationAndRestart) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  dev.session->startStream(0, 0, 1000 * 1000, 10);
  QSignalSpy shown(dev.session.get(), &DeviceSession::windowReceived);
  auto window = [&](uint32_t seq) {
    static const QByteArray payload(10 * 3 * 2, '\0');
    SensorWindow w;
    w.streamId = 0;
    w.sequence = seq;
    w.timestampUs = 10000ull * seq;
    w.channels = 3;
    w.sampleCount = 10;
    w.payload = ConstByteSpan(reinterpret_cast<const uint8_t*>(payload.constData()),
                              static_cast<size_t>(payload.size()));
    dev.send(w);
  };
  for (uint32_t s : {0u, 1u, 2u, 4u}) window(s);
  EXPECT_EQ(dev.session->streams().value(0).missingWindows, 1u);
  window(3);  // late
  window(4);  // duplicate
  StreamStats st = dev.session->streams().value(0);
  EXPECT_EQ(st.missingWindows, 0u);
  EXPECT_EQ(st.reorderedWindows, 1u);
  EXPECT_EQ(st.duplicateWindows, 1u);
  EXPECT_EQ(st.windows, 5u);
  ASSERT_EQ(shown.count(), 5) << "a duplicate is shown once";
  EXPECT_GT(shown.at(4).at(0).value<SensorWindowData>().arrivalNs, 0);
  for (uint32_t s = 5; s < 100; ++s) window(s);
  window(52);  // seen already: a duplicate, not a step back
  // Back to 0 (once "4,294,967,196 missing windows"): the device restarted the stream.
  window(0);
  window(1);
  st = dev.session->streams().value(0);
  EXPECT_EQ(st.missingWindows, 0u);
  EXPECT_EQ(st.duplicateWindows, 2u);
  EXPECT_EQ(st.restarts, 1u);
  EXPECT_EQ(st.lostSamples, 0u);
  EXPECT_FALSE(st.lossy());
}

TEST(DeviceSessionHostile, HeaderSequenceBackwardsIsARestartNotSixtyFiveThousandLost) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  Log l;
  l.text.assign("hi");
  for (quint16 seq = 1; seq < 200; ++seq) dev.sendWithSequence(l, seq);
  dev.sendWithSequence(l, 199);  // duplicate
  dev.sendWithSequence(l, 201);  // one lost
  dev.sendWithSequence(l, 200);  // ... arrived late
  dev.sendWithSequence(l, 50);   // backwards (once +65,386 lost): the device started over
  dev.sendWithSequence(l, 51);
  const MessageCounts& c = dev.session->messageCounts();
  EXPECT_EQ(c.sequence.missing, 0u);
  EXPECT_EQ(dev.session->counters().lostMessages, 0u);
  EXPECT_EQ(c.sequence.duplicates, 1u);
  EXPECT_EQ(c.sequence.reordered, 1u);
  EXPECT_EQ(c.sequence.restarts, 1u);
}

TEST(DeviceSessionHostile, EveryBodyThatFailsToDecodeIsCounted) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  const quint64 before = dev.session->counters().malformedMessages;
  // Header fine, body truncated: an Ack, a SlotInfo and a Log (once silently dropped).
  for (MessageType t : {MessageType::kAck, MessageType::kSlotInfo, MessageType::kLog}) {
    QByteArray msg;
    msg.append(char(1)).append(char(t)).append(char(9)).append(char(0)).append(char(0)).append(
        char(0));
    msg.append(char(0x7F));  // an invalid enum / truncated body
    dev.sendBytes(rawDeviceFrame(msg));
  }
  EXPECT_EQ(dev.session->messageCounts().undecodable, 3u);
  EXPECT_EQ(dev.session->counters().malformedMessages, before + 3);
}

TEST(DeviceSessionHostile, SamplesLostInsideTheDeviceAreCountedFromTimestamps) {
  FakeDevice dev;
  ASSERT_TRUE(dev.connect());
  dev.session->startStream(0, 0, 1000 * 1000, 10);  // 1 kHz, 10 samples (10 ms) per window
  static const QByteArray payload(10 * 3 * 2, '\0');
  auto window = [&](uint32_t seq, uint64_t ts) { dev.sendWindow(seq, ts, 3, 10, payload); };
  window(0, 0);
  window(1, 10000);
  window(2, 20100);  // 0.1 sample late: clock jitter, not loss
  // The agent stalled and its FIFO dropped 1,512 samples: the next window's first sample is
  // 1,512 samples later than the windows carried, with consecutive window numbers.
  window(3, 30000 + 1512 * 1000);
  // One window lost on the link as well: counted as a window, not again as samples.
  window(5, 30000 + 1512 * 1000 + 20000);
  const StreamStats st = dev.session->streams().value(0);
  EXPECT_EQ(st.lostSamples, 1512u);
  EXPECT_EQ(st.missingWindows, 1u);
  EXPECT_TRUE(st.lossy());
}

TEST(DeviceSessionHostile, InferEndsAtOnceWithTheDevicesReason) {
  runner::host::ModelFile model;
  runner::host::ModelSummary summary;
  std::string err;
  ASSERT_TRUE(runner::host::loadModelFile(
      TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite", &model, &err));
  ASSERT_TRUE(buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &err));
  ASSERT_FALSE(summary.operators.empty());
  // A device whose op table lacks the model's last operator.
  const QString lastOp = QString::fromStdString(summary.operators.back().op);
  HelloReply h = FakeDevice::helloReply();
  h.opCodes.clear();
  for (int code = 0; code < 128; ++code)
    if (QString::fromLatin1(runner::schema::builtinOperatorName(code)) != lastOp)
      h.opCodes.push(static_cast<uint16_t>(code));
  FakeDevice dev;
  ASSERT_TRUE(dev.connect(h));
  dev.session->setModel(&summary);
  QElapsedTimer timer;
  timer.start();
  auto run = startRun(dev, 120000);
  Log log;
  log.level = LogLevel::kError;
  log.text.assign("prepare failed: op not in resolver");
  dev.send(log);
  InferenceResult r;
  r.status = InferenceStatus::kUnsupportedOp;
  dev.send(r, run->id);
  EXPECT_LT(timer.elapsed(), 1000);
  const QString want =
      QStringLiteral("the device refused the model: operator %1 (%2) is not supported")
          .arg(summary.operators.size() - 1)
          .arg(lastOp);
  EXPECT_TRUE(run->failure.contains(want)) << run->failure.toStdString();
  EXPECT_TRUE(run->failure.contains("prepare failed: op not in resolver"))
      << run->failure.toStdString();

  // The agent refuses the upload for a slot whose model it cannot run: named the same way.
  auto upload = std::make_unique<PendingRun>();
  PendingRun* u = upload.get();
  dev.session->runInference(QByteArray(16, '\1'), CaptureMode::kNone, {}, {},
                            [u](const QString& why) { u->failure = why; });
  Nack slotNack;
  slotNack.nackedType = static_cast<uint8_t>(MessageType::kInputChunk);
  slotNack.code = NackCode::kSlotNotValid;
  dev.send(slotNack, dev.lastRequest(MessageType::kInputChunk));
  EXPECT_TRUE(u->failure.contains(want)) << u->failure.toStdString();

  // A Nack to the request ends the run at once too.
  auto second = startRun(dev, 120000);
  Nack n;
  n.nackedType = static_cast<uint8_t>(MessageType::kRunInference);
  n.code = NackCode::kBusy;
  dev.send(n, second->id);
  EXPECT_TRUE(second->failure.contains("the device refused RunInference: the device is busy"))
      << second->failure.toStdString();
}

TEST(DeviceSessionHostile, VersionMismatchAndMalformedHelloReplyAreReportedAtOnce) {
  {
    FakeDevice dev;
    QString error;
    QElapsedTimer timer;
    timer.start();
    QTimer::singleShot(0, [&] {
      Nack n;
      n.nackedType = static_cast<uint8_t>(MessageType::kHello);
      n.code = NackCode::kWrongVersion;
      n.value = 3;
      dev.send(n, dev.lastRequest(MessageType::kHello));
    });
    EXPECT_FALSE(dev.session->connectBlocking(10000, &error));
    EXPECT_LT(timer.elapsed(), 2000);
    EXPECT_TRUE(error.contains(
        QStringLiteral("does not speak protocol version %1").arg(kMaxProtocolVersion)))
        << error.toStdString();
    EXPECT_TRUE(error.contains("the device said 3")) << error.toStdString();
  }
  // A device that speaks only newer versions: both ranges, and which side to update.
  {
    FakeDevice dev;
    QString error;
    QTimer::singleShot(0, [&] {
      HelloReply newer = FakeDevice::helloReply();
      newer.minVersion = kMaxProtocolVersion + 1;
      newer.maxVersion = kMaxProtocolVersion + 2;
      newer.chosenVersion = 0;
      dev.send(newer, dev.lastRequest(MessageType::kHello));
    });
    EXPECT_FALSE(dev.session->connectBlocking(10000, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("no common protocol version: the device speaks "
                                              "%1..%2, this tinyscope %3..%4; update tinyscope")
                                   .arg(kMaxProtocolVersion + 1)
                                   .arg(kMaxProtocolVersion + 2)
                                   .arg(kMinProtocolVersion)
                                   .arg(kMaxProtocolVersion)))
        << error.toStdString();
  }
  {
    FakeDevice dev;
    QString error;
    QElapsedTimer timer;
    timer.start();
    QTimer::singleShot(0, [&] {
      QByteArray msg;
      const quint16 id = dev.lastRequest(MessageType::kHello);
      msg.append(char(1)).append(char(MessageType::kHelloReply)).append(char(0)).append(char(0));
      msg.append(char(id & 0xFF)).append(char(id >> 8));
      msg.append(char(1)).append(char(1)).append(char(1));  // versions, then nothing
      dev.sendBytes(rawDeviceFrame(msg));
    });
    EXPECT_FALSE(dev.session->connectBlocking(10000, &error));
    EXPECT_LT(timer.elapsed(), 2000);
    EXPECT_TRUE(error.contains("HelloReply")) << error.toStdString();
    EXPECT_TRUE(error.contains("malformed")) << error.toStdString();
  }
}

TEST(DeviceSessionHostile, APortThatDoesNotOpenIsReportedOnce) {
  QString error;
  auto link = openDeviceLink(QStringLiteral("serial:/dev/tinyscope-no-such-port"), &error);
  ASSERT_TRUE(link) << error.toStdString();
  DeviceSession session(std::move(link));
  QSignalSpy failed(&session, &DeviceSession::handshakeFailed);
  QSignalSpy errors(&session, &DeviceSession::errorOccurred);
  session.startHandshake(300);
  QTest::qWait(800);  // well past the handshake timeout
  ASSERT_EQ(failed.count(), 1);
  EXPECT_TRUE(failed.at(0).at(0).toString().contains("tinyscope-no-such-port"));
  EXPECT_FALSE(failed.at(0).at(0).toString().contains("no answer"));
  for (const auto& e : errors) EXPECT_FALSE(e.at(0).toString().contains("no answer"));
}

TEST(DeviceSessionHostile, DeviceTextIsSanitizedBeforeItLeavesTheSession) {
  HelloReply h = FakeDevice::helloReply();
  h.boardName.assign("evil\x1b]0;pwned\x07\x1b[2J");
  h.sensors[0].name.assign(
      "a\xc2\x9b"
      "31m");  // C1 CSI
  FakeDevice dev;
  ASSERT_TRUE(dev.connect(h));
  EXPECT_EQ(dev.session->info().boardName, "evil\\x1b]0;pwned\\x07\\x1b[2J");
  EXPECT_EQ(dev.session->info().sensorNames.at(0), "a\\xc2\\x9b31m");
  QSignalSpy logs(dev.session.get(), &DeviceSession::deviceLog);
  QSignalSpy errors(dev.session.get(), &DeviceSession::errorOccurred);
  Log l;
  l.text.assign("\x1b[31mred\r\n");
  dev.send(l);
  Error e;
  e.code = ErrorCode::kSensorFault;
  e.text.assign("bad\x7f\xff");
  dev.send(e);
  ASSERT_EQ(logs.count(), 1);
  EXPECT_EQ(logs.at(0).at(1).toString(), "\\x1b[31mred\\x0d\\x0a");
  ASSERT_EQ(errors.count(), 1);
  EXPECT_TRUE(errors.at(0).at(0).toString().endsWith("bad\\x7f\\xff"));
}

TEST(DeviceText, PrintableUtf8StaysEscapesAndBrokenBytesAreShownAsHex) {
  const QByteArray ok = QStringLiteral("IMU µT ±2 g").toUtf8();
  EXPECT_EQ(sanitizeDeviceText(ok.constData(), static_cast<size_t>(ok.size())),
            QStringLiteral("IMU µT ±2 g"));
  const char bad[] =
      "a\\b\xe2\x80\xae"
      "c\xc0\xaf";  // backslash, RTL override, overlong '/'
  EXPECT_EQ(sanitizeDeviceText(bad, sizeof(bad) - 1), "a\\\\b\\xe2\\x80\\xaec\\xc0\\xaf");
}

// A one-operator int8 model (SOFTMAX over 4 values): something the flasher accepts.
QByteArray tinySoftmaxModel() {
  using namespace tinyscope::runner::host;
  TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {1, 4}, QuantParams::perTensor(0.0625f, 0));
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {1, 4}, QuantParams::perTensor(1.0f / 256, -128));
  w.addSoftmax(in, out);
  w.setInputs({in});
  w.setOutputs({out});
  const std::vector<uint8_t> bytes = w.serialize();
  return QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()));
}

// A ModelFlasher on a connected FakeDevice, set to flash slot 1.
struct FakeFlash {
  FakeDevice dev;
  bool connected = dev.connect();
  ModelFlasher flasher{dev.session.get()};
  QSignalSpy finished{&flasher, &ModelFlasher::finished};
  FlashOptions options = slotOne();
  static FlashOptions slotOne() {
    FlashOptions o;
    o.slot = 1;
    return o;
  }
};

TEST(ModelFlasherRouting, AnswersToOtherRequestsAreIgnoredAndANackEndsAtOnce) {
  FakeFlash f;
  ASSERT_TRUE(f.connected);
  FakeDevice& dev = f.dev;
  ModelFlasher& flasher = f.flasher;
  QSignalSpy& finished = f.finished;
  const FlashOptions& options = f.options;
  EXPECT_FALSE(flasher.start(QByteArray(100, 'm'), options)) << "not a .tflite: nothing is sent";
  EXPECT_EQ(dev.lastRequest(MessageType::kSlotInfoRequest), 0);
  ASSERT_TRUE(flasher.start(tinySoftmaxModel(), options)) << flasher.error().toStdString();
  const quint16 slotRequest = dev.lastRequest(MessageType::kSlotInfoRequest);
  ASSERT_NE(slotRequest, 0);
  SlotInfo info;
  info.slot = 1;
  info.capacity = 4096;
  dev.send(info, static_cast<quint16>(slotRequest + 100));  // someone else's answer
  dev.send(info, 0);                                        // nobody's answer
  EXPECT_EQ(dev.lastRequest(MessageType::kFlashBegin), 0);
  dev.send(info, slotRequest);
  const quint16 begin = dev.lastRequest(MessageType::kFlashBegin);
  ASSERT_NE(begin, 0);
  Nack n;
  n.nackedType = static_cast<uint8_t>(MessageType::kFlashBegin);
  n.code = NackCode::kFlashWriteFailed;
  dev.send(n, begin);
  ASSERT_EQ(finished.count(), 1);
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_TRUE(finished.at(0).at(1).toString().contains(
      "the device refused FlashBegin: writing the slot failed"))
      << finished.at(0).at(1).toString().toStdString();
  EXPECT_EQ(dev.session->router().pendingCount(), 0);
}

// The case that once sent 11,536 chunks in 5 s: a device that refuses every chunk at the
// offset it says it expects. The flasher backs off (20, 40, 80 ... ms) and gives up after
// FlashOptions::retries such answers in a row, with one sentence.
TEST(ModelFlasherRouting, ADeviceThatKeepsRefusingChunksGetsBoundedBackedOffResends) {
  FakeFlash f;
  ASSERT_TRUE(f.connected);
  FakeDevice& dev = f.dev;
  QSignalSpy& finished = f.finished;
  ASSERT_TRUE(f.flasher.start(tinySoftmaxModel(), f.options)) << f.flasher.error().toStdString();
  SlotInfo info;
  info.slot = 1;
  info.capacity = 64 * 1024;
  dev.send(info, dev.lastRequest(MessageType::kSlotInfoRequest));
  Ack begun;
  begun.ackedType = MessageType::kFlashBegin;
  dev.send(begun, dev.lastRequest(MessageType::kFlashBegin));
  QElapsedTimer t;
  t.start();
  int chunks = 0;  // chunks sent at byte 0 (a window may hold more, refused the same way)
  while (finished.isEmpty() && t.elapsed() < 10000) {
    QTest::qWait(2);
    for (const FakeDevice::Request& r : dev.takeRequests()) {
      if (r.header.type != MessageType::kFlashChunk) continue;
      FlashChunk c;
      ASSERT_EQ(decodeMessage(ConstByteSpan(reinterpret_cast<const uint8_t*>(r.bytes.constData()),
                                            static_cast<size_t>(r.bytes.size())),
                              c),
                Status::kOk);
      if (c.offset == 0) ++chunks;
      Nack n;
      n.nackedType = static_cast<uint8_t>(MessageType::kFlashChunk);
      n.code = NackCode::kFlashOffsetMismatch;
      n.value = 0;  // "I expect byte 0" — for every chunk
      dev.send(n, r.header.requestId);
    }
  }
  ASSERT_EQ(finished.count(), 1);
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_EQ(chunks, f.options.retries + 1) << "bounded: the first chunk and its resends";
  EXPECT_GE(t.elapsed(), 20 + 40 + 80 + 160) << "each resend waited longer than the last";
  EXPECT_TRUE(finished.at(0).at(1).toString().contains("without taking byte 0"))
      << finished.at(0).at(1).toString().toStdString();
}

TEST(DeviceSessionHostile, SilenceIsReportedOnceAndALateBoardStillConnects) {
  FakeDevice dev;
  QSignalSpy failed(dev.session.get(), &DeviceSession::handshakeFailed);
  QSignalSpy connected(dev.session.get(), &DeviceSession::connected);
  dev.session->startHandshake(200);
  QTest::qWait(700);
  ASSERT_EQ(failed.count(), 1);
  EXPECT_EQ(failed.at(0).at(0).toString(), "fake:: no answer to the handshake within 0.2 s");
  // The Hello kept going out; the board boots and answers the newest one.
  dev.send(FakeDevice::helloReply(), dev.lastRequest(MessageType::kHello));
  EXPECT_EQ(connected.count(), 1);
  EXPECT_EQ(failed.count(), 1);
}
