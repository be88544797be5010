#include "app/core/device/model_flasher.h"

#include <QEventLoop>
#include <QTimer>

#include "app/core/device/device_compatibility.h"
#include "device_protocol/crc32.h"
#include "model_runner/host/sha256.h"

namespace tinyscope {

using namespace tinyscope::proto;

namespace {
QString hex8(quint32 v) {
  return QStringLiteral("0x%1").arg(v, 8, 16, QLatin1Char('0'));
}
}  // namespace

ModelFlasher::ModelFlasher(DeviceSession* session, QObject* parent)
    : QObject(parent), m_session(session) {}

ModelFlasher::~ModelFlasher() {
  if (m_request) m_session->router().cancel(m_request);
  cancelWindow();
}

QString ModelFlasher::where() const {
  return m_session->uri().text;
}

bool ModelFlasher::start(const QByteArray& model, const FlashOptions& options) {
  if (running()) {
    m_error = QStringLiteral("%1: a flash transfer is already running").arg(where());
    return false;
  }
  if (model.isEmpty()) {
    m_error = QStringLiteral("%1: the model is empty").arg(where());
    return false;
  }
  m_report = FlashReport();
  m_report.refusedBeforeSending = true;
  ModelImageFile image;
  const QString what = options.modelName.isEmpty()
                           ? QStringLiteral("the model")
                           : QStringLiteral("model '%1'").arg(options.modelName);
  if (!loadModelImage(model, options.modelName, what, &image, &m_error)) {
    m_error = QStringLiteral("%1: %2").arg(where(), m_error);
    return false;
  }
  const proto::HelloReply& hello = m_session->info().hello;
  quint32 capacity = 0;
  for (const SlotInfo& s : hello.slots)
    if (s.slot == options.slot) capacity = s.capacity;
  const QStringList problems = deviceCompatibilityProblems(
      hello, image.header, static_cast<quint32>(image.bytes.size()), capacity);
  if (!problems.isEmpty()) {
    const QString name = QString::fromUtf8(image.header.modelName.c_str());
    m_error = describeIncompatibility(
        where(),
        name.isEmpty() ? QStringLiteral("the model") : QStringLiteral("model '%1'").arg(name),
        problems);
    return false;
  }
  m_model = image.bytes;
  m_imageName = QByteArray(image.header.modelName.c_str());
  m_options = options;
  m_report = FlashReport();
  m_report.size = static_cast<quint32>(m_model.size());
  m_report.crc32 = crc32(ConstByteSpan(reinterpret_cast<const uint8_t*>(m_model.constData()),
                                       static_cast<size_t>(m_model.size())));
  m_report.sha256 = QString::fromStdString(runner::host::sha256Hex(
      reinterpret_cast<const uint8_t*>(m_model.constData()), static_cast<size_t>(m_model.size())));
  m_resumeOffset = 0;
  m_error.clear();
  m_cancel = false;
  m_offset = 0;
  const quint16 maxFrame = m_session->info().hello.maxFrameSize;
  // FlashChunk overhead: 6-byte header + slot + offset + length = 13 bytes.
  m_chunkBytes = static_cast<quint32>(
      qBound<int>(1, maxFrame > 13 ? maxFrame - 13 : 1, static_cast<int>(kMaxChunk)));
  m_maxChunkBytes = m_chunkBytes;
  m_cleanChunks = 0;
  m_window.clear();
  m_sendOffset = m_sentEnd = m_bestOffset = 0;
  m_maxWindow = m_session->info().hello.chosenVersion >= kWindowedFlashingProtocolVersion
                    ? qBound(1, options.window, static_cast<int>(kMaxFlashWindow))
                    : 1;
  m_windowSize = qMin(2, m_maxWindow);
  m_windowAcks = 0;
  m_clock.start();
  m_firstChunkMs = -1;
  m_disconnect = connect(m_session, &DeviceSession::disconnected, this, [this] {
    finish(
        false,
        QStringLiteral(
            "%1: the device disappeared during flashing at byte %2 of %3; flash again to resume at "
            "the device's offset")
            .arg(where())
            .arg(m_offset)
            .arg(m_report.size));
  });
  advance(Stage::kSlotInfo);
  return true;
}

void ModelFlasher::cancel() {
  m_cancel = true;
}

void ModelFlasher::advance(Stage next) {
  if (next == Stage::kEnd && m_firstChunkMs >= 0)  // every byte is on the device
    m_report.transferMs = m_clock.elapsed() - m_firstChunkMs;
  m_stage = next;
  m_attempts = 0;
  m_stalls = 0;
  static const char* const kNames[] = {
      "",          "checking the slot", "starting the transfer", "sending",      "finishing",
      "verifying", "activating",        "checking activation",   "rolling back", "confirming"};
  Q_EMIT stageChanged(QString::fromLatin1(kNames[static_cast<int>(next)]));
  sendCurrent();
}

void ModelFlasher::sendCurrent() {
  if (m_cancel && m_stage != Stage::kRollback) {
    finish(false, QStringLiteral("%1: flashing cancelled at byte %2 of %3")
                      .arg(where())
                      .arg(m_offset)
                      .arg(m_report.size));
    return;
  }
  int timeout = m_options.requestTimeoutMs;
  m_session->router().cancel(m_request);  // a resend: the old request's answer is not awaited
  switch (m_stage) {
    case Stage::kIdle:
      return;
    case Stage::kSlotInfo:
    case Stage::kConfirm: {
      SlotInfoRequest m;
      m.slot = m_options.slot;
      m_request = m_session->send(m);
      break;
    }
    case Stage::kBegin: {
      const FlashBegin m =
          makeFlashBegin(m_options.slot,
                         ConstByteSpan(reinterpret_cast<const uint8_t*>(m_model.constData()),
                                       static_cast<size_t>(m_model.size())),
                         m_imageName.constData(), m_resumeOffset);
      m_request = m_session->send(m);
      timeout = m_options.slowRequestTimeoutMs;
      break;
    }
    case Stage::kChunk:
      m_request = 0;
      return fillWindow();
    case Stage::kEnd: {
      FlashEnd m;
      m.slot = m_options.slot;
      m_request = m_session->send(m);
      timeout = m_options.slowRequestTimeoutMs;
      break;
    }
    case Stage::kVerify: {
      VerifySlot m;
      m.slot = m_options.slot;
      m_request = m_session->send(m);
      timeout = m_options.slowRequestTimeoutMs;
      break;
    }
    case Stage::kActivate: {
      Activate m;
      m.slot = m_options.slot;
      m_request = m_session->send(m);
      timeout = m_options.slowRequestTimeoutMs;
      break;
    }
    case Stage::kRollback:
      m_request = m_session->send(Rollback());
      break;
    case Stage::kCommit:
      m_request = m_session->send(Confirm());
      break;
  }
  if (m_request == 0) {
    finish(false, QStringLiteral("%1: cannot send to the device (link closed)").arg(where()));
    return;
  }
  expectReply(timeout);
}

void ModelFlasher::expectReply(int timeoutMs) {
  static const char* const kRequests[] = {
      "",           "SlotInfoRequest", "FlashBegin",      "FlashChunk", "FlashEnd",
      "VerifySlot", "Activate",        "SlotInfoRequest", "Rollback",   "Confirm"};
  const QString what = QString::fromLatin1(kRequests[static_cast<int>(m_stage)]);
  auto onNack = [this](const Nack& n) { onRefused(n); };
  auto onFail = [this](const QString&) { onTimeout(); };
  RequestRouter& router = m_session->router();
  if (m_stage == Stage::kSlotInfo || m_stage == Stage::kConfirm)
    router.expect<SlotInfo>(
        m_request, what, timeoutMs, [this](const SlotInfo& info) { onSlotInfo(info); }, onNack,
        onFail);
  else
    router.expect<Ack>(
        m_request, what, timeoutMs, [this](const Ack& ack) { onAck(ack); }, onNack, onFail);
}

void ModelFlasher::onTimeout() {
  if (!running()) return;
  if (++m_attempts <= m_options.retries) {
    const int attempts = m_attempts;
    sendCurrent();  // requests are idempotent (flash by offset)
    m_attempts = attempts;
    return;
  }
  finish(false, QStringLiteral("%1: no answer from the device while flashing (byte %2 of %3)")
                    .arg(where())
                    .arg(m_offset)
                    .arg(m_report.size));
}

void ModelFlasher::cancelWindow() {
  for (const InFlight& c : m_window) m_session->router().cancel(c.request);
  m_window.clear();
}

void ModelFlasher::fillWindow() {
  if (m_cancel) return sendCurrent();  // ends the transfer, naming the offset
  while (m_window.size() < m_windowSize && m_sendOffset < m_report.size) {
    FlashChunk m;
    m.slot = m_options.slot;
    m.offset = m_sendOffset;
    const quint32 n = qMin(m_chunkBytes, m_report.size - m_sendOffset);
    if (m_firstChunkMs < 0) m_firstChunkMs = m_clock.elapsed();
    m.data = ConstByteSpan(reinterpret_cast<const uint8_t*>(m_model.constData()) + m_sendOffset, n);
    const quint16 id = m_session->send(m);
    if (id == 0)
      return finish(false,
                    QStringLiteral("%1: cannot send to the device (link closed)").arg(where()));
    m_window.push_back(InFlight{m_sendOffset, n, id});
    m_sendOffset += n;
    m_sentEnd = qMax(m_sentEnd, m_sendOffset);
    m_report.window = qMax(m_report.window, static_cast<int>(m_window.size()));
    // A chunk's answer comes after the answers to the chunks ahead of it.
    m_session->router().expect<Ack>(
        id, QStringLiteral("FlashChunk"), m_options.requestTimeoutMs * m_window.size(),
        [this, id](const Ack& ack) { onChunkAck(id, ack); },
        [this, id](const Nack& nack) { onChunkNack(id, nack); },
        [this](const QString&) { onChunkTimeout(); });
  }
}

void ModelFlasher::acknowledge(quint32 offset) {
  m_report.bytesSent += offset - m_offset;
  m_offset = offset;
  if (m_offset > m_bestOffset) {
    m_bestOffset = m_offset;
    m_stalls = 0;
  }
  if (++m_cleanChunks >= kChunksBeforeGrowing && m_chunkBytes < m_maxChunkBytes) {
    m_chunkBytes = qMin(m_maxChunkBytes, m_chunkBytes * 2);
    m_cleanChunks = 0;
  }
  if (++m_windowAcks >= m_windowSize && m_windowSize < m_maxWindow) {
    ++m_windowSize;
    m_windowAcks = 0;
  }
  Q_EMIT progress(m_offset, m_report.size);
}

void ModelFlasher::onChunkAck(quint16 request, const Ack& ack) {
  if (!running() || m_stage != Stage::kChunk) return;
  int i = 0;
  while (i < m_window.size() && m_window[i].request != request) ++i;
  if (i == m_window.size()) return;  // a chunk given up by goBack()
  const InFlight c = m_window[i];
  // The device takes chunks in order, so this Ack also covers the chunks before it whose
  // Acks were lost; an Ack that is not the end of its chunk is not believed.
  if (ack.value != c.offset + c.length) return goBack(GoBack::kStall);
  for (int k = 0; k < i; ++k) m_session->router().cancel(m_window[k].request);
  m_window.remove(0, i + 1);
  acknowledge(ack.value);
  if (m_offset == m_report.size) return advance(Stage::kEnd);
  fillWindow();
}

void ModelFlasher::onChunkNack(quint16 request, const Nack& n) {
  if (!running() || m_stage != Stage::kChunk) return;
  int i = 0;
  while (i < m_window.size() && m_window[i].request != request) ++i;
  if (i == m_window.size()) return;
  if (n.code != NackCode::kFlashOffsetMismatch) return onRefused(n);
  ++m_report.chunkRetries;
  // The device names the offset it holds. Bytes never sent cannot be there: not believed.
  if (n.value > m_sentEnd || n.value > m_report.size) return goBack(GoBack::kStall);
  const bool refusedInPlace = n.value == m_window[i].offset;  // moved nothing
  cancelWindow();
  if (n.value > m_offset) {  // our Acks were lost: it holds more than acknowledged
    acknowledge(n.value);
    if (m_offset == m_report.size) return advance(Stage::kEnd);
  } else {
    m_offset = n.value;  // a lost chunk: go back to it
    shrinkChunks();
  }
  goBack(refusedInPlace ? GoBack::kStall : GoBack::kGap);
}

void ModelFlasher::onChunkTimeout() {
  if (!running() || m_stage != Stage::kChunk) return;
  ++m_report.chunkRetries;
  shrinkChunks();
  goBack(GoBack::kTimeout);
}

void ModelFlasher::shrinkChunks() {
  // A lost chunk or Ack: on a noisy link shorter frames get through more often.
  m_chunkBytes = qMin(m_maxChunkBytes, qMax(kMinAdaptiveChunk, m_chunkBytes / 2));
  m_cleanChunks = 0;
}

void ModelFlasher::goBack(GoBack why) {
  cancelWindow();
  m_sendOffset = m_offset;
  m_windowSize = qMax(1, m_windowSize / 2);
  m_windowAcks = 0;
  const int generation = ++m_windowGeneration;
  if (++m_stalls > m_options.retries) {
    if (why == GoBack::kTimeout)
      return finish(false,
                    QStringLiteral("%1: no answer from the device while sending (byte %2 of %3)")
                        .arg(where())
                        .arg(m_offset)
                        .arg(m_report.size));
    return finish(false, QStringLiteral("%1: the device answered %2 chunks in a row without taking "
                                        "byte %3 of %4; giving up (flash again to resume)")
                             .arg(where())
                             .arg(m_stalls)
                             .arg(m_offset)
                             .arg(m_report.size));
  }
  if (why == GoBack::kTimeout || (why == GoBack::kGap && m_stalls == 1)) return fillWindow();
  const int delayMs = qMin(1000, 20 << qMin(m_stalls - 1, 6));
  QTimer::singleShot(delayMs, Qt::PreciseTimer, this, [this, generation] {
    if (running() && m_stage == Stage::kChunk && generation == m_windowGeneration) fillWindow();
  });
}
void ModelFlasher::onRefused(const Nack& n) {
  if (!running()) return;
  if (m_stage == Stage::kRollback) {
    return finish(
        false, QStringLiteral(
                   "%1: the device did not confirm slot %2 as active, and rolling back failed: %3")
                   .arg(where())
                   .arg(m_options.slot)
                   .arg(DeviceSession::describeNack(n)));
  }
  if (n.code == NackCode::kHashMismatch) {
    return finish(false, QStringLiteral("%1: slot %2 does not hold the image sent (its SHA-256 "
                                        "differs); the previous model stays active")
                             .arg(where())
                             .arg(m_options.slot));
  }
  if (n.code == NackCode::kCrcMismatch) {
    return finish(false,
                  QStringLiteral(
                      "%1: slot %2 holds CRC-32 %3 but the model has %4: the transfer was damaged; "
                      "the previous model stays active")
                      .arg(where())
                      .arg(m_options.slot)
                      .arg(hex8(n.value), hex8(m_report.crc32)));
  }
  return finish(false, QStringLiteral("%1: %2").arg(where(), DeviceSession::describeNack(n)));
}

void ModelFlasher::onSlotInfo(const SlotInfo& info) {
  if (!running()) return;
  if (m_stage == Stage::kSlotInfo) {
    if (m_report.size > info.capacity)
      return finish(false,
                    QStringLiteral("%1: the model (%2 bytes) does not fit slot %3 (%4 bytes)")
                        .arg(where())
                        .arg(m_report.size)
                        .arg(m_options.slot)
                        .arg(info.capacity));
    const bool sameTransfer = info.state == SlotState::kReceiving &&
                              info.modelSize == m_report.size && info.modelCrc == m_report.crc32 &&
                              info.receivedBytes <= m_report.size;
    m_resumeOffset = sameTransfer ? info.receivedBytes : 0;
    return advance(Stage::kBegin);
  }
  if (info.state == SlotState::kActive || info.state == SlotState::kTesting) {
    m_report.activated = true;
    m_report.confirmed = info.state == SlotState::kActive;
    if (m_report.confirmed || !m_options.confirm) return finish(true, QString());
    return advance(Stage::kCommit);
  }
  return advance(Stage::kRollback);
}

void ModelFlasher::onAck(const Ack& ack) {
  if (!running()) return;
  switch (m_stage) {
    case Stage::kBegin:
      if (ack.value != 0 && ack.value != m_resumeOffset)
        return finish(false,
                      QStringLiteral("%1: the device wants to resume at byte %2 of a %3-byte model")
                          .arg(where())
                          .arg(ack.value)
                          .arg(m_report.size));
      m_offset = m_sendOffset = m_sentEnd = m_bestOffset = ack.value;
      m_report.resumedFrom = ack.value;
      m_report.resumeRefused = m_resumeOffset != 0 && ack.value == 0;
      m_report.resumeMs = m_clock.elapsed();
      Q_EMIT progress(m_offset, m_report.size);
      return advance(m_offset == m_report.size ? Stage::kEnd : Stage::kChunk);
    case Stage::kEnd:
    case Stage::kVerify:
      if (ack.value != m_report.crc32)
        return finish(
            false,
            QStringLiteral(
                "%1: slot %2 holds CRC-32 %3 but the model has %4; the previous model stays active")
                .arg(where())
                .arg(m_options.slot)
                .arg(hex8(ack.value), hex8(m_report.crc32)));
      if (m_stage == Stage::kEnd) return advance(Stage::kVerify);
      if (!m_options.activate) return finish(true, QString());
      return advance(Stage::kActivate);
    case Stage::kActivate:
      return advance(Stage::kConfirm);
    case Stage::kCommit:
      if (ack.value != m_options.slot)
        return finish(false, QStringLiteral("%1: Confirm made slot %2 permanent, not slot %3")
                                 .arg(where())
                                 .arg(ack.value)
                                 .arg(m_options.slot));
      m_report.confirmed = true;
      return finish(true, QString());
    case Stage::kRollback:
      m_report.rolledBack = true;
      return finish(
          false,
          QStringLiteral(
              "%1: the device did not confirm slot %2 as active; rolled back to the previous model")
              .arg(where())
              .arg(m_options.slot));
    default:
      return;
  }
}

void ModelFlasher::finish(bool ok, const QString& error) {
  if (!running()) return;
  m_session->router().cancel(m_request);
  m_request = 0;
  cancelWindow();
  m_stage = Stage::kIdle;
  disconnect(m_disconnect);
  m_report.elapsedMs = m_clock.elapsed();
  m_error = error;
  Q_EMIT finished(ok, error);
}

bool ModelFlasher::flashBlocking(const QByteArray& model, const FlashOptions& options,
                                 int timeoutMs, QString* error) {
  if (!start(model, options)) {
    *error = m_error;
    return false;
  }
  QEventLoop loop;
  bool ok = false;
  connect(this, &ModelFlasher::finished, &loop, [&](bool success, const QString&) {
    ok = success;
    loop.quit();
  });
  QTimer deadline;
  deadline.setSingleShot(true);
  connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
  deadline.start(timeoutMs);
  if (running()) loop.exec();
  if (running())
    finish(false, QStringLiteral("%1: flashing did not finish within %2 s (byte %3 of %4)")
                      .arg(where())
                      .arg(timeoutMs / 1000.0)
                      .arg(m_offset)
                      .arg(m_report.size));
  else if (m_error.isEmpty())
    ok = true;
  *error = m_error;
  return ok && m_error.isEmpty();
}

}  // namespace tinyscope
