#include "app/core/device/device_controller.h"

#include <QTimer>
#include <cmath>

#include "app/core/dataset/dataset_store.h"
#include "app/core/device/device_transport.h"

namespace tinyscope {

DeviceController::DeviceController(QObject* parent) : QObject(parent), m_io(new QObject) {
  // Every type a queued signal carries from the I/O thread. A text board's DeviceInfo comes
  // from TextStream, which runs before (or without) any DeviceSession registering it.
  qRegisterMetaType<tinyscope::DeviceInfo>();
  qRegisterMetaType<tinyscope::SensorWindowData>();
  qRegisterMetaType<tinyscope::InferenceRun>();
  qRegisterMetaType<tinyscope::LinkStatus>();
  qRegisterMetaType<tinyscope::ConnectionState>();
  qRegisterMetaType<QVector<qint64>>("QVector<qint64>");
  m_thread.setObjectName(QStringLiteral("tinyscope-io"));
  m_io->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_io, &QObject::deleteLater);
  m_thread.start();
}

DeviceController::~DeviceController() {
  // Close the device on its own thread and wait for it, so a simulator process or QEMU is
  // stopped before the controller is gone.
  QMetaObject::invokeMethod(
      m_io,
      [this] {
        finishRecording(QString());
        delete m_session;
        m_session = nullptr;
        delete m_text;
        m_text = nullptr;
        delete m_ei;
        m_ei = nullptr;
      },
      Qt::BlockingQueuedConnection);
  m_thread.quit();
  m_thread.wait();
}

template <class F>
void DeviceController::onIoThread(F&& f) {
  QMetaObject::invokeMethod(m_io, std::forward<F>(f), Qt::QueuedConnection);
}

QString connectionStateName(ConnectionState state) {
  switch (state) {
    case ConnectionState::kDisconnected:
      return QStringLiteral("disconnected");
    case ConnectionState::kConnecting:
      return QStringLiteral("connecting");
    case ConnectionState::kConnected:
      return QStringLiteral("connected");
    case ConnectionState::kStreaming:
      return QStringLiteral("streaming");
    case ConnectionState::kLost:
      return QStringLiteral("lost");
    case ConnectionState::kReconnecting:
      return QStringLiteral("reconnecting");
  }
  return QStringLiteral("unknown");
}

void DeviceController::setState(ConnectionState state) {
  if (state == m_state) return;
  m_state = state;
  Q_EMIT stateChanged(state);
}

void DeviceController::failConnecting(const QString& error) {
  Q_EMIT errorOccurred(error);
  if (m_state == ConnectionState::kConnecting) disconnectDevice();
}

size_t DeviceController::drainWindows(std::vector<SensorWindowData>* out) {
  if (!m_connected) {  // left over from a device that is gone, or not announced yet
    std::vector<SensorWindowData> stale;
    m_windows.popAll(&stale);
    return 0;
  }
  const size_t n = m_windows.popAll(out);
  if (n > 0 && m_streamWanted && m_state == ConnectionState::kConnected)
    setState(ConnectionState::kStreaming);
  return n;
}

void DeviceController::connectTo(const QString& address) {
  disconnectDevice();
  m_address = address;
  {
    link::DeviceUri uri;
    QString unused;
    m_eiBoard = link::parseDeviceUri(address, &uri, &unused) && uri.eiMode();
  }
  setState(ConnectionState::kConnecting);
  onIoThread([this, address] {
    link::DeviceUri uri;
    QString error;
    if (!link::parseDeviceUri(address, &uri, &error)) {
      QMetaObject::invokeMethod(
          this, [this, error] { failConnecting(error); }, Qt::QueuedConnection);
      return;
    }
    if (uri.eiMode())
      openEiSession(uri);
    else if (uri.textMode())
      openTextStream(uri);
    else
      openSession(uri);
  });
}

void DeviceController::reportError(const QString& e) {
  // While retrying, the same failure repeats every second: report it once.
  if (e == m_lastError && !m_connected) return;
  m_lastError = e;
  Q_EMIT errorOccurred(e);
}

