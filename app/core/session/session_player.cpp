#include "app/core/session/session_player.h"

#include <cstring>
#include <vector>

#include "app/core/device/device_dump.h"
#include "app/core/device/device_session.h"
#include "device_protocol/message_dispatch.h"
#include "model_runner/host/model_summary.h"

namespace tinyscope::session {

using namespace tinyscope::proto;

bool SessionPlayer::open(const QString& path, QString* error) {
  if (!m_reader.open(path, error)) return false;
  readHello();
  return true;
}

bool SessionPlayer::open(QIODevice* device, const QString& name, QString* error) {
  if (!m_reader.open(device, name, error)) return false;
  readHello();
  return true;
}

void SessionPlayer::readHello() {
  m_device = DeviceInfo();
  HelloReply hello;
  const QByteArray& h = header().hello;
  if (!h.isEmpty() && decodeMessage(ConstByteSpan(reinterpret_cast<const uint8_t*>(h.constData()),
                                                  static_cast<size_t>(h.size())),
                                    hello) == Status::kOk)
    m_device = DeviceInfo::fromHello(hello);
}

quint64 SessionPlayer::tensorLimit(quint16 op, quint8 tensor, QString* limitName) const {
  if (m_summary) {
    const int t = capturedTensorIndex(*m_summary, op, tensor);
    *limitName = QStringLiteral("the model's tensor size");
    return t < 0 ? 0 : m_summary->tensors[static_cast<size_t>(t)].bytes;
  }
  const quint32 arena = m_device.hello.arenaBytes;
  if (arena > 0 && arena < DeviceSession::kMaxUnknownTensorBytes) {
    *limitName = QStringLiteral("the device's declared arena");
    return arena;
  }
  *limitName = QStringLiteral("tinyscope's limit for a tensor of an unknown model");
  return DeviceSession::kMaxUnknownTensorBytes;
}

void SessionPlayer::onHostFrame(ConstByteSpan payload) {
  ++m_counts.framesToDevice;
  const Status s = dispatchMessage(payload, [this](const Header& h, const auto& m) {
    using T = std::decay_t<decltype(m)>;
    if constexpr (std::is_same_v<T, InputChunk>) {
      if (m.inputIndex != 0) return;
      QString limitName;
      if (m.offset == 0) m_upload.clear();
      // The host bounded its own upload by the device's arena; a log claiming more is damaged.
      const quint64 limit = m_device.hello.arenaBytes ? m_device.hello.arenaBytes
                                                      : DeviceSession::kMaxUnknownTensorBytes;
      const quint64 end = quint64{m.offset} + m.data.size();
      if (m.totalBytes > limit || end > m.totalBytes) {
        m_upload.clear();
        return;
      }
      if (m_upload.size() != static_cast<int>(m.totalBytes))
        m_upload = QByteArray(static_cast<int>(m.totalBytes), '\0');
      if (!m.data.empty()) std::memcpy(m_upload.data() + m.offset, m.data.data(), m.data.size());
    } else if constexpr (std::is_same_v<T, RunInference>) {
      if (m_runPending) ++m_counts.unanswered;  // the host gave up on the previous one
      m_runPending = true;
      m_runBytes = 0;
      m_current = RecordedInference();
      m_current.requestId = h.requestId;
      m_current.run.requestId = h.requestId;
      if (m.source == InputSource::kUploaded) m_current.input = m_upload;
    }
  });
  if (s != Status::kOk) ++m_counts.undecodable;
}

bool SessionPlayer::onDeviceFrame(ConstByteSpan payload, quint64 hostNs) {
  ++m_counts.framesFromDevice;
  bool keepGoing = true;
  auto finish = [&](const QString& problem) {
    if (m_current.problem.isEmpty()) m_current.problem = problem;
    if (m_current.input.isEmpty()) {
      const auto it = m_current.run.captured.constFind(qMakePair(kModelInputOp, quint8{0}));
      if (it != m_current.run.captured.constEnd() && it->complete()) m_current.input = it->data;
    }
    m_current.index = m_next++;
    m_current.hostNs = hostNs;
    m_runPending = false;
    ++m_counts.inferences;
    keepGoing = (*m_sink)(std::move(m_current));
    m_current = RecordedInference();
  };
  const Status s = dispatchMessage(payload, [&](const Header& h, const auto& m) {
    using T = std::decay_t<decltype(m)>;
    if (!m_runPending || h.requestId == 0 || h.requestId != m_current.requestId) return;
    if constexpr (std::is_same_v<T, TensorChunk>) {
      if (!m_current.problem.isEmpty()) return;
      QString limitName;
      const quint64 limit = m_current.run.captured.contains(qMakePair(m.opIndex, m.tensorIndex))
                                ? 0
                                : tensorLimit(m.opIndex, m.tensorIndex, &limitName);
      m_current.problem =
          m_current.run.addChunk(m, limit, limitName, DeviceSession::kMaxCaptureBytes, &m_runBytes);
    } else if constexpr (std::is_same_v<T, InferenceResult>) {
      m_current.run.setResult(m);
      QString problem;
      if (m.status != InferenceStatus::kOk)
        problem =
            QStringLiteral("the device's inference failed: %1").arg(inferenceStatusText(m.status));
      else
        problem = m_current.run.incompleteTensor();
      finish(problem);
    } else if constexpr (std::is_same_v<T, Nack>) {
      finish(DeviceSession::describeNack(m));
    }
  });
  if (s != Status::kOk) ++m_counts.undecodable;
  return keepGoing;
}

void SessionPlayer::play(const std::function<bool(RecordedInference&&)>& onInference) {
  m_sink = &onInference;
  m_counts = PlaybackCounts();
  m_upload.clear();
  m_runPending = false;
  m_next = 0;
  const size_t maxPayload = std::max(kMaxDeviceToHostMessageSize, kMaxHostToDeviceMessageSize);
  std::vector<uint8_t> buffers[2] = {std::vector<uint8_t>(frameDecodeBufferSize(maxPayload)),
                                     std::vector<uint8_t>(frameDecodeBufferSize(maxPayload))};
  FrameDecoder toDevice(ByteSpan(buffers[0].data(), buffers[0].size()));
  FrameDecoder fromDevice(ByteSpan(buffers[1].data(), buffers[1].size()));
  SessionRecord r;
  bool going = true;
  while (going && m_reader.next(&r)) {
    ++m_counts.records;
    const bool host = r.direction == link::WireDirection::kHostToDevice;
    FrameDecoder& decoder = host ? toDevice : fromDevice;
    ConstByteSpan in(reinterpret_cast<const uint8_t*>(r.bytes.constData()),
                     static_cast<size_t>(r.bytes.size()));
    while (going && !in.empty()) {
      const FrameDecodeResult d = decoder.feed(in);
      in = in.subspan(d.consumed);
      if (d.status == FrameStatus::kFrameReady && !decoder.frame().empty()) {
        if (host)
          onHostFrame(decoder.frame());
        else
          going = onDeviceFrame(decoder.frame(), r.hostNs);
      }
      if (d.consumed == 0 && d.status == FrameStatus::kNeedMore) break;
    }
  }
  if (m_runPending) ++m_counts.unanswered;
  m_counts.frameErrorsFromDevice = fromDevice.counters();
  m_counts.tornBytes = m_reader.tornBytes();
  m_counts.tornReason = m_reader.tornReason();
  m_sink = nullptr;
}

}  // namespace tinyscope::session
