#pragma once
// TextStream: a board that runs no agent and prints numbers, one sample per line
// (comma/tab/space separated, or Arduino-plotter label:value pairs). Turns the lines into
// SensorWindowData (float32, one window per received chunk) so the rest of tinyscope
// treats it like any stream; the sample rate is measured from arrival times with its
// uncertainty, unless the address fixes it (rate=HZ).
// Thread: lives in one thread (the I/O thread); signals are emitted there.
#include <QObject>
#include <memory>

#include "app/core/device/device_session.h"
#include "device_protocol/host/text_line_decoder.h"
#include "device_protocol/host/transport.h"

namespace tinyscope {

class TextStream : public QObject {
  Q_OBJECT
 public:
  TextStream(link::DeviceUri uri, std::unique_ptr<link::Transport> transport,
             QObject* parent = nullptr);
  ~TextStream() override;

  void open();
  void close();
  bool isOpen() const { return m_transport->isOpen(); }
  const link::DeviceUri& uri() const { return m_uri; }
  const link::TextLineDecoder& decoder() const { return m_decoder; }
  const StreamStats& stats() const { return m_stats; }
  // A handshake-shaped description: one sensor "text" with the channels seen so far.
  DeviceInfo info() const;

 Q_SIGNALS:
  // The first samples arrived (and again whenever the channel set changes).
  void channelsKnown(const tinyscope::DeviceInfo& info);
  void windowReceived(const tinyscope::SensorWindowData& window);
  void textLine(const QString& line);
  void errorOccurred(const QString& message);
  void closed();

 private:
  void onBytes(const QByteArray& chunk, qint64 arrivalNs);

  link::DeviceUri m_uri;
  std::unique_ptr<link::Transport> m_transport;
  link::TextLineDecoder m_decoder;
  StreamStats m_stats;
  QStringList m_announced;
};

}  // namespace tinyscope