std::unique_ptr<link::Transport> DeviceController::makeTransport(const link::DeviceUri& uri) {
  QString error;
  std::unique_ptr<link::Transport> transport = createTransport(uri, &error);
  if (!transport)
    QMetaObject::invokeMethod(
        this, [this, error] { failConnecting(error); }, Qt::QueuedConnection);
  return transport;
}

void DeviceController::markConnected(const DeviceInfo& info) {
  if (m_address.isEmpty()) return;  // queued from a device that was disconnected since
  m_info = info;
  m_connected = true;
  m_lastError.clear();
  // A (re)started agent streams nothing until asked; a text board streams by itself.
  m_streamWanted = info.hello.chosenVersion == 0 && !m_eiBoard;
  setState(ConnectionState::kConnected);
  Q_EMIT connected(info);
}

void DeviceController::markDisconnected() {
  // Gone already: a failed reopen while reconnecting closes the link again.
  if (m_address.isEmpty() || m_state == ConnectionState::kLost ||
      m_state == ConnectionState::kReconnecting)
    return;
  m_connected = false;
  m_streamWanted = false;
  setState(ConnectionState::kLost);
  Q_EMIT disconnected();
}

void DeviceController::openSession(const link::DeviceUri& uri) {
  std::unique_ptr<link::Transport> transport = makeTransport(uri);
  if (!transport) return;
  m_session =
      new DeviceSession(std::make_unique<link::DeviceLink>(uri, std::move(transport)), m_io);
  DeviceSession* s = m_session;
  // Session signals are emitted on the I/O thread; `this` lives in the GUI thread, so
  // these connections are queued.
  connect(s, &DeviceSession::connected, this, &DeviceController::markConnected);
  // A device that rebooted has a new handshake (and stopped its streams): show it as a fresh
  // connection, so every view reloads what it shows from the new DeviceInfo.
  connect(s, &DeviceSession::deviceRestarted, this, &DeviceController::markConnected);
  connect(s, &DeviceSession::disconnected, this, &DeviceController::markDisconnected);
  connect(s, &DeviceSession::errorOccurred, this, &DeviceController::reportError);
  connect(s, &DeviceSession::deviceLog, this, &DeviceController::deviceLog);
  connect(s, &DeviceSession::diagnostic, this,
          [this](const QString& line) { Q_EMIT deviceLog(0, line); });
  // Windows go through the ring, on the I/O thread (direct connection).
  connect(
      s, &DeviceSession::windowReceived, m_io,
      [this](const SensorWindowData& w) { m_windows.push(w); }, Qt::DirectConnection);
  QTimer* retry = addStatusAndRetryTimers(
      s,
      [s] {
        LinkStatus st{s->streams().value(0), s->counters()};
        st.rateHz = st.stream.measuredRateHz();
        return st;
      },
      [s] { return s->isOpen() && s->handshakeDone(); },
      [s] {
        s->close();
        s->startHandshake();
      });
  connect(s, &DeviceSession::disconnected, retry, [retry] { retry->start(); });
  connect(s, &DeviceSession::connected, retry, &QTimer::stop);
  // One error per failed handshake (a port that does not open is not also "no answer"). The
  // first handshake failing ends the connection attempt; while reconnecting, retries go on.
  connect(s, &DeviceSession::handshakeFailed, this, &DeviceController::onHandshakeFailed);
  s->startHandshake();
}

QTimer* DeviceController::addStatusAndRetryTimers(QObject* device,
                                                  std::function<LinkStatus()> status,
                                                  std::function<bool()> alive,
                                                  std::function<void()> reopen) {
  auto* tick = new QTimer(device);
  connect(tick, &QTimer::timeout, device,
          [this, status = std::move(status)] { Q_EMIT statusUpdated(status()); });
  tick->start(500);
  // Retry while the user still wants this device (`device` is deleted on disconnectDevice()).
  auto* retry = new QTimer(device);
  retry->setInterval(1000);
  connect(retry, &QTimer::timeout, device,
          [this, alive = std::move(alive), reopen = std::move(reopen), attempt = 0]() mutable {
            if (alive()) return;
            ++attempt;
            QMetaObject::invokeMethod(
                this,
                [this, attempt] {
                  if (m_address.isEmpty()) return;
                  setState(ConnectionState::kReconnecting);
                  Q_EMIT reconnecting(attempt);
                },
                Qt::QueuedConnection);
            reopen();
          });
  return retry;
}

