#include "app/core/device/device_session.h"

#include <QEventLoop>
#include <QSet>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/core/device/device_text.h"
#include "device_protocol/message_dispatch.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/tflite_schema.h"

namespace tinyscope {

using namespace tinyscope::proto;

DeviceSession::DeviceSession(std::unique_ptr<link::DeviceLink> link, QObject* parent)
    : QObject(parent), m_link(std::move(link)), m_router(m_link->uri().text, this) {
  qRegisterMetaType<tinyscope::SensorWindowData>();
  qRegisterMetaType<tinyscope::InferenceRun>();
  qRegisterMetaType<tinyscope::DeviceInfo>();
  m_helloTimer = new QTimer(this);
  m_helloTimer->setInterval(250);
  connect(m_helloTimer, &QTimer::timeout, this, [this] { sendHello(m_helloRequest); });
  connect(m_link.get(), &link::DeviceLink::messageReceived, this, &DeviceSession::onMessage);
  connect(m_link.get(), &link::DeviceLink::diagnostic, this, &DeviceSession::diagnostic);
  connect(m_link.get(), &link::DeviceLink::errorOccurred, this, [this](const QString& e) {
    m_lastLinkError = e;
    Q_EMIT errorOccurred(e);
  });
  m_handshakeDeadline = new QTimer(this);
  m_handshakeDeadline->setSingleShot(true);
  connect(m_handshakeDeadline, &QTimer::timeout, this, [this] {
    // A link that failed to open has said why already: one error, not a second "no answer".
    if (!m_lastLinkError.isEmpty()) return failHandshake(m_lastLinkError);
    // Silence is reported once, but the Hello keeps going out (every 250 ms) until
    // stopHandshake(): a board that boots late still connects.
    if (!m_handshaking) return;
    Q_EMIT handshakeFailed(QStringLiteral("%1: no answer to the handshake within %2 s")
                               .arg(where())
                               .arg(m_handshakeDeadline->interval() / 1000.0));
  });
  connect(m_link.get(), &link::DeviceLink::closed, this, [this] {
    const QString why = m_lastLinkError.isEmpty()
                            ? QStringLiteral("%1: the link closed").arg(where())
                            : m_lastLinkError;
    m_handshakeDone = false;
    failHandshake(why);
    if (m_runPending) failRun(why);
    Q_EMIT disconnected();  // before failAll: whoever waits hears "disconnected" first
    m_router.failAll(why);
  });
  connect(m_link.get(), &link::DeviceLink::opened, this, [this] {
    m_headerSequence.reset();
    if (m_handshaking) sendFirstHello();
  });
}

DeviceSession::~DeviceSession() {
  m_link->disconnect(this);
}

const link::DeviceUri& DeviceSession::uri() const {
  return m_link->uri();
}
bool DeviceSession::isOpen() const {
  return m_link->isOpen();
}
void DeviceSession::close() {
  m_link->close();
}
QString DeviceSession::where() const {
  return m_link->uri().text;
}

link::LinkCounters DeviceSession::counters() const {
  link::LinkCounters c = m_link->counters();
  // The link counts headers that did not decode; the session, bodies that did not decode
  // and lost messages that stay true when sequence numbers step back.
  c.malformedMessages += m_messages.undecodable;
  c.lostMessages = m_messages.sequence.missing;
  return c;
}

void DeviceSession::startHandshake(int timeoutMs) {
  m_handshaking = true;
  m_lastLinkError.clear();
  m_router.cancel(m_helloRequest);
  m_helloRequest = 0;
  m_handshakeDeadline->start(timeoutMs);
  if (!m_link->isOpen()) {
    m_link->open();  // opened() sends the Hello
    return;
  }
  sendFirstHello();
}

void DeviceSession::sendFirstHello() {
  m_helloRequest = sendHello(0);    // a fresh request id; resends reuse it
  if (m_helloRequest == 0) return;  // the link reported why; it closes or the deadline ends it
  m_router.expect<HelloReply>(
      m_helloRequest, QStringLiteral("the handshake (Hello)"), 0,
      [this](const HelloReply& reply) { onHelloAnswer(reply); },
      [this](const Nack& n) {
        if (n.code == NackCode::kWrongVersion)
          failHandshake(
              QStringLiteral("%1: the device refused the handshake: it does not speak protocol "
                             "version %2 (tinyscope speaks %3..%4; the device said %5)")
                  .arg(where())
                  .arg(kMaxProtocolVersion)
                  .arg(kMinProtocolVersion)
                  .arg(kMaxProtocolVersion)
                  .arg(n.value));
        else
          failHandshake(QStringLiteral("%1: the device refused the handshake: %2")
                            .arg(where(), describeNack(n)));
      },
      {});
  m_helloTimer->start();
}

void DeviceSession::failHandshake(const QString& why) {
  const bool wasHandshaking = m_handshaking;
  stopHandshake();
  if (wasHandshaking) Q_EMIT handshakeFailed(why);
}

void DeviceSession::stopHandshake() {
  m_helloTimer->stop();
  m_handshakeDeadline->stop();
  m_router.cancel(m_helloRequest);
  m_handshaking = false;
}

quint16 DeviceSession::sendHello(quint16 requestId) {
  Hello hello;
  hello.hostName.assign("tinyscope");
  return m_link->send(hello, requestId);
}

quint16 DeviceSession::startStream(quint8 streamId, quint8 sensorId, quint32 rateMilliHz,
                                   quint16 windowSamples) {
  StartStream m;
  m.streamId = streamId;
  m.sensorId = sensorId;
  m.rateMilliHz = rateMilliHz;
  m.windowSamples = windowSamples;
  double declared = rateMilliHz / 1000.0;
  for (size_t i = 0; declared <= 0 && i < m_info.hello.sensors.size(); ++i)
    if (m_info.hello.sensors[i].sensorId == sensorId)
      declared = m_info.hello.sensors[i].rateMilliHz / 1000.0;
  m_streams[streamId] = StreamStats();
  m_streams[streamId].declaredRateHz = declared;
  m_streamState.erase(streamId);
  return m_link->send(m);
}

quint16 DeviceSession::stopStream(quint8 streamId) {
  StopStream m;
  m.streamId = streamId;
  return m_link->send(m);
}

void DeviceSession::setModel(const runner::host::ModelSummary* summary) {
  m_modelTensorBytes.clear();
  m_modelOpNames.clear();
  if (!summary) return;
  auto bytesOf = [&](int32_t t) -> quint64 {
    return t >= 0 && static_cast<size_t>(t) < summary->tensors.size()
               ? summary->tensors[static_cast<size_t>(t)].bytes
               : 0;
  };
  for (size_t i = 0; i < summary->inputs.size() && i < 256; ++i)
    m_modelTensorBytes[qMakePair(kModelInputOp, static_cast<quint8>(i))] =
        bytesOf(summary->inputs[i]);
  for (size_t i = 0; i < summary->outputs.size() && i < 256; ++i)
    m_modelTensorBytes[qMakePair(kModelOutputOp, static_cast<quint8>(i))] =
        bytesOf(summary->outputs[i]);
  for (size_t o = 0; o < summary->operators.size() && o < kModelInputOp; ++o) {
    const runner::host::SummaryOperator& op = summary->operators[o];
    m_modelOpNames.append(QString::fromStdString(op.op));
    for (size_t k = 0; k < op.outputs.size() && k < 256; ++k)
      m_modelTensorBytes[qMakePair(static_cast<quint16>(o), static_cast<quint8>(k))] =
          bytesOf(op.outputs[k]);
  }
}

void DeviceSession::setPipeline(const runner::host::ModelSummary* frontEnd, quint32 sampleBytes) {
  m_frontEndTensorBytes.clear();
  m_pipelineSampleBytes = sampleBytes;
  if (!frontEnd) return;
  for (size_t o = 0; o < frontEnd->operators.size() && o < 255; ++o) {
    const runner::host::SummaryOperator& op = frontEnd->operators[o];
    for (size_t k = 0; k < op.outputs.size() && k < 256; ++k) {
      const int32_t t = op.outputs[k];
      m_frontEndTensorBytes[qMakePair(static_cast<quint16>(o), static_cast<quint8>(k))] =
          t >= 0 && static_cast<size_t>(t) < frontEnd->tensors.size()
              ? frontEnd->tensors[static_cast<size_t>(t)].bytes
              : 0;
    }
  }
}

quint64 DeviceSession::tensorLimit(quint16 op, quint8 tensor, QString* limitName) const {
  if (op == kPipelineSamplesOp && m_pipelineSampleBytes != 0) {
    *limitName = QStringLiteral("the samples the pipeline needs");
    return tensor == 0 ? m_pipelineSampleBytes : 0;
  }
  if (isFrontEndOp(op) && !m_frontEndTensorBytes.empty()) {
    auto it = m_frontEndTensorBytes.find(qMakePair(static_cast<quint16>(op & 0xFF), tensor));
    *limitName = QStringLiteral("the front-end's tensor size");
    return it == m_frontEndTensorBytes.end() ? 0 : it->second;
  }
  if (!m_modelTensorBytes.empty()) {
    auto it = m_modelTensorBytes.find(qMakePair(op, tensor));
    *limitName = QStringLiteral("the model's tensor size");
    return it == m_modelTensorBytes.end() ? 0 : it->second;
  }
  const quint32 arena = m_info.hello.arenaBytes;
  if (arena > 0 && arena < kMaxUnknownTensorBytes) {
    *limitName = QStringLiteral("the device's declared arena");
    return arena;
  }
  *limitName = QStringLiteral("tinyscope's limit for a tensor of an unknown model");
  return kMaxUnknownTensorBytes;
}

quint16 DeviceSession::runInference(const QByteArray& input, CaptureMode capture,
                                    const QVector<quint16>& captureOps, RunDone onDone,
                                    RunFailed onFailed, int timeoutMs) {
  beginRun(std::move(onDone), std::move(onFailed));
  for (int off = 0; off < input.size(); off += static_cast<int>(kMaxChunk)) {
    InputChunk chunk;
    chunk.inputIndex = 0;
    chunk.totalBytes = static_cast<uint32_t>(input.size());
    chunk.offset = static_cast<uint32_t>(off);
    const int n = std::min(static_cast<int>(kMaxChunk), static_cast<int>(input.size()) - off);
    chunk.data = ConstByteSpan(reinterpret_cast<const uint8_t*>(input.constData()) + off,
                               static_cast<size_t>(n));
    const quint16 id = m_link->send(chunk);
    if (!id) {
      failRun(QStringLiteral("%1: cannot send the input to the device").arg(where()));
      return 0;
    }
    m_runInputRequests.append(id);
    // Acks need no action; a refused chunk ends the run at once with the device's reason.
    m_router.expect<Ack>(
        id, QStringLiteral("InputChunk"), 0, {},
        [this, off](const Nack& refusal) {
          // A slot whose model the device cannot run: name the operator.
          const QString missing =
              refusal.code == NackCode::kSlotNotValid ? missingOperator() : QString();
          if (!missing.isEmpty())
            return failRun(
                QStringLiteral("%1: the device refused the model: %2").arg(where(), missing));
          failRun(QStringLiteral("%1: %2 (input bytes from offset %3)")
                      .arg(where(), describeNack(refusal))
                      .arg(off));
        },
        {});
  }
  RunInference run;
  run.source = input.isEmpty() ? InputSource::kLatestWindow : InputSource::kUploaded;
  run.capture = capture;
  for (quint16 op : captureOps) run.captureOps.push(op);
  m_run.requestId = m_link->send(run);
  return awaitRunResult(QStringLiteral("the inference request (RunInference)"), timeoutMs);
}

quint16 DeviceSession::runPipeline(const RunPipeline& request, RunDone onDone, RunFailed onFailed,
                                   int timeoutMs) {
  beginRun(std::move(onDone), std::move(onFailed));
  m_run.requestId = m_link->send(request);
  return awaitRunResult(QStringLiteral("the pipeline request (RunPipeline)"), timeoutMs);
}

void DeviceSession::beginRun(RunDone onDone, RunFailed onFailed) {
  if (m_runPending) failRun(QStringLiteral("%1: a new inference replaced this one").arg(where()));
  m_run = InferenceRun();
  m_runCapturedBytes = 0;
  m_runDeviceText.clear();
  m_runInputRequests.clear();
  m_runDone = std::move(onDone);
  m_runFailed = std::move(onFailed);
  m_runPending = true;
}

quint16 DeviceSession::awaitRunResult(const QString& what, int timeoutMs) {
  if (!m_run.requestId) {
    failRun(QStringLiteral("%1: cannot send the inference request").arg(where()));
    return 0;
  }
  m_router.expect<InferenceResult>(
      m_run.requestId, what, timeoutMs, [this](const InferenceResult& r) { onRunResult(r); },
      [this](const Nack& n) { failRun(QStringLiteral("%1: %2").arg(where(), describeNack(n))); },
      [this](const QString& why) {
        QString detail;
        for (const CapturedTensor& t : m_run.captured)
          if (!t.complete()) {
            detail = QStringLiteral(" (op %1 output %2 had %3 of %4 bytes)")
                         .arg(t.opIndex)
                         .arg(t.tensorIndex)
                         .arg(t.receivedBytes())
                         .arg(t.data.size());
            break;
          }
        failRun(why + detail);
      });
  return m_run.requestId;
}

void DeviceSession::finishRun() {
  if (!m_runPending) return;
  m_runPending = false;
  for (quint16 id : m_runInputRequests) m_router.cancel(id);
  m_router.cancel(m_run.requestId);
  RunDone done = std::move(m_runDone);
  m_runFailed = {};
  if (done) done(m_run);
}

void DeviceSession::failRun(const QString& why) {
  if (!m_runPending) return;
  m_runPending = false;
  for (quint16 id : m_runInputRequests) m_router.cancel(id);
  m_router.cancel(m_run.requestId);
  QString message = why;
  if (!m_runDeviceText.isEmpty())
    message +=
        QStringLiteral("; the device said: %1").arg(m_runDeviceText.join(QStringLiteral("; ")));
  RunFailed failed = std::move(m_runFailed);
  m_runDone = {};
  if (failed) failed(message);
}

QString DeviceSession::missingOperator() const {
  // The first operator of the model the device's op table (HelloReply.opCodes) lacks.
  QSet<QString> deviceOps;
  for (size_t i = 0; i < m_info.hello.opCodes.size(); ++i)
    deviceOps.insert(QString::fromLatin1(
        runner::schema::builtinOperatorName(static_cast<int32_t>(m_info.hello.opCodes[i]))));
  for (int o = 0; o < m_modelOpNames.size(); ++o) {
    const QString& name = m_modelOpNames[o];
    const QString base = name.startsWith(QLatin1String("CUSTOM")) ? QStringLiteral("CUSTOM") : name;
    if (!deviceOps.contains(base))
      return QStringLiteral("operator %1 (%2) is not supported").arg(o).arg(name);
  }
  return {};
}

QString DeviceSession::runFailureText(InferenceStatus status) const {
  const QString missing = status == InferenceStatus::kUnsupportedOp ? missingOperator() : QString();
  if (!missing.isEmpty()) return QStringLiteral("the device refused the model: %1").arg(missing);
  if (status == InferenceStatus::kNoModel || status == InferenceStatus::kModelInvalid ||
      status == InferenceStatus::kArenaTooSmall || status == InferenceStatus::kUnsupportedOp)
    return QStringLiteral("the device refused the model: %1").arg(inferenceStatusText(status));
  return QStringLiteral("inference failed: %1").arg(inferenceStatusText(status));
}

void DeviceSession::onRunResult(const InferenceResult& r) {
  m_run.setResult(r);
  if (r.status != InferenceStatus::kOk)
    return failRun(QStringLiteral("%1: %2").arg(where(), runFailureText(r.status)));
  // The result comes after every tensor chunk: anything still missing never comes.
  const QString incomplete = m_run.incompleteTensor();
  if (!incomplete.isEmpty()) return failRun(QStringLiteral("%1: %2").arg(where(), incomplete));
  finishRun();
}

QString DeviceSession::describeNack(const Nack& nack) {
  const char* type = messageTypeName(static_cast<MessageType>(nack.nackedType));
  QString why;
  switch (nack.code) {
    case NackCode::kMalformed:
      why = QStringLiteral("the request was malformed");
      break;
    case NackCode::kUnsupportedType:
      why = QStringLiteral("the device does not implement it");
      break;
    case NackCode::kNotNegotiated:
      why = QStringLiteral("no handshake yet (did the device restart?)");
      break;
    case NackCode::kWrongVersion:
      why = QStringLiteral("wrong protocol version");
      break;
    case NackCode::kInvalidArgument:
      why = QStringLiteral("invalid argument");
      break;
    case NackCode::kBusy:
      why = QStringLiteral("the device is busy");
      break;
    case NackCode::kNoSuchSensor:
      why = QStringLiteral("no such sensor");
      break;
    case NackCode::kNoSuchStream:
      why = QStringLiteral("no such stream");
      break;
    case NackCode::kRateUnsupported:
      why = QStringLiteral("rate not supported");
      break;
    case NackCode::kWindowTooLarge:
      why = QStringLiteral("window too large");
      break;
    case NackCode::kNoSuchSlot:
      why = QStringLiteral("no such model slot");
      break;
    case NackCode::kSlotTooSmall:
      why = QStringLiteral("the model does not fit the slot");
      break;
    case NackCode::kFlashOffsetMismatch:
      why = QStringLiteral("the device expects offset %1").arg(nack.value);
      break;
    case NackCode::kFlashWriteFailed:
      why = QStringLiteral("writing the slot failed");
      break;
    case NackCode::kCrcMismatch:
      why = QStringLiteral("CRC mismatch (device computed 0x%1)")
                .arg(nack.value, 8, 16, QLatin1Char('0'));
      break;
    case NackCode::kSlotNotValid:
      why = QStringLiteral("the slot holds no valid model");
      break;
    case NackCode::kNoRollbackTarget:
      why = QStringLiteral("there is no previous model to roll back to");
      break;
    case NackCode::kInputTooLarge:
      why = QStringLiteral("the input is larger than the model's input tensor");
      break;
    case NackCode::kHashMismatch:
      why = QStringLiteral("the slot's SHA-256 differs from the image's (device computed %1...)")
                .arg(nack.value, 8, 16, QLatin1Char('0'));
      break;
  }
  return QStringLiteral("the device refused %1: %2").arg(QString::fromLatin1(type), why);
}

void DeviceSession::onMessage(const link::DeviceMessage& message) {
  m_arrivalNs = message.arrivalNs;
  m_headerSequence.add(message.header.sequence);
  m_messages.sequence = m_headerSequence.counts();
  const Status s =
      dispatchMessage(ConstByteSpan(reinterpret_cast<const uint8_t*>(message.bytes.constData()),
                                    static_cast<size_t>(message.bytes.size())),
                      [this](const Header& h, const auto& m) { on(h, m); });
  if (s != Status::kOk) onUndecodable(message, s);
}

void DeviceSession::onUndecodable(const link::DeviceMessage& message, Status status) {
  ++m_messages.undecodable;
  const QString what = QStringLiteral("%1: a %2 message from the device did not decode: %3")
                           .arg(where(), QString::fromLatin1(messageTypeName(message.header.type)),
                                QString::fromLatin1(statusMessage(status)));
  const quint16 id = message.header.requestId;
  if (message.header.type == MessageType::kHelloReply && m_handshaking && id == m_helloRequest)
    return failHandshake(QStringLiteral("%1: the device's answer to the handshake (HelloReply) "
                                        "is malformed: %2")
                             .arg(where(), QString::fromLatin1(statusMessage(status))));
  if (m_runPending && id == m_run.requestId && id != 0) {
    // A chunk that fails the cross-field checks (past totalBytes, totalBytes not the shape's
    // size) was read whole before it was refused: name the tensor and offset it claimed.
    TensorChunk c;
    if (message.header.type == MessageType::kTensorChunk &&
        (status == Status::kOutOfRange || status == Status::kLengthMismatch) &&
        message.decode(c) == status)
      return failRun(QStringLiteral("%1: op %2 output %3: the device's chunk at offset %4 (%5 "
                                    "bytes, tensor of %6 bytes) does not fit: %7")
                         .arg(where())
                         .arg(c.opIndex)
                         .arg(c.tensorIndex)
                         .arg(c.offset)
                         .arg(c.data.size())
                         .arg(c.totalBytes)
                         .arg(QString::fromLatin1(statusMessage(status))));
    return failRun(what);
  }
  Q_EMIT errorOccurred(what);
}

void DeviceSession::onHelloAnswer(const HelloReply& reply) {
  m_helloTimer->stop();
  m_handshakeDeadline->stop();
  if (reply.chosenVersion == 0)  // which side is behind decides what to update
    return failHandshake(
        QStringLiteral("%1: no common protocol version: the device speaks %2..%3, this tinyscope "
                       "%4..%5; %6")
            .arg(where())
            .arg(reply.minVersion)
            .arg(reply.maxVersion)
            .arg(kMinProtocolVersion)
            .arg(kMaxProtocolVersion)
            .arg(reply.maxVersion < kMinProtocolVersion
                     ? QStringLiteral("update the device's firmware")
                     : QStringLiteral("update tinyscope")));
  m_handshaking = false;
  m_link->setProtocolVersion(reply.chosenVersion);
  m_info = DeviceInfo::fromHello(reply);
  m_handshakeDone = true;
  Q_EMIT connected(m_info);
}

void DeviceSession::on(const Header& h, const HelloReply& m) {
  if (m_router.deliver(h, m)) return;
  if (!m_handshakeDone) {
    ++m_messages.unexpected;  // nobody asked
    return;
  }
  // A resent Hello answered twice: the same handshake again, nothing happened.
  if (h.requestId == m_helloRequest && m == m_info.hello) return;
  // Anything else is a new handshake: the device rebooted (or another host said Hello).
  // The old handshake is replaced whole; every copy handed out stays valid.
  ++m_messages.deviceRestarts;
  m_headerSequence.restart();
  m_headerSequence.add(h.sequence);
  m_messages.sequence = m_headerSequence.counts();
  m_info = DeviceInfo::fromHello(m);
  if (m.chosenVersion != 0) m_link->setProtocolVersion(m.chosenVersion);
  for (auto& [id, state] : m_streamState) state.sequence.restart();
  for (StreamStats& st : m_streams) ++st.restarts;
  const QString why =
      QStringLiteral("%1: the device restarted (it sent a new handshake: %2, firmware %3)")
          .arg(where(), m_info.boardName, m_info.firmwareVersion);
  if (m_runPending) failRun(why);
  m_router.failAll(why);
  Q_EMIT errorOccurred(why);
  Q_EMIT deviceRestarted(m_info);
}

void DeviceSession::on(const Header&, const SensorWindow& w) {
  StreamStats& st = m_streams[w.streamId];
  StreamState& state = m_streamState[w.streamId];
  quint32 skipped = 0;
  const SequenceTracker::Event e = state.sequence.add(w.sequence, &skipped);
  const SequenceCounts& c = state.sequence.counts();
  st.windows = c.received;
  st.missingWindows = c.missing;
  st.duplicateWindows = c.duplicates;
  st.reorderedWindows = c.reordered;
  st.restarts = c.restarts;
  if (e == SequenceTracker::Event::kDuplicate) return;  // shown once
  if (e == SequenceTracker::Event::kFirst || e == SequenceTracker::Event::kRestart) {
    st.firstTimestampUs = w.timestampUs;
    st.firstSequence = w.sequence;
  }
  if (e == SequenceTracker::Event::kNext || e == SequenceTracker::Event::kGap) {
    // Samples lost inside the device: the time between this window and the previous one
    // holds more samples, at the declared rate, than the windows in between carried.
    if (st.declaredRateHz > 0 && w.timestampUs > state.prevTimestampUs && state.prevSamples > 0) {
      const double elapsed =
          static_cast<double>(w.timestampUs - state.prevTimestampUs) * 1e-6 * st.declaredRateHz;
      const double carried = static_cast<double>(skipped + 1) * state.prevSamples;
      const double excess = elapsed - carried;
      if (excess > std::max(1.0, kRateTolerance * carried))
        st.lostSamples += static_cast<quint64>(std::llround(excess));
    }
  }
  if (e != SequenceTracker::Event::kLate) {
    st.lastSequence = w.sequence;
    st.lastTimestampUs = w.timestampUs;
    st.lastWindowSamples = w.sampleCount;
    state.prevTimestampUs = w.timestampUs;
    state.prevSamples = w.sampleCount;
  }
  st.samples += w.sampleCount;
  Q_EMIT windowReceived(SensorWindowData{w.streamId, w.sequence, w.timestampUs, w.sampleType,
                                         w.channels, w.sampleCount,
                                         QByteArray(reinterpret_cast<const char*>(w.payload.data()),
                                                    static_cast<int>(w.payload.size())),
                                         m_arrivalNs});
}

void DeviceSession::on(const Header& h, const TensorChunk& c) {
  // Tensors are accepted only for the run in flight, bounded before anything is allocated.
  if (!m_runPending || h.requestId == 0 || h.requestId != m_run.requestId) {
    ++m_messages.unexpected;
    return;
  }
  QString limitName;
  const quint64 limit = m_run.captured.contains(qMakePair(c.opIndex, c.tensorIndex))
                            ? 0
                            : tensorLimit(c.opIndex, c.tensorIndex, &limitName);
  const QString refused =
      m_run.addChunk(c, limit, limitName, kMaxCaptureBytes, &m_runCapturedBytes);
  if (!refused.isEmpty()) failRun(QStringLiteral("%1: %2").arg(where(), refused));
}

void DeviceSession::on(const Header& h, const InferenceResult& m) {
  if (!m_router.deliver(h, m)) ++m_messages.unexpected;
}
void DeviceSession::on(const Header& h, const SlotInfo& m) {
  if (!m_router.deliver(h, m)) ++m_messages.unexpected;
}
void DeviceSession::on(const Header& h, const Ack& m) {
  if (!m_router.deliver(h, m)) ++m_messages.unexpected;
}

void DeviceSession::on(const Header& h, const Nack& n) {
  if (m_router.deliver(h, n)) return;
  Q_EMIT errorOccurred(QStringLiteral("%1: %2").arg(where(), describeNack(n)));
}

void DeviceSession::noteRunDeviceText(const QString& text) {
  // What the device says during a run explains a refusal; each line once, a few at most.
  if (m_runPending && m_runDeviceText.size() < 4 && !m_runDeviceText.contains(text))
    m_runDeviceText.append(text);
}

void DeviceSession::on(const Header&, const Log& l) {
  const QString text = sanitizeDeviceText(l.text);
  if (l.level >= LogLevel::kWarning) noteRunDeviceText(text);
  Q_EMIT deviceLog(static_cast<int>(l.level), text);
}

void DeviceSession::on(const Header&, const Error& e) {
  if (e.code == ErrorCode::kStreamOverrun)
    for (StreamStats& st : m_streams) st.overrunsReported++;
  const QString text = sanitizeDeviceText(e.text);
  noteRunDeviceText(text);
  Q_EMIT errorOccurred(QStringLiteral("%1: device error: %2").arg(where(), text));
}

bool DeviceSession::connectBlocking(int timeoutMs, QString* error) {
  if (m_handshakeDone) return true;
  QEventLoop loop;
  QString failure;
  const auto ok = connect(this, &DeviceSession::connected, &loop, &QEventLoop::quit);
  const auto bad = connect(this, &DeviceSession::handshakeFailed, &loop, [&](const QString& why) {
    failure = why;
    loop.quit();
  });
  startHandshake(timeoutMs);
  if (m_handshaking) loop.exec();
  disconnect(ok);
  disconnect(bad);
  if (m_handshakeDone) return true;
  stopHandshake();
  *error = failure.isEmpty() ? QStringLiteral("%1: the handshake failed").arg(where()) : failure;
  return false;
}

bool DeviceSession::runBlocking(const QByteArray& input, CaptureMode capture,
                                const QVector<quint16>& captureOps, int timeoutMs, QString* error) {
  return untilRunEnds(
      [&](RunDone done, RunFailed failed) {
        runInference(input, capture, captureOps, std::move(done), std::move(failed), timeoutMs);
      },
      error);
}

bool DeviceSession::runPipelineBlocking(const RunPipeline& request, int timeoutMs, QString* error) {
  return untilRunEnds(
      [&](RunDone done, RunFailed failed) {
        runPipeline(request, std::move(done), std::move(failed), timeoutMs);
      },
      error);
}

bool DeviceSession::untilRunEnds(const std::function<void(RunDone, RunFailed)>& start,
                                 QString* error) {
  QEventLoop loop;
  bool ended = false;
  bool ok = false;
  QString failure;
  start(
      [&](const InferenceRun&) {
        ended = ok = true;
        loop.quit();
      },
      [&](const QString& why) {
        ended = true;
        failure = why;
        loop.quit();
      });
  if (!ended) loop.exec();
  if (!ok) *error = failure;
  return ok;
}

void DeviceSession::spin(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::disconnected, &loop, &QEventLoop::quit);
  loop.exec();
}

}  // namespace tinyscope
