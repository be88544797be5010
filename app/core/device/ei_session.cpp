#include "app/core/device/ei_session.h"

#include <QCborStreamReader>
#include <QCborValue>
#include <QDateTime>
#include <QEventLoop>
#include <algorithm>
#include <cmath>

#include "app/core/dataset/dataset_exchange.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/device/device_text.h"

namespace tinyscope {

namespace {

QString sanitized(const QString& text) {
  const QByteArray bytes = text.toLatin1();
  return sanitizeDeviceText(bytes.constData(), static_cast<size_t>(bytes.size()));
}

// Copies text into a bounded protocol string, cut to what fits.
template <class Bounded>
void assignCut(Bounded* out, const QString& text, size_t max) {
  const QByteArray bytes = text.toLatin1().left(static_cast<int>(max));
  out->assign(bytes.constData(), static_cast<size_t>(bytes.size()));
}

uint32_t milliHz(double hz) {
  const double m = std::round(hz * 1000.0);
  if (!(m >= 1)) return 1;
  return m > 4.0e9 ? 4000000000u : static_cast<uint32_t>(m);
}

}  // namespace

EiSession::EiSession(link::DeviceUri uri, std::unique_ptr<link::Transport> transport,
                     QObject* parent)
    : QObject(parent), m_uri(std::move(uri)), m_transport(std::move(transport)) {
  qRegisterMetaType<tinyscope::EiSample>();
  m_deadline.setSingleShot(true);
  connect(&m_deadline, &QTimer::timeout, this, [this] {
    fail(QStringLiteral("%1: no reply to '%2' within %3 ms (the board never printed its '> ' "
                        "prompt)")
             .arg(where(), QString::fromLatin1(m_command))
             .arg(m_timeoutMs));
  });
  connect(&m_pace, &QTimer::timeout, this, &EiSession::sendPaced);
  connect(m_transport.get(), &link::Transport::bytesReceived, this, &EiSession::onBytes);
  connect(m_transport.get(), &link::Transport::closed, this, &EiSession::onClosed);
  connect(m_transport.get(), &link::Transport::errorOccurred, this, [this](const QString& e) {
    if (m_busy || !m_ready)
      fail(e);
    else
      Q_EMIT errorOccurred(e);
  });
  connect(m_transport.get(), &link::Transport::opened, this, [this] {
    // "b" stops a running impulse; any board at its prompt answers it with a new prompt.
    exec("b", link::kEiPrompt, kPromptTimeoutMs, link::kEiMaxReplyBytes,
         [this](const QByteArray&) { readConfig(); });
  });
}

EiSession::~EiSession() {
  m_transport->disconnect(this);
  m_transport->close();
}

QString EiSession::where() const {
  return m_uri.text;
}

void EiSession::open() {
  m_ready = false;
  m_onFail = [this](const QString& message) { Q_EMIT connectFailed(message); };
  if (m_transport->isOpen())
    exec("b", link::kEiPrompt, kPromptTimeoutMs, link::kEiMaxReplyBytes,
         [this](const QByteArray&) { readConfig(); });
  else
    m_transport->open();
}

void EiSession::close() {
  m_transport->close();
}

void EiSession::onClosed() {
  const bool wasBusy = m_busy;
  m_ready = false;
  m_fastBaud = false;
  if (wasBusy)
    fail(QStringLiteral("%1: the link closed while waiting for the reply to '%2'")
             .arg(where(), QString::fromLatin1(m_command)));
  Q_EMIT closed();
}

void EiSession::readConfig() {
  exec("AT+CONFIG?", link::kEiPrompt, kCommandTimeoutMs, link::kEiMaxReplyBytes,
       [this](const QByteArray& reply) {
         const QStringList lines = link::eiReplyLines(reply, "AT+CONFIG?");
         const QString refused = link::eiRefusal(lines);
         if (!refused.isEmpty())
           return fail(
               QStringLiteral("%1: AT+CONFIG? refused: %2").arg(where(), sanitized(refused)));
         QString error;
         link::EiDeviceConfig config;
         if (!link::parseEiConfig(lines.join(QLatin1Char('\n')).toLatin1(), &config, &error))
           return fail(QStringLiteral("%1: %2").arg(where(), sanitized(error)));
         m_config = config;
         m_ready = true;
         m_onFail = nullptr;
         Q_EMIT connected(info());
       });
}

DeviceInfo EiSession::info() const {
  proto::HelloReply h;
  h.chosenVersion = 0;  // no tinyscope protocol: no inference, slots or flashing
  assignCut(&h.boardName, m_config.type, proto::kMaxNameLen);
  assignCut(&h.firmwareVersion, QStringLiteral("Edge Impulse AT %1").arg(m_config.atVersion()),
            proto::kMaxVersionLen);
  const QByteArray id = m_config.id.toLatin1().left(static_cast<int>(proto::kMaxDeviceIdLen));
  h.deviceId.assign(proto::ConstByteSpan(reinterpret_cast<const uint8_t*>(id.constData()),
                                         static_cast<size_t>(id.size())));
  QStringList names;
  for (int i = 0; i < m_config.sensors.size() && h.sensors.size() < proto::kMaxSensors; ++i) {
    const link::EiSensor& s = m_config.sensors[i];
    proto::SensorInfo si;
    si.sensorId = static_cast<uint8_t>(i);
    assignCut(&si.name, s.name, proto::kMaxNameLen);
    si.axes = 1;  // the board says how many axes only in a sample
    si.sampleType = proto::ElementType::kFloat32;
    const double first = s.frequenciesHz.isEmpty() ? 1.0 : s.frequenciesHz.first();
    const double top = s.frequenciesHz.isEmpty()
                           ? first
                           : *std::max_element(s.frequenciesHz.begin(), s.frequenciesHz.end());
    si.rateMilliHz = milliHz(first);
    si.maxRateMilliHz = milliHz(top);
    h.sensors.push(si);
    names.append(sanitized(s.name));
  }
  DeviceInfo d = DeviceInfo::fromHello(h);
  d.boardName = sanitized(m_config.type);
  d.firmwareVersion = QStringLiteral("Edge Impulse AT %1").arg(m_config.atVersion());
  d.sensorNames = names;  // whole names, not cut to the protocol's bound
  return d;
}

bool EiSession::startSample(const EiSampleRequest& request, QString* error) {
  if (!m_ready) {
    *error = QStringLiteral("%1: the board is not connected").arg(where());
    return false;
  }
  if (m_sampling || m_busy) {
    *error = QStringLiteral("%1: the board is busy with another command").arg(where());
    return false;
  }
  const int index = m_config.sensorIndex(request.sensor);
  if (index < 0) {
    QStringList names;
    for (const link::EiSensor& s : m_config.sensors) names.append(sanitized(s.name));
    *error = QStringLiteral("%1: no sensor '%2' (the board has: %3)")
                 .arg(where(), request.sensor, names.join(QStringLiteral(", ")));
    return false;
  }
  const link::EiSensor& sensor = m_config.sensors[index];
  EiSampleRequest r = request;
  if (r.intervalMs <= 0) {
    if (sensor.frequenciesHz.isEmpty()) {
      *error = QStringLiteral("%1: sensor '%2' lists no frequency: give the interval")
                   .arg(where(), request.sensor);
      return false;
    }
    r.intervalMs = 1000.0 / sensor.frequenciesHz.first();
  }
  if (sensor.maxSampleLengthS > 0 &&
      static_cast<double>(r.lengthMs) > sensor.maxSampleLengthS * 1000.0) {
    *error = QStringLiteral("%1: %2 ms is longer than sensor '%3' samples (at most %4 s)")
                 .arg(where())
                 .arg(r.lengthMs)
                 .arg(request.sensor)
                 .arg(sensor.maxSampleLengthS);
    return false;
  }
  // The stored file's name carries the label before its first '.' (Edge Impulse's rule).
  if (r.label.contains(QLatin1Char('.')) || r.label.contains(QLatin1Char('/')) ||
      r.label.contains(QLatin1Char('\\'))) {
    *error = QStringLiteral("label '%1' may not contain '.', '/' or '\\'").arg(r.label);
    return false;
  }
  const QByteArray settings =
      link::eiSampleSettingsCommand(r.label, r.intervalMs, r.lengthMs, QString(), error);
  if (settings.isEmpty()) return false;
  m_request = r;
  m_deviceFileName.clear();
  m_sampling = true;
  m_onFail = [this](const QString& message) {
    m_sampling = false;
    Q_EMIT sampleFailed(message);
  };
  exec(settings, link::kEiPrompt, kCommandTimeoutMs, link::kEiMaxReplyBytes,
       [this, settings](const QByteArray& reply) {
         const QStringList lines = link::eiReplyLines(reply, settings);
         const QString refused = link::eiRefusal(lines);
         if (!refused.isEmpty() || !lines.contains(QStringLiteral("OK")))
           return fail(QStringLiteral("%1: AT+SAMPLESETTINGS was not accepted: %2")
                           .arg(where(), sanitized(refused.isEmpty() ? lines.join(QLatin1Char(' '))
                                                                     : refused)));
         sampleStart();
       });
  return true;
}

void EiSession::sampleStart() {
  const QByteArray cmd = "AT+SAMPLESTART=" + m_request.sensor.toLatin1();
  // The board waits >= 2 s (erasing flash) before sampling, then writes the file.
  const int timeout = static_cast<int>(std::min<qint64>(3 * m_request.lengthMs + 20000, 3600000));
  exec(cmd, link::kEiPrompt, timeout, link::kEiMaxReplyBytes, [this, cmd](const QByteArray& reply) {
    const QStringList lines = link::eiReplyLines(reply, cmd);
    qint64 from = -1, to = -1;
    for (const QString& l : lines) {
      const link::EiSampleLine s = link::parseEiSampleLine(l);
      if (s.kind == link::EiSampleLine::Kind::kError)
        return fail(
            QStringLiteral("%1: %2: %3").arg(where(), QString::fromLatin1(cmd), sanitized(s.text)));
      if (s.kind == link::EiSampleLine::Kind::kUsedBuffer) {
        from = s.from;
        to = s.to;
      }
    }
    if (from < 0)
      return fail(QStringLiteral("%1: %2: the board did not say where it kept the sample (no "
                                 "'Used buffer, from=F, to=T' line)")
                      .arg(where(), QString::fromLatin1(cmd)));
    if (to <= from || to - from > link::kEiMaxSampleBytes)
      return fail(QStringLiteral("%1: %2: the board declares a sample of bytes %3 to %4, not a "
                                 "size between 1 and %5 bytes")
                      .arg(where(), QString::fromLatin1(cmd))
                      .arg(from)
                      .arg(to)
                      .arg(link::kEiMaxSampleBytes));
    sampleReadBuffer(from, to);
  });
}

void EiSession::sampleReadBuffer(qint64 from, qint64 to) {
  Q_EMIT sampleStage(QStringLiteral("reading"));
  const qint64 bytes = to - from;
  const qint64 chars = 4 * ((bytes + 2) / 3);
  const bool canSwitch = m_uri.kind == link::DeviceUri::Kind::kSerial;
  const QByteArray cmd = "AT+READBUFFER=" + QByteArray::number(from) + ',' +
                         QByteArray::number(to) + m_config.transferSuffix(canSwitch).toLatin1();
  // Twice the time the text takes at 115200 baud, and 10 s more.
  const int timeout = static_cast<int>(std::min<qint64>(chars * 2000 / 11520 + 10000, 3600000));
  const qint64 maxReply = chars + 2 * cmd.size() + 4096;
  if (!m_config.usesFastTransfer(canSwitch)) {
    exec(cmd, link::kEiPrompt, timeout, maxReply, [this, cmd, bytes](const QByteArray& reply) {
      sampleDecode(link::eiReplyLines(reply, cmd), bytes);
    });
    return;
  }
  // "OK" at 115200, the data at the transfer rate ending "\r\nOK", then back to 115200.
  exec(cmd, link::kEiTransferMark, kCommandTimeoutMs, link::kEiMaxReplyBytes,
       [this, cmd, bytes, timeout, maxReply](const QByteArray& reply) {
         const QString refused = link::eiRefusal(link::eiReplyLines(reply, cmd));
         if (!refused.isEmpty())
           return fail(QStringLiteral("%1: %2: %3")
                           .arg(where(), QString::fromLatin1(cmd), sanitized(refused)));
         if (!m_transport->setBaudRate(m_config.transferBaud))
           return fail(QStringLiteral("%1: cannot switch the port to the board's transfer rate "
                                      "of %2 baud")
                           .arg(where())
                           .arg(m_config.transferBaud));
         m_fastBaud = true;
         await(link::kEiTransferMark, timeout, maxReply, [this, bytes](const QByteArray& data) {
           restoreBaud();
           const QStringList lines = link::eiReplyLines(data, {});
           await(link::kEiPrompt, kCommandTimeoutMs, link::kEiMaxReplyBytes,
                 [this, lines, bytes](const QByteArray&) { sampleDecode(lines, bytes); });
         });
       });
}

void EiSession::restoreBaud() {
  if (!m_fastBaud) return;
  m_fastBaud = false;
  // Back to the command rate: the address's (115200 unless it says otherwise).
  m_transport->setBaudRate(
      m_uri.option(QStringLiteral("baud"), QString::number(link::kEiDefaultBaud)).toInt());
}

void EiSession::sampleDecode(const QStringList& lines, qint64 bytes) {
  for (const QString& l : lines)
    if (l.startsWith(QLatin1String("Failed to read")) || !link::eiRefusal({l}).isEmpty())
      return fail(QStringLiteral("%1: AT+READBUFFER: %2").arg(where(), sanitized(l)));
  QByteArray file;
  QString error;
  if (!link::decodeEiBuffer(lines, bytes, &file, &error))
    return fail(QStringLiteral("%1: %2").arg(where(), error));
  // Boards pad the buffer past the CBOR's end with 0xFF (erased flash): cut the padding only.
  {
    QCborStreamReader reader(file);
    QCborValue::fromCbor(reader);
    const qint64 end = reader.currentOffset();
    if (reader.lastError() == QCborError::NoError && end < file.size()) {
      const QByteArray tail = file.mid(static_cast<int>(end));
      if (tail.count('\xff') == tail.size()) file.truncate(static_cast<int>(end));
    }
  }
  const QString name =
      QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmsszzz"));
  const QString fileName = QStringLiteral("%1.%2.cbor").arg(m_request.label, name);
  auto parsed = dataset::formats::parseEiAcquisition(file, fileName, m_config.hmacKey);
  if (!parsed.ok()) {
    // A signature that does not verify with the board's key is kept as "not verified".
    auto unverified = dataset::formats::parseEiAcquisition(file, fileName);
    if (!unverified.ok())
      return fail(
          QStringLiteral("%1: the sample read off the board: %2").arg(where(), unverified.error));
    parsed = unverified;
  }
  EiSample sample;
  sample.sensor = m_request.sensor;
  sample.recording = parsed.value.recording;
  sample.signature = parsed.value.signature;
  sample.file = file;
  m_sampling = false;
  m_onFail = nullptr;
  Q_EMIT sampleFinished(sample);
}

void EiSession::exec(const QByteArray& command, const QByteArray& terminator, int timeoutMs,
                     qint64 maxBytes, ReplyHandler onReply) {
  m_reader.takeRemainder();  // output nobody asked for (a stale prompt) is not this reply
  m_command = command;
  m_needEcho = true;
  m_pendingWrite = command + '\r';
  // The deadline counts from the last byte sent.
  const int sendMs = static_cast<int>(m_pendingWrite.size() / kPaceBytes) * kPaceMs;
  await(terminator, timeoutMs + sendMs, maxBytes, std::move(onReply));
  m_needEcho = true;
  sendPaced();
  if (!m_pendingWrite.isEmpty()) m_pace.start(kPaceMs);
}

void EiSession::await(const QByteArray& terminator, int timeoutMs, qint64 maxBytes,
                      ReplyHandler onReply) {
  m_busy = true;
  m_needEcho = false;
  m_onReply = std::move(onReply);
  m_timeoutMs = timeoutMs;
  m_terminator = terminator;
  m_maxReply = maxBytes;
  m_deadline.start(timeoutMs);
  m_reader.start(terminator, maxBytes);
  // Bytes carried over from the previous reply may already complete this one.
  if (m_reader.status() != link::EiReplyReader::Status::kNeedMore)
    QMetaObject::invokeMethod(
        this, [this] { onBytes({}, 0); }, Qt::QueuedConnection);
}

void EiSession::sendPaced() {
  if (m_pendingWrite.isEmpty()) {
    m_pace.stop();
    return;
  }
  const QByteArray part = m_pendingWrite.left(kPaceBytes);
  m_pendingWrite.remove(0, part.size());
  if (m_pendingWrite.isEmpty()) m_pace.stop();
  if (!m_transport->write(part))
    fail(QStringLiteral("%1: cannot send '%2'").arg(where(), QString::fromLatin1(m_command)));
}

void EiSession::fail(const QString& message) {
  m_busy = false;
  m_deadline.stop();
  m_pace.stop();
  m_pendingWrite.clear();
  m_onReply = nullptr;
  restoreBaud();
  m_sampling = false;
  FailHandler handler = std::move(m_onFail);
  m_onFail = nullptr;
  if (handler)
    handler(message);
  else
    Q_EMIT errorOccurred(message);
}

void EiSession::onBytes(const QByteArray& chunk, qint64) {
  if (!m_busy) return;  // output between commands (a board's own prints): nobody's reply
  link::EiReplyReader::Status status = chunk.isEmpty() ? m_reader.status() : m_reader.feed(chunk);
  for (;;) {
    for (const QString& line : m_reader.takeLines()) {
      Q_EMIT deviceLine(sanitized(line));
      if (!m_sampling) continue;
      const link::EiSampleLine s = link::parseEiSampleLine(line);
      using Kind = link::EiSampleLine::Kind;
      if (s.kind == Kind::kFileName) m_deviceFileName = s.fileName;
      if (s.kind == Kind::kStarting) Q_EMIT sampleStage(QStringLiteral("starting"));
      if (s.kind == Kind::kSampling) Q_EMIT sampleStage(QStringLiteral("sampling"));
      if (s.kind == Kind::kProcessing || s.kind == Kind::kDoneSampling)
        Q_EMIT sampleStage(QStringLiteral("processing"));
      if (s.kind == Kind::kUploading) Q_EMIT sampleStage(QStringLiteral("uploading"));
    }
    if (status == link::EiReplyReader::Status::kOverflow)
      return fail(QStringLiteral("%1: the reply to '%2' passed %3 bytes without ending: the "
                                 "board does not follow the AT protocol")
                      .arg(where(), QString::fromLatin1(m_command))
                      .arg(m_reader.reply().size()));
    if (status != link::EiReplyReader::Status::kComplete) return;
    if (m_needEcho && !m_reader.reply().contains(m_command)) {
      // A prompt from before the command (a stale one): keep waiting for the real reply.
      m_reader.start(m_terminator, m_maxReply);
      status = m_reader.status();
      continue;
    }
    m_busy = false;
    m_deadline.stop();
    ReplyHandler handler = std::move(m_onReply);
    m_onReply = nullptr;
    const QByteArray reply = m_reader.reply();
    if (handler) handler(reply);
    return;
  }
}

bool EiSession::connectBlocking(QString* error) {
  QEventLoop loop;
  bool ok = false;
  auto a = connect(this, &EiSession::connected, &loop, [&] {
    ok = true;
    loop.quit();
  });
  auto b = connect(this, &EiSession::connectFailed, &loop, [&](const QString& e) {
    *error = e;
    loop.quit();
  });
  open();
  if (!m_ready) loop.exec();
  disconnect(a);
  disconnect(b);
  return ok || m_ready;
}

bool EiSession::sampleBlocking(const EiSampleRequest& request, EiSample* out, QString* error) {
  QEventLoop loop;
  bool ok = false;
  auto a = connect(this, &EiSession::sampleFinished, &loop, [&](const EiSample& s) {
    *out = s;
    ok = true;
    loop.quit();
  });
  auto b = connect(this, &EiSession::sampleFailed, &loop, [&](const QString& e) {
    *error = e;
    loop.quit();
  });
  if (startSample(request, error)) loop.exec();
  disconnect(a);
  disconnect(b);
  return ok;
}

bool storeEiSample(dataset::DatasetStore* store, const EiSample& sample, const QString& deviceUri,
                   qint64* sampleId, QString* error) {
  dataset::ImportItem item;
  item.file = deviceUri;
  item.recording = sample.recording;
  item.fromEi = true;
  item.signature = sample.signature;
  dataset::ImportOptions options;
  options.label = sample.recording.label;
  dataset::DatasetStore::NewSample ns;
  if (!dataset::toNewSample(item, options, &ns, error)) return false;
  ns.spec.deviceUri = deviceUri;
  ns.spec.sensor = sample.sensor;
  const QVector<qint64> ids = store->addSamples({ns}, error);
  if (ids.isEmpty()) return false;
  if (sampleId) *sampleId = ids.first();
  return true;
}

SensorWindowData eiSampleWindow(const EiSample& sample) {
  const dataset::formats::Recording& r = sample.recording;
  SensorWindowData w;
  w.sampleType = proto::ElementType::kFloat32;
  w.channels = std::min(static_cast<int>(r.axes.size()), static_cast<int>(proto::kMaxAxes));
  w.samples = static_cast<int>(r.frameCount());
  w.arrivalNs = link::steadyNowNs();
  w.payload.reserve(w.samples * w.channels * 4);
  for (qint64 f = 0; f < r.frameCount(); ++f)
    for (int c = 0; c < w.channels; ++c) {
      const float v = static_cast<float>(r.value(f, c));
      w.payload.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
  return w;
}

}  // namespace tinyscope