void DeviceController::onHandshakeFailed(const QString& error) {
  if (m_state == ConnectionState::kConnecting)
    failConnecting(error);
  else
    reportError(error);
}

template <class Device, class Answered, class Printed>
void DeviceController::wireDevice(Device* device, Answered answered, Printed printed) {
  connect(device, answered, this, &DeviceController::markConnected);
  connect(device, &Device::closed, this, &DeviceController::markDisconnected);
  connect(device, &Device::errorOccurred, this, &DeviceController::reportError);
  connect(device, printed, this, [this](const QString& line) { Q_EMIT deviceLog(1, line); });
}

void DeviceController::openTextStream(const link::DeviceUri& uri) {
  std::unique_ptr<link::Transport> transport = makeTransport(uri);
  if (!transport) return;
  m_text = new TextStream(uri, std::move(transport), m_io);
  TextStream* t = m_text;
  wireDevice(t, &TextStream::channelsKnown, &TextStream::textLine);
  connect(
      t, &TextStream::windowReceived, m_io,
      [this](const SensorWindowData& w) { m_windows.push(w); }, Qt::DirectConnection);
  QTimer* retry = addStatusAndRetryTimers(
      t,
      [t] {
        LinkStatus st;
        st.stream = t->stats();
        st.textMode = true;
        const link::RateEstimate r = t->decoder().rate();
        st.rateHz = r.hz;
        st.rateUncertaintyHz = r.uncertaintyHz;
        st.textLines = t->decoder().counters().textLines;
        return st;
      },
      [t] { return t->isOpen(); }, [t] { t->open(); });
  connect(t, &TextStream::closed, retry, [retry] { retry->start(); });
  t->open();
}

void DeviceController::openEiSession(const link::DeviceUri& uri) {
  std::unique_ptr<link::Transport> transport = makeTransport(uri);
  if (!transport) return;
  m_ei = new EiSession(uri, std::move(transport), m_io);
  EiSession* e = m_ei;
  wireDevice(e, &EiSession::connected, &EiSession::deviceLine);
  connect(e, &EiSession::connectFailed, this, &DeviceController::onHandshakeFailed);
  connect(e, &EiSession::sampleStage, this, [this](const QString& stage) {
    Q_EMIT deviceLog(0, tr("Edge Impulse board: %1").arg(stage));
  });
  // Samples, on the I/O thread (direct): into the dataset when recording, to the plots always.
  connect(
      e, &EiSession::sampleFinished, m_io,
      [this, e](const EiSample& sample) {
        m_windows.push(eiSampleWindow(sample));
        if (m_eiRecordInFlight) {
          QString error;
          qint64 id = 0;
          const bool ok = storeEiSample(m_recordStore.get(), sample, m_eiRecordUri, &id, &error);
          m_eiRecordUri.clear();
          m_eiRecordInFlight = false;
          m_recordStore.reset();
          const qint64 frames = sample.recording.frameCount();
          Q_EMIT recordingProgress(ok ? frames : 0, ok ? 1 : 0, 0);
          reportRecordingStopped(ok ? QVector<qint64>{id} : QVector<qint64>{}, error);
        }
        if ((m_eiStreaming || !m_eiRecordUri.isEmpty()) && e->isReady()) startNextEiSample();
      },
      Qt::DirectConnection);
  connect(
      e, &EiSession::sampleFailed, m_io,
      [this](const QString& error) {
        m_eiStreaming = false;
        if (!m_eiRecordUri.isEmpty())
          finishRecording(error);  // the recording's sample, or the stream's before it
        else
          QMetaObject::invokeMethod(
              this, [this, error] { reportError(error); }, Qt::QueuedConnection);
      },
      Qt::DirectConnection);
  QTimer* retry = addStatusAndRetryTimers(
      e, [] { return LinkStatus{}; }, [e] { return e->isOpen() && e->isReady(); },
      [e] {
        e->close();
        e->open();
      });
  connect(e, &EiSession::closed, retry, [retry] { retry->start(); });
  connect(e, &EiSession::connected, retry, &QTimer::stop);
  e->open();
}

