#pragma once
// DeviceLink: one connection to one tinyscope agent. Owns the transport, runs every received
// byte through the one FrameDecoder, checks each message's header and hands out whole
// messages; sends messages framed with a running sequence number.
//
// Thread: lives in one thread (tinyscope's I/O thread in the GUI, the main thread in the
// CLI); every call and signal happens there. Listeners in other threads connect queued —
// DeviceMessage is a value type that owns its bytes.
// Loss is counted, never silent: frame errors (CRC, COBS, overflow) come from the decoder,
// messages that frame correctly but do not decode are counted as malformed, and gaps in
// the device's message sequence numbers are counted as lost messages.
#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <memory>
#include <vector>

#include "device_protocol/frame_codec.h"
#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"
#include "device_protocol/message_frame.h"
#include "device_protocol/messages.h"

namespace tinyscope::link {

struct DeviceMessage {
  proto::Header header;
  QByteArray bytes;  // the whole message (header + body), ready for proto::decodeMessage
  qint64 arrivalNs = 0;

  template <class T>
  proto::Status decode(T& out) const {  // views inside `out` point into `bytes`
    return proto::decodeMessage(
        proto::ConstByteSpan(reinterpret_cast<const uint8_t*>(bytes.constData()),
                             static_cast<size_t>(bytes.size())),
        out);
  }
};

// Sees every byte the link moves, both directions, in order, with the host time (steadyNowNs)
// the bytes arrived or left: the session log's input. Called synchronously in the link's
// thread before the bytes are decoded; it must not call back into the link.
enum class WireDirection : quint8 { kHostToDevice = 0, kDeviceToHost = 1 };
class WireTap {
 public:
  virtual ~WireTap() = default;
  virtual void onWire(WireDirection direction, const QByteArray& bytes, qint64 hostNs) = 0;
};

struct LinkCounters {
  proto::FrameCounters frames;
  quint64 bytesReceived = 0;
  quint64 bytesSent = 0;
  quint64 malformedMessages = 0;  // framed fine, but the message did not decode
  // Gaps in the device's header sequence numbers. The link does not count them: the session
  // does (DeviceSession::counters(), with duplicates, reordering and restarts told apart).
  quint64 lostMessages = 0;
};

class DeviceLink : public QObject {
  Q_OBJECT
 public:
  // Takes ownership of transport.
  DeviceLink(DeviceUri uri, std::unique_ptr<Transport> transport, QObject* parent = nullptr);
  ~DeviceLink() override;

  void open();
  void close();
  bool isOpen() const;
  const DeviceUri& uri() const { return m_uri; }
  Transport* transport() const { return m_transport.get(); }
  const LinkCounters& counters() const { return m_counters; }

  // The header version send() writes: the negotiated one once the session set it (a Hello
  // always carries this build's highest, PROTOCOL.md section 3).
  void setProtocolVersion(uint8_t version) { m_version = version; }
  uint8_t protocolVersion() const { return m_version; }

  // Encodes, frames and sends a host-to-device message. Returns its request id (the one
  // given, or a fresh one when requestId == 0 and T is a request), or 0 on failure.
  template <class T>
  quint16 send(const T& message, quint16 requestId = 0) {
    if (requestId == 0) requestId = nextRequestId();
    proto::Header header = proto::makeHeader<T>(m_txSequence, requestId);
    if (T::kType != proto::MessageType::kHello) header.version = m_version;
    const proto::EncodeResult r =
        proto::encodeFrame(header, message, proto::ByteSpan(m_txBuffer.data(), m_txBuffer.size()));
    if (r.status != proto::Status::kOk) {
      Q_EMIT errorOccurred(QStringLiteral("%1: cannot encode %2: %3")
                               .arg(m_uri.text,
                                    QString::fromLatin1(proto::messageTypeName(T::kType)),
                                    QString::fromLatin1(proto::statusMessage(r.status))));
      return 0;
    }
    ++m_txSequence;
    if (!writeRaw(
            QByteArray(reinterpret_cast<const char*>(m_txBuffer.data()), static_cast<int>(r.size))))
      return 0;
    return requestId;
  }

  // Raw bytes to the device (a lone 0x00 to flush a half frame, test fault injection).
  bool writeRaw(const QByteArray& bytes);

  // Borrowed (nullptr removes it); must outlive the link or be removed first.
  void setWireTap(WireTap* tap) { m_tap = tap; }

 Q_SIGNALS:
  void opened();
  void closed();
  void messageReceived(const tinyscope::link::DeviceMessage& message);
  // Every received chunk, as it arrived: the session recorder's input.
  void bytesReceived(const QByteArray& chunk, qint64 arrivalNs);
  void bytesSent(const QByteArray& chunk, qint64 sentNs);
  void errorOccurred(const QString& message);
  void diagnostic(const QString& line);  // the transport's diagnosticLine()s

 private:
  void onBytes(const QByteArray& chunk, qint64 arrivalNs);
  void onFrame(proto::ConstByteSpan payload, qint64 arrivalNs);
  quint16 nextRequestId();

  DeviceUri m_uri;
  std::unique_ptr<Transport> m_transport;
  std::vector<uint8_t> m_rxBuffer;
  std::vector<uint8_t> m_txBuffer;
  proto::FrameDecoder m_decoder;
  LinkCounters m_counters;
  quint16 m_txSequence = 0;
  uint8_t m_version = proto::kMaxProtocolVersion;
  quint16 m_requestId = 0;
  WireTap* m_tap = nullptr;
};

}  // namespace tinyscope::link

Q_DECLARE_METATYPE(tinyscope::link::DeviceMessage)
