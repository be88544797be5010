#pragma once
// EiSession: a board running Edge Impulse's standard firmware, driven through its AT command
// interface (device_protocol/host/ei_at_protocol.h has the grammar) over one plain transport
// (serial:PORT?mode=ei, or tcp:/ble: with mode=ei).
//
//   open: "b\r" (stops a running impulse) -> the "> " prompt -> AT+CONFIG? -> connected(info)
//   sample: AT+SAMPLESETTINGS=label,interval,length -> AT+SAMPLESTART=sensor (progress lines:
//           sampleStage) -> AT+READBUFFER=from,to[,y|n] (at the board's faster transfer rate
//           when it offers one and the link can switch) -> the CBOR acquisition file, decoded
//           by the dataset's Edge Impulse reader -> sampleFinished(sample)
//
// Commands go out 5 bytes every 20 ms, as Edge Impulse's daemon paces them (boards drop bytes
// typed faster). One command at a time; a second sample while one runs is refused.
// Hostile input is normal input: every reply is bounded (kEiMaxReplyBytes; a buffer read by
// the size the board declared, itself bounded by kEiMaxSampleBytes) before it is stored; a
// board that lies (no prompt, a wrong length, not base64, not CBOR) fails the operation with one
// sentence naming the address and the command, and the session stays usable. Device text is
// sanitized (device_text.h) before it leaves the session.
//
// Thread: lives in the transport's thread; the CLI and tests use the blocking helpers (a
// local event loop). Ownership: owns the transport. Memory: one reply, one sample file.
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <memory>

#include "app/core/dataset/formats/ei_acquisition.h"
#include "app/core/device/device_values.h"
#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/ei_at_protocol.h"
#include "device_protocol/host/transport.h"

namespace tinyscope {

namespace dataset {
class DatasetStore;
}

struct EiSampleRequest {
  QString sensor;  // a name from the board's AT+CONFIG? sensor list
  QString label;   // sent to the board, and the stored sample's label
  qint64 lengthMs = 1000;
  double intervalMs = 0;  // 0: the sensor's first listed frequency
};

struct EiSample {
  QString sensor;
  dataset::formats::Recording recording;  // values, axes, interval and label from the file
  dataset::formats::SignatureStatus signature = dataset::formats::SignatureStatus::kUnsigned;
  QByteArray file;  // the CBOR acquisition file as read off the board
};

class EiSession : public QObject {
  Q_OBJECT
 public:
  static constexpr int kPromptTimeoutMs = 5000;   // "b\r" -> prompt (the daemon's figure)
  static constexpr int kCommandTimeoutMs = 3000;  // a settings or config reply
  static constexpr int kPaceBytes = 5;
  static constexpr int kPaceMs = 20;

  EiSession(link::DeviceUri uri, std::unique_ptr<link::Transport> transport,
            QObject* parent = nullptr);
  ~EiSession() override;

  const link::DeviceUri& uri() const { return m_uri; }
  // Opens the link and reads the board's configuration: connected() or connectFailed() once.
  void open();
  void close();
  bool isOpen() const { return m_transport->isOpen(); }
  bool isReady() const { return m_ready; }
  bool isSampling() const { return m_sampling; }
  const link::EiDeviceConfig& config() const { return m_config; }
  // The handshake-shaped description every view shows: board type and id, "Edge Impulse AT
  // x.y.z", one sensor per AT+CONFIG? sensor at its first frequency (float32).
  DeviceInfo info() const;

  // Starts one sample: sampleFinished() or sampleFailed() once. False with *error when the
  // request cannot start (not connected, busy, unknown sensor, a label the AT syntax cannot
  // carry, longer than the sensor's max sample length).
  bool startSample(const EiSampleRequest& request, QString* error);

  // Blocking helpers (a local event loop): false with *error set on failure or timeout.
  bool connectBlocking(QString* error);
  bool sampleBlocking(const EiSampleRequest& request, EiSample* out, QString* error);

 Q_SIGNALS:
  void connected(const tinyscope::DeviceInfo& info);
  void connectFailed(const QString& message);
  void sampleStage(const QString& stage);  // "starting", "sampling", "processing", "reading"
  void sampleFinished(const tinyscope::EiSample& sample);
  void sampleFailed(const QString& message);
  void deviceLine(const QString& line);  // what the board printed, sanitized
  void errorOccurred(const QString& message);
  void closed();

 private:
  using ReplyHandler = std::function<void(const QByteArray& reply)>;
  using FailHandler = std::function<void(const QString& message)>;

  void onBytes(const QByteArray& chunk, qint64 arrivalNs);
  void onClosed();
  // Sends `command` + '\r' (paced) and waits for the reply ending in `terminator`; a reply
  // must contain the echo, so a stale prompt never ends it.
  void exec(const QByteArray& command, const QByteArray& terminator, int timeoutMs, qint64 maxBytes,
            ReplyHandler onReply);
  // Waits for more of the board's output ending in `terminator` (nothing is sent).
  void await(const QByteArray& terminator, int timeoutMs, qint64 maxBytes, ReplyHandler onReply);
  void fail(const QString& message);
  void sendPaced();
  QString where() const;
  // The steps of open() and of a sample.
  void readConfig();
  void sampleStart();
  void sampleReadBuffer(qint64 from, qint64 to);
  void sampleDecode(const QStringList& lines, qint64 bytes);
  void restoreBaud();

  link::DeviceUri m_uri;
  std::unique_ptr<link::Transport> m_transport;
  link::EiReplyReader m_reader;
  link::EiDeviceConfig m_config;
  bool m_ready = false;
  bool m_sampling = false;
  bool m_fastBaud = false;  // the link runs at the board's transfer rate now
  // The operation in flight.
  QByteArray m_command;       // its echo
  QByteArray m_pendingWrite;  // not yet sent (paced)
  bool m_busy = false;
  bool m_needEcho = false;
  ReplyHandler m_onReply;
  FailHandler m_onFail;
  QTimer m_deadline;
  QTimer m_pace;
  int m_timeoutMs = 0;
  QByteArray m_terminator;
  qint64 m_maxReply = 0;
  EiSampleRequest m_request;
  QString m_deviceFileName;
};

// Adds a sample to the dataset as one batch through the dataset's import conversion (label,
// axes, units, rate, device, signature status); *sampleId is the new sample. The dataset is
// unchanged on failure (*error names why).
bool storeEiSample(dataset::DatasetStore* store, const EiSample& sample, const QString& deviceUri,
                   qint64* sampleId, QString* error);

// A sample's frames as one float32 window (timestamps from 0), so plots show it like a stream.
SensorWindowData eiSampleWindow(const EiSample& sample);

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::EiSample)
