#pragma once
// DeviceSession: what the desktop knows about one connected agent — its handshake, its
// streams (with sequence-gap and rate accounting from device timestamps), inference runs
// with their captured tensors — on top of one DeviceLink.
//
// Thread: lives in the DeviceLink's thread. The CLI uses the blocking helpers (they spin a
// local event loop); the GUI uses the signals through queued connections.
#include <QMap>
#include <QObject>
#include <QTimer>
#include <QVector>
#include <memory>

#include "device_protocol/host/device_link.h"

namespace tinyscope {

struct SensorWindowData {
  quint8 streamId = 0;
  quint32 sequence = 0;
  quint64 timestampUs = 0;
  proto::ElementType sampleType = proto::ElementType::kInt16;
  int channels = 1;
  int samples = 0;     // per channel
  QByteArray payload;  // interleaved, little-endian
  qint64 arrivalNs = 0;
  double sample(int index, int channel) const;  // as a double, any element type
};

struct StreamStats {
  quint64 windows = 0;
  quint64 samples = 0;           // per channel
  quint64 missingWindows = 0;    // sequence gaps
  quint64 overrunsReported = 0;  // Error StreamOverrun messages from the device
  quint64 firstTimestampUs = 0;
  quint64 lastTimestampUs = 0;
  quint32 firstSequence = 0;
  quint32 lastSequence = 0;
  int lastWindowSamples = 0;
  // Rate from device timestamps (not arrival times): samples between the first and last
  // window over their time span; assumes a constant window length.
  double measuredRateHz() const;
};

struct CapturedTensor {
  proto::TensorDesc desc;
  quint16 opIndex = 0;
  quint8 tensorIndex = 0;
  QByteArray data;
  quint32 receivedBytes = 0;
  bool complete() const { return receivedBytes == static_cast<quint32>(data.size()); }
};

struct InferenceRun {
  proto::InferenceStatus status = proto::InferenceStatus::kOk;
  quint32 totalTicks = 0;
  quint32 totalMicros = 0;
  QVector<proto::OpTiming> ops;
  QVector<CapturedTensor> outputs;                        // inline outputs
  QMap<QPair<quint16, quint8>, CapturedTensor> captured;  // (op index, output index)
  bool resultReceived = false;
  bool complete() const;
};

// Samples per window for a stream of `sensor` at rateHz (0: its default rate): about 25
// windows a second, so slow sensors still update promptly, and never more than one
// message's payload (kMaxChunk) holds.
quint16 defaultWindowSamples(const proto::SensorInfo& sensor, double rateHz = 0);

struct DeviceInfo {
  proto::HelloReply hello;
  QString deviceIdHex() const;
};

class DeviceSession : public QObject {
  Q_OBJECT
 public:
  explicit DeviceSession(std::unique_ptr<link::DeviceLink> link, QObject* parent = nullptr);
  ~DeviceSession() override;

  link::DeviceLink* link() const { return m_link.get(); }
  bool handshakeDone() const { return m_handshakeDone; }
  const DeviceInfo& info() const { return m_info; }
  const QMap<quint8, StreamStats>& streams() const { return m_streams; }
  const InferenceRun& lastRun() const { return m_run; }

  // Async API (signals report results).
  void startHandshake();  // sends Hello, repeated every 250 ms until answered
  quint16 startStream(quint8 streamId, quint8 sensorId, quint32 rateMilliHz, quint16 windowSamples);
  quint16 stopStream(quint8 streamId);
  // Uploads input (chunked) then runs inference on it with the given capture mode.
  quint16 runInference(const QByteArray& input, proto::CaptureMode capture,
                       const QVector<quint16>& captureOps = {});

  // Blocking helpers for the CLI: false with *error set (one sentence) on failure/timeout.
  bool connectBlocking(int timeoutMs, QString* error);
  bool waitForRun(int timeoutMs, QString* error);
  // Runs the event loop for ms milliseconds (streams keep flowing).
  void spin(int ms);

  static QString describeNack(const proto::Nack& nack);

 Q_SIGNALS:
  void connected(const tinyscope::DeviceInfo& info);
  void windowReceived(const tinyscope::SensorWindowData& window);
  void runFinished(const tinyscope::InferenceRun& run);
  void deviceLog(int level, const QString& text);
  void errorOccurred(const QString& message);
  void disconnected();

 private:
  void onMessage(const link::DeviceMessage& message);
  void failPending(const QString& why);
  quint16 sendHello(quint16 requestId);

  std::unique_ptr<link::DeviceLink> m_link;
  DeviceInfo m_info;
  bool m_handshakeDone = false;
  quint16 m_helloRequest = 0;
  QTimer* m_helloTimer = nullptr;
  QMap<quint8, StreamStats> m_streams;
  InferenceRun m_run;
  quint16 m_runRequest = 0;
  bool m_runPending = false;
  QString m_lastError;
};

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::SensorWindowData)
Q_DECLARE_METATYPE(tinyscope::InferenceRun)
Q_DECLARE_METATYPE(tinyscope::DeviceInfo)
