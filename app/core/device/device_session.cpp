#include "app/core/device/device_session.h"

#include <QEventLoop>
#include <QTimer>
#include <algorithm>
#include <cstring>

namespace tinyscope {

using namespace tinyscope::proto;

double SensorWindowData::sample(int index, int channel) const {
  const size_t size = elementSize(sampleType);
  const size_t offset =
      (static_cast<size_t>(index) * static_cast<size_t>(channels) + static_cast<size_t>(channel)) *
      size;
  if (size == 0 || offset + size > static_cast<size_t>(payload.size())) return 0;
  const char* p = payload.constData() + offset;
  switch (sampleType) {
    case ElementType::kInt8:
      return static_cast<int8_t>(p[0]);
    case ElementType::kUInt8:
      return static_cast<uint8_t>(p[0]);
    case ElementType::kInt16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case ElementType::kUInt16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case ElementType::kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case ElementType::kFloat32: {
      float v;
      std::memcpy(&v, p, 4);
      return static_cast<double>(v);
    }
  }
  return 0;
}

double StreamStats::measuredRateHz() const {
  if (windows < 2 || lastTimestampUs <= firstTimestampUs) return 0;
  // Samples from the first window's first sample to the last window's first sample,
  // counting windows that were lost (their sequence numbers are known), so loss does not
  // read as a slower clock.
  const double perWindow = static_cast<double>(lastWindowSamples);
  const double spanSamples = static_cast<double>(lastSequence - firstSequence) * perWindow;
  return spanSamples / (static_cast<double>(lastTimestampUs - firstTimestampUs) * 1e-6);
}

quint16 defaultWindowSamples(const SensorInfo& sensor, double rateHz) {
  const size_t sampleBytes = size_t{sensor.axes} * elementSize(sensor.sampleType);
  const size_t maxWindow = sampleBytes ? std::max<size_t>(1, kMaxChunk / sampleBytes) : 1;
  const double hz = rateHz > 0 ? rateHz : sensor.rateMilliHz / 1000.0;
  return static_cast<quint16>(
      std::clamp<size_t>(static_cast<size_t>(hz / 25.0 + 0.5), 1, maxWindow));
}

bool InferenceRun::complete() const {
  if (!resultReceived) return false;
  for (const CapturedTensor& t : captured)
    if (!t.complete()) return false;
  return true;
}

QString DeviceInfo::deviceIdHex() const {
  QString s;
  for (size_t i = 0; i < hello.deviceId.size(); ++i)
    s += QStringLiteral("%1").arg(hello.deviceId.bytes()[i], 2, 16, QLatin1Char('0'));
  return s;
}

DeviceSession::DeviceSession(std::unique_ptr<link::DeviceLink> link, QObject* parent)
    : QObject(parent), m_link(std::move(link)) {
  qRegisterMetaType<tinyscope::SensorWindowData>();
  qRegisterMetaType<tinyscope::InferenceRun>();
  qRegisterMetaType<tinyscope::DeviceInfo>();
  m_helloTimer = new QTimer(this);
  m_helloTimer->setInterval(250);
  connect(m_helloTimer, &QTimer::timeout, this, [this] { sendHello(m_helloRequest); });
  connect(m_link.get(), &link::DeviceLink::messageReceived, this, &DeviceSession::onMessage);
  connect(m_link.get(), &link::DeviceLink::errorOccurred, this, [this](const QString& e) {
    m_lastError = e;
    Q_EMIT errorOccurred(e);
  });
  connect(m_link.get(), &link::DeviceLink::closed, this, [this] {
    m_helloTimer->stop();
    m_handshakeDone = false;
    failPending(m_lastError.isEmpty()
                    ? QStringLiteral("%1: the link closed").arg(m_link->uri().text)
                    : m_lastError);
    Q_EMIT disconnected();
  });
  connect(m_link.get(), &link::DeviceLink::opened, this, &DeviceSession::startHandshake);
}

DeviceSession::~DeviceSession() = default;

void DeviceSession::startHandshake() {
  if (!m_link->isOpen()) {
    m_link->open();  // opened() comes back here
    return;
  }
  m_helloRequest = sendHello(0);  // a fresh request id; resends reuse it
  m_helloTimer->start();
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
  m_streams[streamId] = StreamStats();
  return m_link->send(m);
}

quint16 DeviceSession::stopStream(quint8 streamId) {
  StopStream m;
  m.streamId = streamId;
  return m_link->send(m);
}

quint16 DeviceSession::runInference(const QByteArray& input, CaptureMode capture,
                                    const QVector<quint16>& captureOps) {
  m_run = InferenceRun();
  m_runPending = true;
  for (int off = 0; off < input.size(); off += static_cast<int>(kMaxChunk)) {
    InputChunk chunk;
    chunk.inputIndex = 0;
    chunk.totalBytes = static_cast<uint32_t>(input.size());
    chunk.offset = static_cast<uint32_t>(off);
    const int n = std::min(static_cast<int>(kMaxChunk), static_cast<int>(input.size()) - off);
    chunk.data = ConstByteSpan(reinterpret_cast<const uint8_t*>(input.constData()) + off,
                               static_cast<size_t>(n));
    if (!m_link->send(chunk)) {
      m_runPending = false;
      return 0;
    }
  }
  RunInference run;
  run.source = input.isEmpty() ? InputSource::kLatestWindow : InputSource::kUploaded;
  run.capture = capture;
  for (quint16 op : captureOps) run.captureOps.push(op);
  m_runRequest = m_link->send(run);
  if (!m_runRequest) m_runPending = false;
  return m_runRequest;
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
      why = QStringLiteral("no handshake yet");
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
  }
  return QStringLiteral("the device refused %1: %2").arg(QString::fromLatin1(type), why);
}