void DeviceController::startNextEiSample() {
  const bool record = !m_eiRecordUri.isEmpty();
  const QString label = record ? m_eiRecordLabel : QString();
  const qint64 lengthMs = record ? m_eiRecordMs : 0;
  m_eiRecordInFlight = record;
  const link::EiDeviceConfig& c = m_ei->config();
  if (m_eiSensor < 0 || m_eiSensor >= c.sensors.size()) m_eiSensor = 0;
  if (c.sensors.isEmpty()) {
    m_eiStreaming = false;
    if (record) finishRecording(tr("The Edge Impulse board lists no sensor."));
    return;
  }
  const link::EiSensor& sensor = c.sensors[m_eiSensor];
  EiSampleRequest r;
  r.sensor = sensor.name;
  // Streaming: the board's own label and length (a short sample when it has none).
  r.label = label.isEmpty() ? (c.label.isEmpty() ? QStringLiteral("tinyscope") : c.label) : label;
  r.lengthMs = lengthMs > 0 ? lengthMs : (c.lengthMs > 0 ? c.lengthMs : 1000);
  if (sensor.maxSampleLengthS > 0)
    r.lengthMs = std::min<qint64>(r.lengthMs, std::llround(sensor.maxSampleLengthS * 1000.0));
  QString error;
  if (!m_ei->startSample(r, &error)) {
    m_eiStreaming = false;
    if (record)
      finishRecording(error);
    else
      QMetaObject::invokeMethod(
          this, [this, error] { reportError(error); }, Qt::QueuedConnection);
  }
}

void DeviceController::disconnectDevice() {
  if (m_address.isEmpty()) return;
  m_connected = false;
  m_streamWanted = false;
  m_address.clear();
  m_lastError.clear();
  onIoThread([this] {
    finishRecording(QString());
    if (m_text) {
      m_text->disconnect(this);
      m_text->deleteLater();
      m_text = nullptr;
    }
    if (m_ei) {
      m_ei->disconnect(this);
      m_ei->deleteLater();
      m_ei = nullptr;
      m_eiStreaming = false;
    }
    if (!m_session) return;
    m_session->disconnect(this);
    m_session->close();
    m_session->deleteLater();
    m_session = nullptr;
  });
  setState(ConnectionState::kDisconnected);
  Q_EMIT disconnected();
}

void DeviceController::startRecording(const QString& datasetDir, const RecorderOptions& options) {
  if (m_recording) return;
  m_recording = true;
  onIoThread([this, datasetDir, options] {
    auto stopped = [this](const QString& error) { reportRecordingStopped({}, error); };
    if (m_ei) {
      if (!m_ei->isReady()) return stopped(tr("The Edge Impulse board is not connected."));
      const QString label = options.spec.labels.value(0);
      if (label.isEmpty())
        return stopped(tr("An Edge Impulse board needs a label for each sample."));
      QString error;
      m_recordStore = dataset::DatasetStore::openOrCreate(datasetDir, &error);
      if (!m_recordStore) return stopped(error);
      const int byName = m_ei->config().sensorIndex(options.spec.sensor);
      if (byName >= 0) m_eiSensor = byName;
      m_eiRecordUri = m_ei->uri().text;
      m_eiRecordLabel = label;
      m_eiRecordMs = std::llround(options.sampleSeconds * 1000.0);
      // A stream's sample under way finishes first; the recording's follows it.
      if (!m_ei->isSampling()) startNextEiSample();
      return;
    }
    if (!m_session || !m_session->handshakeDone())
      return stopped(tr("Recording needs a connected device that runs the agent."));
    QString error;
    m_recordStore = dataset::DatasetStore::openOrCreate(datasetDir, &error);
    if (!m_recordStore) return stopped(error);
    m_recorder = std::make_unique<Recorder>(m_session, m_recordStore.get(), options);
    // Queued: the recorder is deleted by finishRecording(), never inside its own signal.
    connect(
        m_recorder.get(), &Recorder::done, m_io,
        [this] { finishRecording(m_recorder ? m_recorder->error() : QString()); },
        Qt::QueuedConnection);
    m_recordTick = new QTimer(m_io);
    connect(m_recordTick, &QTimer::timeout, m_io, [this] {
      if (!m_recorder) return;
      const RecorderStats st = m_recorder->stats();
      Q_EMIT recordingProgress(st.frames, st.samples, st.lostFrames);
    });
    m_recordTick->start(250);
  });
}

