#pragma once
// A device played in-process: a Transport whose bytes the test hands over directly, under a
// real DeviceLink and DeviceSession. The test writes frames exactly as a device (honest or
// hostile) would — each message's header sequence and request id are the test's choice —
// and reads back what the host sent. Used by the session tests and the device stream
// fuzzer. Single thread; no event loop needed except for timers.
#include <map>
#include <memory>
#include <vector>

#include "app/core/device/device_session.h"
#include "device_protocol/host/transport.h"
#include "device_protocol/message_frame.h"

class InProcessTransport : public tinyscope::link::Transport {
 public:
  void open() override {
    m_open = true;
    Q_EMIT opened();
  }
  void close() override {
    if (!m_open) return;
    m_open = false;
    Q_EMIT closed();
  }
  bool isOpen() const override { return m_open; }
  bool write(const QByteArray& bytes) override {
    if (!m_open) return false;
    m_written += bytes;
    return true;
  }
  QString address() const override { return QStringLiteral("fake:"); }
  // Bytes arriving from the device.
  void deliver(const QByteArray& bytes) {
    Q_EMIT bytesReceived(bytes, tinyscope::link::steadyNowNs());
  }
  QByteArray takeWritten() {
    QByteArray w = m_written;
    m_written.clear();
    return w;
  }

 private:
  bool m_open = false;
  QByteArray m_written;
};

// One framed device-to-host message.
template <class T>
QByteArray deviceFrame(const T& message, quint16 sequence, quint16 requestId) {
  using namespace tinyscope::proto;
  std::vector<uint8_t> buffer(frameWireSize(kMaxDeviceToHostMessageSize));
  const EncodeResult r = encodeFrame(makeHeader<T>(sequence, requestId), message,
                                     ByteSpan(buffer.data(), buffer.size()));
  if (r.status != Status::kOk) return {};
  return QByteArray(reinterpret_cast<const char*>(buffer.data()), static_cast<int>(r.size));
}

// A raw message (header + body bytes as given) framed: for bodies no encoder would write.
inline QByteArray rawDeviceFrame(const QByteArray& message) {
  using namespace tinyscope::proto;
  std::vector<uint8_t> buffer(frameWireSize(static_cast<size_t>(message.size())) + 8);
  const FrameEncodeResult r =
      FrameEncoder::encode(ConstByteSpan(reinterpret_cast<const uint8_t*>(message.constData()),
                                         static_cast<size_t>(message.size())),
                           ByteSpan(buffer.data(), buffer.size()));
  if (!r.ok) return {};
  return QByteArray(reinterpret_cast<const char*>(buffer.data()), static_cast<int>(r.size));
}

class FakeDevice {
 public:
  FakeDevice() {
    auto transport = std::make_unique<InProcessTransport>();
    m_transport = transport.get();
    tinyscope::link::DeviceUri uri;
    uri.text = QStringLiteral("fake:");
    session = std::make_unique<tinyscope::DeviceSession>(
        std::make_unique<tinyscope::link::DeviceLink>(uri, std::move(transport)));
  }

  // Sends `message` with the next header sequence number (or the one given).
  template <class T>
  void send(const T& message, quint16 requestId = 0) {
    m_transport->deliver(deviceFrame(message, m_sequence++, requestId));
  }
  template <class T>
  void sendWithSequence(const T& message, quint16 sequence, quint16 requestId = 0) {
    m_transport->deliver(deviceFrame(message, sequence, requestId));
    m_sequence = static_cast<quint16>(sequence + 1);
  }
  void sendBytes(const QByteArray& bytes) { m_transport->deliver(bytes); }
  // A SensorWindow of stream 0: `payload` holds channels × samples interleaved int16 values.
  void sendWindow(uint32_t sequence, uint64_t timestampUs, uint8_t channels, uint16_t samples,
                  const QByteArray& payload) {
    tinyscope::proto::SensorWindow w;
    w.sequence = sequence;
    w.timestampUs = timestampUs;
    w.channels = channels;
    w.sampleCount = samples;
    w.payload = tinyscope::proto::ConstByteSpan(
        reinterpret_cast<const uint8_t*>(payload.constData()), static_cast<size_t>(payload.size()));
    send(w);
  }

  // Headers (and whole messages) of everything the host sent since the last call.
  struct Request {
    tinyscope::proto::Header header;
    QByteArray bytes;
  };
  std::vector<Request> takeRequests() {
    using namespace tinyscope::proto;
    std::vector<Request> out;
    const QByteArray w = m_transport->takeWritten();
    std::vector<uint8_t> buffer(frameDecodeBufferSize(kMaxHostToDeviceMessageSize));
    FrameDecoder decoder(ByteSpan(buffer.data(), buffer.size()));
    ConstByteSpan in(reinterpret_cast<const uint8_t*>(w.constData()),
                     static_cast<size_t>(w.size()));
    while (!in.empty()) {
      const FrameDecodeResult r = decoder.feed(in);
      in = in.subspan(r.consumed);
      if (r.status == FrameStatus::kFrameReady) {
        Request q;
        if (decodeHeader(decoder.frame(), q.header) == Status::kOk) {
          q.bytes = QByteArray(reinterpret_cast<const char*>(decoder.frame().data()),
                               static_cast<int>(decoder.frame().size()));
          out.push_back(q);
        }
      }
      if (r.consumed == 0 && r.status == FrameStatus::kNeedMore) break;
    }
    return out;
  }
  // The request id of the last message of `type` the host sent (0: none).
  quint16 lastRequest(tinyscope::proto::MessageType type) {
    for (const Request& r : takeRequests())
      if (r.header.type == type) m_last[static_cast<int>(type)] = r.header.requestId;
    auto it = m_last.find(static_cast<int>(type));
    return it == m_last.end() ? 0 : it->second;
  }

  // A plausible agent's handshake answer.
  static tinyscope::proto::HelloReply helloReply() {
    using namespace tinyscope::proto;
    HelloReply h;
    h.chosenVersion = kMaxProtocolVersion;
    h.boardName.assign("fake board");
    h.firmwareVersion.assign("1.0");
    h.arenaBytes = 64 * 1024;
    h.maxFrameSize = 600;
    SensorInfo s;
    s.sensorId = 0;
    s.name.assign("imu");
    s.axes = 3;
    s.units.assign("g");
    s.sampleType = ElementType::kInt16;
    s.rateMilliHz = 1000 * 1000;
    s.maxRateMilliHz = 4000 * 1000;
    h.sensors.push(s);
    for (uint16_t op : {3, 9, 25, 22, 17, 1, 4}) h.opCodes.push(op);
    return h;
  }

  // Opens the link and completes the handshake with `reply`.
  bool connect(const tinyscope::proto::HelloReply& reply = helloReply()) {
    session->startHandshake(5000);
    const quint16 id = lastRequest(tinyscope::proto::MessageType::kHello);
    if (id == 0) return false;
    send(reply, id);
    return session->handshakeDone();
  }

  std::unique_ptr<tinyscope::DeviceSession> session;

 private:
  InProcessTransport* m_transport = nullptr;
  quint16 m_sequence = 0;
  std::map<int, quint16> m_last;
};
