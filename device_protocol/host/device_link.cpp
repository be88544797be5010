#include "device_protocol/host/device_link.h"

namespace tinyscope::link {

namespace {
// Largest frame payload the desktop accepts: any device-to-host message.
constexpr size_t kRxPayload = proto::kMaxDeviceToHostMessageSize;
}  // namespace

DeviceLink::DeviceLink(DeviceUri uri, std::unique_ptr<Transport> transport, QObject* parent)
    : QObject(parent),
      m_uri(std::move(uri)),
      m_transport(std::move(transport)),
      m_rxBuffer(proto::frameDecodeBufferSize(kRxPayload)),
      m_txBuffer(proto::frameWireSize(proto::kMaxHostToDeviceMessageSize)),
      m_decoder(proto::ByteSpan(m_rxBuffer.data(), m_rxBuffer.size())) {
  qRegisterMetaType<tinyscope::link::DeviceMessage>();
  m_transport->setParent(nullptr);
  connect(m_transport.get(), &Transport::opened, this, [this] {
    m_decoder.reset();
    writeRaw(QByteArray(1, '\0'));  // flush any half frame the device holds
    Q_EMIT opened();
  });
  connect(m_transport.get(), &Transport::closed, this, &DeviceLink::closed);
  connect(m_transport.get(), &Transport::errorOccurred, this, &DeviceLink::errorOccurred);
  connect(m_transport.get(), &Transport::bytesReceived, this, &DeviceLink::onBytes);
  connect(m_transport.get(), &Transport::diagnosticLine, this, &DeviceLink::diagnostic);
}

DeviceLink::~DeviceLink() {
  if (m_transport) {
    m_transport->disconnect(this);
    m_transport->close();
  }
}

void DeviceLink::open() {
  m_transport->open();
}
void DeviceLink::close() {
  m_transport->close();
}
bool DeviceLink::isOpen() const {
  return m_transport->isOpen();
}

quint16 DeviceLink::nextRequestId() {
  if (++m_requestId == 0) ++m_requestId;  // 0 means unsolicited
  return m_requestId;
}

bool DeviceLink::writeRaw(const QByteArray& bytes) {
  if (!m_transport->write(bytes)) return false;
  m_counters.bytesSent += static_cast<quint64>(bytes.size());
  const qint64 now = steadyNowNs();
  if (m_tap) m_tap->onWire(WireDirection::kHostToDevice, bytes, now);
  Q_EMIT bytesSent(bytes, now);
  return true;
}

void DeviceLink::onBytes(const QByteArray& chunk, qint64 arrivalNs) {
  m_counters.bytesReceived += static_cast<quint64>(chunk.size());
  if (m_tap) m_tap->onWire(WireDirection::kDeviceToHost, chunk, arrivalNs);
  Q_EMIT bytesReceived(chunk, arrivalNs);
  proto::ConstByteSpan in(reinterpret_cast<const uint8_t*>(chunk.constData()),
                          static_cast<size_t>(chunk.size()));
  while (!in.empty()) {
    const proto::FrameDecodeResult r = m_decoder.feed(in);
    in = in.subspan(r.consumed);
    if (r.status == proto::FrameStatus::kFrameReady) onFrame(m_decoder.frame(), arrivalNs);
    if (r.consumed == 0 && r.status == proto::FrameStatus::kNeedMore) break;
  }
  m_counters.frames = m_decoder.counters();
}

void DeviceLink::onFrame(proto::ConstByteSpan payload, qint64 arrivalNs) {
  if (payload.empty()) return;
  DeviceMessage m;
  if (proto::decodeHeader(payload, m.header) != proto::Status::kOk) {
    ++m_counters.malformedMessages;
    return;
  }
  m.bytes =
      QByteArray(reinterpret_cast<const char*>(payload.data()), static_cast<int>(payload.size()));
  m.arrivalNs = arrivalNs;
  Q_EMIT messageReceived(m);
}

}  // namespace tinyscope::link