void DeviceController::stopRecording() {
  onIoThread([this] { finishRecording(QString()); });
}

void DeviceController::finishRecording(const QString& why) {
  if (!m_eiRecordUri.isEmpty()) {  // an Edge Impulse sample in flight: nothing is stored
    m_eiRecordUri.clear();
    m_eiRecordInFlight = false;
    m_recordStore.reset();
    reportRecordingStopped({}, why);
    return;
  }
  if (!m_recorder) return;
  delete m_recordTick;
  m_recordTick = nullptr;
  QString error = why;
  QString finishError;
  if (!m_recorder->finish(&finishError) && error.isEmpty()) error = finishError;
  const QVector<qint64> ids = m_recorder->sampleIds();
  const RecorderStats st = m_recorder->stats();
  m_recorder.reset();
  m_recordStore.reset();
  Q_EMIT recordingProgress(st.frames, st.samples, st.lostFrames);
  reportRecordingStopped(ids, error);
}

void DeviceController::reportRecordingStopped(const QVector<qint64>& ids, const QString& error) {
  QMetaObject::invokeMethod(
      this,
      [this, ids, error] {
        m_recording = false;
        Q_EMIT recordingStopped(ids, error);
      },
      Qt::QueuedConnection);
}

void DeviceController::startStream(quint8 sensorId, quint16 windowSamples) {
  m_streamWanted = true;
  onIoThread([this, sensorId, windowSamples] {
    if (m_session) m_session->startStream(0, sensorId, 0, windowSamples);
    if (m_ei && m_ei->isReady() && sensorId < m_ei->config().sensors.size()) {
      m_eiSensor = sensorId;
      m_eiStreaming = true;
      if (!m_ei->isSampling()) startNextEiSample();
    }
  });
}

void DeviceController::stopStream() {
  if (m_info.hello.chosenVersion != 0) m_streamWanted = false;  // a text board cannot stop
  if (m_state == ConnectionState::kStreaming) setState(ConnectionState::kConnected);
  onIoThread([this] {
    if (m_session) m_session->stopStream(0);
    m_eiStreaming = false;  // the sample in flight still arrives
  });
}

void DeviceController::withSession(std::function<void(DeviceSession*)> job) {
  onIoThread([this, job = std::move(job)] {
    job(m_session && m_session->handshakeDone() ? m_session : nullptr);
  });
}

void DeviceController::runInference(const QByteArray& input) {
  onIoThread([this, input] {
    if (!m_session) {
      const QString why = m_ei ? tr("An Edge Impulse board runs its own impulse: tinyscope cannot "
                                    "run inference on it.")
                               : tr("No device is connected.");
      QMetaObject::invokeMethod(
          this, [this, why] { Q_EMIT runFailed(why); }, Qt::QueuedConnection);
      return;
    }
    // The session ends the run once: its result, the device's refusal, or 60 s.
    m_session->runInference(
        input, proto::CaptureMode::kAllOps, {},
        [this, input](const InferenceRun& run) { Q_EMIT runFinished(run, input); },
        [this](const QString& e) { Q_EMIT runFailed(e); }, 60000);
  });
}

}  // namespace tinyscope
