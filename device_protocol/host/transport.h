#pragma once
// Transport: moves bytes to and from one device. Implementations are thin and never parse
// (decoding lives in FrameDecoder / TextLineDecoder, one decoder for every link).
//
// Thread: a transport lives in, and is called from, the thread that owns it (tinyscope's
// I/O thread, never the GUI thread). Signals are delivered there; cross-thread listeners use
// queued connections.
// Timestamps: taken where the bytes arrive, from a monotonic clock (steadyNowNs()).
// Errors: one sentence naming the device and what went wrong, via errorOccurred(); a driver
// never opens a dialog.
#include <QByteArray>
#include <QObject>
#include <QString>

namespace tinyscope::link {

// Monotonic nanoseconds shared by every transport, so arrival times are comparable.
qint64 steadyNowNs();

class Transport : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  ~Transport() override = default;

  // Starts opening. Emits opened() when bytes can flow, or errorOccurred() then closed().
  virtual void open() = 0;
  virtual void close() = 0;
  virtual bool isOpen() const = 0;
  // Queues bytes for sending; returns false (and reports why) when the link is not open.
  virtual bool write(const QByteArray& bytes) = 0;
  // The device address this transport was made for (e.g. "serial:/dev/ttyACM0?baud=921600").
  virtual QString address() const = 0;
  // Changes the line rate of an open serial link (a board that switches to a faster rate for
  // a transfer); false when the link has no line rate or the change failed.
  virtual bool setBaudRate(qint32 baud) {
    Q_UNUSED(baud);
    return false;
  }

 Q_SIGNALS:
  void opened();
  void bytesReceived(const QByteArray& chunk, qint64 arrivalNs);
  void errorOccurred(const QString& message);
  void closed();
  // A line the device's own process said beside the byte stream (a child's stderr, an
  // emulator's output): information for the log, never protocol data.
  void diagnosticLine(const QString& line);
};

}  // namespace tinyscope::link