void DeviceSession::failPending(const QString& why) {
  if (m_runPending) {
    m_runPending = false;
    m_lastError = why;
  }
}

static QString inferenceStatusText(InferenceStatus s) {
  switch (s) {
    case InferenceStatus::kOk:
      return QStringLiteral("ok");
    case InferenceStatus::kNoModel:
      return QStringLiteral("no model in the slot");
    case InferenceStatus::kModelInvalid:
      return QStringLiteral("the model in the slot is invalid");
    case InferenceStatus::kInputMissing:
      return QStringLiteral("no input was given");
    case InferenceStatus::kInputSizeMismatch:
      return QStringLiteral("the input size does not match the model");
    case InferenceStatus::kArenaTooSmall:
      return QStringLiteral("the device's arena is too small for the model");
    case InferenceStatus::kUnsupportedOp:
      return QStringLiteral("the model uses an operator the device lacks");
    case InferenceStatus::kKernelFailed:
      return QStringLiteral("a kernel failed");
    case InferenceStatus::kBusy:
      return QStringLiteral("the device is busy");
  }
  return QStringLiteral("unknown status");
}

void DeviceSession::onMessage(const link::DeviceMessage& message) {
  const MessageType type = message.header.type;
  auto malformed = [&](Status s) {
    Q_EMIT errorOccurred(QStringLiteral("%1: a %2 message did not decode: %3")
                             .arg(m_link->uri().text, QString::fromLatin1(messageTypeName(type)),
                                  QString::fromLatin1(statusMessage(s))));
  };
  switch (type) {
    case MessageType::kHelloReply: {
      HelloReply reply;
      const Status s = message.decode(reply);
      if (s != Status::kOk) return malformed(s);
      m_helloTimer->stop();
      if (reply.chosenVersion == 0) {
        m_lastError =
            QStringLiteral("%1: the device speaks protocol versions %2..%3, tinyscope %4..%5")
                .arg(m_link->uri().text)
                .arg(reply.minVersion)
                .arg(reply.maxVersion)
                .arg(kMinProtocolVersion)
                .arg(kMaxProtocolVersion);
        Q_EMIT errorOccurred(m_lastError);
        return;
      }
      m_info.hello = reply;
      if (!m_handshakeDone) {
        m_handshakeDone = true;
        Q_EMIT connected(m_info);
      }
      return;
    }
    case MessageType::kSensorWindow: {
      SensorWindow w;
      const Status s = message.decode(w);
      if (s != Status::kOk) return malformed(s);
      StreamStats& st = m_streams[w.streamId];
      if (st.windows == 0) {
        st.firstTimestampUs = w.timestampUs;
        st.firstSequence = w.sequence;
      } else if (w.sequence != st.lastSequence + 1) {
        st.missingWindows += static_cast<quint32>(w.sequence - st.lastSequence - 1);
      }
      st.windows++;
      st.samples += w.sampleCount;
      st.lastSequence = w.sequence;
      st.lastTimestampUs = w.timestampUs;
      st.lastWindowSamples = w.sampleCount;
      SensorWindowData d;
      d.streamId = w.streamId;
      d.sequence = w.sequence;
      d.timestampUs = w.timestampUs;
      d.sampleType = w.sampleType;
      d.channels = w.channels;
      d.samples = w.sampleCount;
      d.payload = QByteArray(reinterpret_cast<const char*>(w.payload.data()),
                             static_cast<int>(w.payload.size()));
      d.arrivalNs = message.arrivalNs;
      Q_EMIT windowReceived(d);
      return;
    }
    case MessageType::kTensorChunk: {
      TensorChunk c;
      const Status s = message.decode(c);
      if (s != Status::kOk) return malformed(s);
      CapturedTensor& t = m_run.captured[qMakePair(c.opIndex, c.tensorIndex)];
      if (t.data.isEmpty() && c.totalBytes > 0) {
        t.desc = c.desc;
        t.opIndex = c.opIndex;
        t.tensorIndex = c.tensorIndex;
        t.data = QByteArray(static_cast<int>(c.totalBytes), '\0');
      }
      if (c.offset + c.data.size() <= static_cast<size_t>(t.data.size())) {
        std::memcpy(t.data.data() + c.offset, c.data.data(), c.data.size());
        t.receivedBytes += static_cast<quint32>(c.data.size());
      }
      break;
    }
    case MessageType::kInferenceResult: {
      InferenceResult r;
      const Status s = message.decode(r);
      if (s != Status::kOk) return malformed(s);
      m_run.status = r.status;
      m_run.totalTicks = r.totalTicks;
      m_run.totalMicros = r.totalMicros;
      m_run.ops.clear();
      for (size_t i = 0; i < r.ops.size(); ++i) m_run.ops.append(r.ops[i]);
      m_run.outputs.clear();
      for (size_t i = 0; i < r.outputs.size(); ++i) {
        CapturedTensor t;
        t.desc = r.outputs[i].desc;
        t.data = QByteArray(reinterpret_cast<const char*>(r.outputs[i].data.data()),
                            static_cast<int>(r.outputs[i].data.size()));
        t.receivedBytes = static_cast<quint32>(t.data.size());
        m_run.outputs.append(t);
      }
      m_run.resultReceived = true;
      if (r.status != InferenceStatus::kOk) {
        m_lastError = QStringLiteral("%1: inference failed: %2")
                          .arg(m_link->uri().text, inferenceStatusText(r.status));
      }
      break;
    }
    case MessageType::kNack: {
      Nack n;
      const Status s = message.decode(n);
      if (s != Status::kOk) return malformed(s);
      m_lastError = QStringLiteral("%1: %2").arg(m_link->uri().text, describeNack(n));
      Q_EMIT errorOccurred(m_lastError);
      if (m_runPending) failPending(m_lastError);
      return;
    }
    case MessageType::kLog: {
      Log l;
      if (message.decode(l) == Status::kOk)
        Q_EMIT deviceLog(static_cast<int>(l.level), QString::fromUtf8(l.text.c_str()));
      return;
    }
    case MessageType::kError: {
      Error e;
      const Status s = message.decode(e);
      if (s != Status::kOk) return malformed(s);
      if (e.code == ErrorCode::kStreamOverrun)
        for (StreamStats& st : m_streams) st.overrunsReported++;
      Q_EMIT errorOccurred(QStringLiteral("%1: device error: %2")
                               .arg(m_link->uri().text, QString::fromUtf8(e.text.c_str())));
      return;
    }
    default:
      return;  // Ack, SlotInfo: handled by whoever waits for them
  }
  if (m_runPending && m_run.complete()) {
    m_runPending = false;
    Q_EMIT runFinished(m_run);
  }
}

