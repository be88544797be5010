#pragma once
// DeviceSession: what the desktop knows about one connected agent — its handshake, its
// streams (loss counted from the device's own sequence numbers and timestamps), inference
// runs with their captured tensors — on top of one DeviceLink, which it owns and keeps to
// itself. Replies reach whoever asked through router() (by request id).
//
// Hostile input is normal input: every size the device declares is bounded by what was
// asked for before anything is allocated (a captured tensor by the model's tensor size when
// the host knows the model, else by the device's arena and kMaxUnknownTensorBytes; all of a
// run's tensors by kMaxCaptureBytes); device text is sanitized (device_text.h) before it
// leaves the session; handshake data is a value, copied out, replaced whole on a re-hello.
//
// Thread: lives in the DeviceLink's thread. The CLI uses the blocking helpers (they spin a
// local event loop); the GUI uses signals through queued connections and run callbacks.
// Memory: the current run's captured tensors, bounded as above.
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QVector>
#include <functional>
#include <map>
#include <memory>

#include "app/core/device/device_values.h"
#include "app/core/device/request_router.h"
#include "app/core/device/sequence_tracker.h"
#include "device_protocol/host/device_link.h"

namespace tinyscope {

namespace runner::host {
struct ModelSummary;
}

class DeviceSession : public QObject {
  Q_OBJECT
 public:
  // A captured tensor larger than this is refused when the host does not know the model.
  static constexpr quint32 kMaxUnknownTensorBytes = 16u << 20;
  // All tensors of one run together.
  static constexpr quint64 kMaxCaptureBytes = 256ull << 20;
  // Timestamp gaps up to this fraction of a window's span (and 1 sample) are clock jitter.
  static constexpr double kRateTolerance = 0.05;

  using RunDone = std::function<void(const InferenceRun&)>;
  using RunFailed = std::function<void(const QString&)>;

  explicit DeviceSession(std::unique_ptr<link::DeviceLink> link, QObject* parent = nullptr);
  ~DeviceSession() override;

  const link::DeviceUri& uri() const;
  bool isOpen() const;
  void close();
  // The link's byte and frame counters, with the message figures (lost, malformed) from
  // this session's accounting, which stays true under reordering and reboots.
  link::LinkCounters counters() const;
  const MessageCounts& messageCounts() const { return m_messages; }
  RequestRouter& router() { return m_router; }
  // Every frame both ways to `tap` (a session log); see link::WireTap. nullptr removes it.
  void setWireTap(link::WireTap* tap) { m_link->setWireTap(tap); }

  bool handshakeDone() const { return m_handshakeDone; }
  DeviceInfo info() const { return m_info; }  // a copy (see DeviceInfo)
  const QMap<quint8, StreamStats>& streams() const { return m_streams; }
  const InferenceRun& lastRun() const { return m_run; }

  // Sends a host-to-device message; its request id, or 0 when it could not be sent.
  template <class T>
  quint16 send(const T& message, quint16 requestId = 0) {
    return m_link->send(message, requestId);
  }

  // Sends Hello (repeated every 250 ms) until answered; connected() or handshakeFailed()
  // once: the port did not open, a Nack, a version mismatch or a malformed reply (these
  // end the handshake), or no answer within timeoutMs (the Hello keeps going out, so a
  // board that boots late still connects, until stopHandshake() or the link closes).
  void startHandshake(int timeoutMs = 10000);
  void stopHandshake();
  quint16 startStream(quint8 streamId, quint8 sensorId, quint32 rateMilliHz, quint16 windowSamples);
  quint16 stopStream(quint8 streamId);
  // The model the device runs, when the host knows it: bounds each captured tensor by its
  // size and names the operator the device lacks. nullptr forgets it.
  void setModel(const runner::host::ModelSummary* summary);
  // Uploads input (chunked) then runs inference with the given capture mode. Exactly one of
  // onDone/onFailed runs: at the result (at once on a Nack or an error status, with the
  // device's reason), on any inconsistency in the captured tensors, or after timeoutMs.
  // Returns the RunInference request id, 0 if nothing could be sent (onFailed has run).
  quint16 runInference(const QByteArray& input, proto::CaptureMode capture,
                       const QVector<quint16>& captureOps = {}, RunDone onDone = {},
                       RunFailed onFailed = {}, int timeoutMs = 60000);

  // Runs the model on input its front-end builds on the device (RunPipeline, see
  // device_protocol/messages.h); onDone/onFailed as for runInference. Tensors arrive as
  // front-end ops (proto::frontEndOpIndex), the samples (kPipelineSamplesOp) and model ops.
  quint16 runPipeline(const proto::RunPipeline& request, RunDone onDone = {},
                      RunFailed onFailed = {}, int timeoutMs = 60000);
  // The front-end a pipeline runs and the bytes of samples it hears: bounds those tensors as
  // setModel() bounds the model's. nullptr forgets it.
  void setPipeline(const runner::host::ModelSummary* frontEnd, quint32 sampleBytes);

  // Blocking helpers for the CLI: false with *error set (one sentence) on failure/timeout.
  bool connectBlocking(int timeoutMs, QString* error);
  // runInference() + a local event loop until it ends; lastRun() holds the run.
  bool runBlocking(const QByteArray& input, proto::CaptureMode capture,
                   const QVector<quint16>& captureOps, int timeoutMs, QString* error);
  // runPipeline() + a local event loop until it ends; lastRun() holds the run.
  bool runPipelineBlocking(const proto::RunPipeline& request, int timeoutMs, QString* error);
  // Runs the event loop for ms milliseconds (streams keep flowing).
  void spin(int ms);

  static QString describeNack(const proto::Nack& nack);

 Q_SIGNALS:
  void connected(const tinyscope::DeviceInfo& info);
  void handshakeFailed(const QString& message);
  // The device answered a new handshake: it rebooted. Requests in flight have failed.
  void deviceRestarted(const tinyscope::DeviceInfo& info);
  void windowReceived(const tinyscope::SensorWindowData& window);
  void deviceLog(int level, const QString& text);  // sanitized
  void errorOccurred(const QString& message);
  void diagnostic(const QString& line);  // the simulator's stderr, and similar
  void disconnected();

 private:
  struct StreamState {
    SequenceTracker sequence{32, 1u << 20};
    quint64 prevTimestampUs = 0;
    int prevSamples = 0;
  };

  void onMessage(const link::DeviceMessage& message);
  void onUndecodable(const link::DeviceMessage& message, proto::Status status);
  // One handler per message type (through proto::dispatchMessage).
  void on(const proto::Header& h, const proto::HelloReply& m);
  void on(const proto::Header& h, const proto::SensorWindow& m);
  void on(const proto::Header& h, const proto::TensorChunk& m);
  void on(const proto::Header& h, const proto::InferenceResult& m);
  void on(const proto::Header& h, const proto::SlotInfo& m);
  void on(const proto::Header& h, const proto::Ack& m);
  void on(const proto::Header& h, const proto::Nack& m);
  void on(const proto::Header& h, const proto::Log& m);
  void on(const proto::Header& h, const proto::Error& m);
  // Host-to-device types: a device never sends these.
  template <class HostToDevice>
  void on(const proto::Header&, const HostToDevice&) {
    ++m_messages.unexpected;
  }

  void onHelloAnswer(const proto::HelloReply& reply);
  void failHandshake(const QString& why);
  void onRunResult(const proto::InferenceResult& r);
  // Starts a run (one at a time: a run in flight fails as replaced).
  void beginRun(RunDone onDone, RunFailed onFailed);
  // Registers the InferenceResult that ends the run m_run.requestId (`what` names the request).
  quint16 awaitRunResult(const QString& what, int timeoutMs);
  bool untilRunEnds(const std::function<void(RunDone, RunFailed)>& start, QString* error);
  void finishRun();
  void failRun(const QString& why);
  void noteRunDeviceText(const QString& text);
  QString runFailureText(proto::InferenceStatus status) const;
  QString missingOperator() const;  // empty when the model is unknown or fully supported
  quint64 tensorLimit(quint16 op, quint8 tensor, QString* limitName) const;
  quint16 sendHello(quint16 requestId);
  void sendFirstHello();
  QString where() const;

  std::unique_ptr<link::DeviceLink> m_link;
  RequestRouter m_router;
  DeviceInfo m_info;
  bool m_handshakeDone = false;
  bool m_handshaking = false;
  quint16 m_helloRequest = 0;
  QTimer* m_helloTimer = nullptr;
  QTimer* m_handshakeDeadline = nullptr;
  QString m_lastLinkError;
  MessageCounts m_messages;
  qint64 m_arrivalNs = 0;  // of the message being handled
  SequenceTracker m_headerSequence{16, 0x7FFF};
  QMap<quint8, StreamStats> m_streams;
  std::map<quint8, StreamState> m_streamState;
  QMap<quint8, double> m_requestedRateHz;
  // The run in flight.
  InferenceRun m_run;
  bool m_runPending = false;
  quint64 m_runCapturedBytes = 0;
  QVector<quint16> m_runInputRequests;
  QStringList m_runDeviceText;  // Log/Error text the device sent during the run
  RunDone m_runDone;
  RunFailed m_runFailed;
  // The model the device runs (optional): tensor sizes by (op, output), op names.
  std::map<QPair<quint16, quint8>, quint64> m_modelTensorBytes;
  QStringList m_modelOpNames;
  // The pipeline's front-end (optional): tensor sizes by (op, output), and its samples' bytes.
  std::map<QPair<quint16, quint8>, quint64> m_frontEndTensorBytes;
  quint32 m_pipelineSampleBytes = 0;
};

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::SensorWindowData)
Q_DECLARE_METATYPE(tinyscope::InferenceRun)
Q_DECLARE_METATYPE(tinyscope::DeviceInfo)