bool DeviceSession::connectBlocking(int timeoutMs, QString* error) {
  if (m_handshakeDone) return true;
  QEventLoop loop;
  QTimer timeout;
  timeout.setSingleShot(true);
  connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::connected, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::disconnected, &loop, &QEventLoop::quit);
  m_lastError.clear();
  timeout.start(timeoutMs);
  startHandshake();
  if (!m_handshakeDone) loop.exec();
  if (m_handshakeDone) return true;
  m_helloTimer->stop();
  *error = !m_lastError.isEmpty() ? m_lastError
                                  : QStringLiteral("%1: no answer to the handshake within %2 s")
                                        .arg(m_link->uri().text)
                                        .arg(timeoutMs / 1000.0);
  return false;
}

bool DeviceSession::waitForRun(int timeoutMs, QString* error) {
  QEventLoop loop;
  QTimer timeout;
  timeout.setSingleShot(true);
  connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::runFinished, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::disconnected, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::errorOccurred, &loop, [&] {
    if (!m_runPending) loop.quit();
  });
  timeout.start(timeoutMs);
  if (m_runPending) loop.exec();
  if (!m_runPending && m_run.complete() && m_run.status == InferenceStatus::kOk) return true;
  if (m_runPending) {
    m_runPending = false;
    QString missing;
    for (const CapturedTensor& t : m_run.captured)
      if (!t.complete()) {
        missing = QStringLiteral(": op %1 output %2 has %3 of %4 bytes")
                      .arg(t.opIndex)
                      .arg(t.tensorIndex)
                      .arg(t.receivedBytes)
                      .arg(t.data.size());
        break;
      }
    *error = m_run.resultReceived ? QStringLiteral("%1: tensor capture incomplete after %2 s%3")
                                        .arg(m_link->uri().text)
                                        .arg(timeoutMs / 1000.0)
                                        .arg(missing)
                                  : QStringLiteral("%1: no inference result within %2 s")
                                        .arg(m_link->uri().text)
                                        .arg(timeoutMs / 1000.0);
    return false;
  }
  *error = m_lastError.isEmpty() ? QStringLiteral("%1: inference failed").arg(m_link->uri().text)
                                 : m_lastError;
  return false;
}

void DeviceSession::spin(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  connect(this, &DeviceSession::disconnected, &loop, &QEventLoop::quit);
  loop.exec();
}

}  // namespace tinyscope
