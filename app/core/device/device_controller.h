#pragma once
// DeviceController: the GUI's handle on one device. Runs the DeviceSession (transport,
// decoding, handshake, stream bookkeeping) on its own I/O thread; sensor windows reach the
// GUI through a bounded SPSC ring that the GUI drains on its display tick, so a fast
// stream can never flood the GUI's event queue. Everything else comes back as queued
// signals carrying value types.
//
// Thread: create, call and destroy from the GUI thread. Signals are delivered there.
// Loss is counted: ring overflows (the GUI fell behind) add to droppedWindows().
// State: one ConnectionState (connection_state.h) that every view follows; stateChanged()
// carries each transition. Windows still queued from a device that was disconnected are
// dropped, never shown as the next device's data.
#include <QObject>
#include <QThread>
#include <atomic>
#include <functional>
#include <vector>

#include "app/core/device/connection_state.h"
#include "app/core/device/device_session.h"
#include "app/core/device/ei_session.h"
#include "app/core/device/link_status.h"
#include "app/core/device/text_stream.h"
#include "app/core/recorder.h"
#include "app/core/spsc_ring.h"

class QTimer;

namespace tinyscope {

class DeviceController : public QObject {
  Q_OBJECT
 public:
  explicit DeviceController(QObject* parent = nullptr);
  ~DeviceController() override;

  // Connects (closing any previous device) and hands-shakes; connected() or errorOccurred().
  // Addresses with mode=text read numbers per line from a board with no agent; there is no
  // handshake, inference or flashing then, and connected() comes once samples arrive.
  // Addresses with mode=ei reach a board running Edge Impulse's firmware (EiSession): its
  // AT+CONFIG? is the handshake; startStream() samples the sensor again and again (each sample
  // one window) until stopStream(); startRecording() takes one sample of sampleSeconds with the
  // recording's first label and stores it; no inference or flashing.
  // If the device later disappears (unplugged, process died, connection dropped), the
  // controller retries once a second until it answers again or disconnectDevice() is called.
  void connectTo(const QString& address);
  void disconnectDevice();
  bool isConnected() const { return m_connected; }
  ConnectionState state() const { return m_state; }
  QString address() const { return m_address; }
  const DeviceInfo& info() const { return m_info; }

  void startStream(quint8 sensorId, quint16 windowSamples);
  void stopStream();
  // Uploads input and runs the active model, capturing every tensor; runFinished().
  void runInference(const QByteArray& input);

  // Records the running stream into the dataset folder `datasetDir` (created when new) through
  // a Recorder on the I/O thread, so no file work happens on the GUI thread. recordingProgress()
  // four times a second, recordingStopped() once: after stopRecording(), a disconnect, or a
  // failed write (its error). Needs a device that runs the agent, or an Edge Impulse board.
  void startRecording(const QString& datasetDir, const RecorderOptions& options);
  void stopRecording();
  bool isRecording() const { return m_recording; }

  // GUI tick: moves every window queued since the last call into out (none while no device is
  // connected: those are left over from a device that is gone). The first window of a
  // requested stream moves the state to Streaming.
  size_t drainWindows(std::vector<SensorWindowData>* out);
  quint64 droppedWindows() const { return m_windows.overflows(); }

  // Runs `job` on the I/O thread with the agent's session, or nullptr when no device that
  // runs the agent has answered (for work that talks to the agent itself: SlotController's
  // flashing and slot commands). Objects `job` creates under the session die with it.
  void withSession(std::function<void(DeviceSession*)> job);

 Q_SIGNALS:
  void connected(const tinyscope::DeviceInfo& info);
  void disconnected();
  void errorOccurred(const QString& message);
  void deviceLog(int level, const QString& text);
  void runFinished(const tinyscope::InferenceRun& run, const QByteArray& input);
  void runFailed(const QString& message);
  void statusUpdated(const tinyscope::LinkStatus& status);  // twice a second while connected
  void reconnecting(int attempt);
  void stateChanged(tinyscope::ConnectionState state);
  void recordingProgress(qint64 frames, qint64 samples, qint64 lostFrames);
  void recordingStopped(const QVector<qint64>& sampleIds, const QString& error);

 private:
  template <class F>
  void onIoThread(F&& f);
  // On the I/O thread: sets up the session (binary) or text stream for `uri`.
  void openSession(const link::DeviceUri& uri);
  void openTextStream(const link::DeviceUri& uri);
  void openEiSession(const link::DeviceUri& uri);
  // The connections a text board or Edge Impulse board makes to the controller: its answer
  // (`answered` carries its DeviceInfo), going away, errors, and what it printed (`printed`).
  template <class Device, class Answered, class Printed>
  void wireDevice(Device* device, Answered answered, Printed printed);
  // GUI thread: a handshake failed; ends a first connection attempt, else is reported.
  void onHandshakeFailed(const QString& error);
  // On the I/O thread: the next sample of an Edge Impulse board: the recording's when one
  // waits, else the stream's.
  void startNextEiSample();
  void reportError(const QString& e);
  // On the I/O thread: the transport of `uri`, or nullptr after reporting why.
  std::unique_ptr<link::Transport> makeTransport(const link::DeviceUri& uri);
  // GUI thread: the device answered (handshake, or a text board's first numbers) / went away.
  void markConnected(const DeviceInfo& info);
  void markDisconnected();
  void setState(ConnectionState state);
  // On the I/O thread: commits the open sample and reports recordingStopped().
  void finishRecording(const QString& why);
  // On the I/O thread: recordingStopped(ids, error) on the GUI thread, once the recording ended.
  void reportRecordingStopped(const QVector<qint64>& ids, const QString& error);
  // GUI thread: connecting failed for good (bad address, no transport, refused handshake).
  void failConnecting(const QString& error);
  // On the I/O thread: the status tick (statusUpdated(status()) every 500 ms) and the reconnect
  // timer (every 1 s while started: reconnecting(n) and reopen() unless alive()) of the device
  // object `device`, which owns both. Returns the reconnect timer; the caller starts it when the
  // device goes away.
  QTimer* addStatusAndRetryTimers(QObject* device, std::function<LinkStatus()> status,
                                  std::function<bool()> alive, std::function<void()> reopen);

  QThread m_thread;
  QObject* m_io;                       // lives in m_thread; parent of the session
  DeviceSession* m_session = nullptr;  // touched only on m_thread
  TextStream* m_text = nullptr;        // touched only on m_thread; text-mode devices
  EiSession* m_ei = nullptr;           // touched only on m_thread; Edge Impulse boards
  bool m_eiStreaming = false;          // m_thread: sample again after each sample
  int m_eiSensor = 0;                  // m_thread: the sensor streamed or recorded
  QString m_eiRecordUri;               // m_thread: the recording's address ("" none)
  QString m_eiRecordLabel;             // m_thread: its label and length
  qint64 m_eiRecordMs = 0;
  bool m_eiRecordInFlight = false;  // m_thread: the sample under way is the recording's
  // The recording, touched only on m_thread (m_recording is the GUI thread's view of it).
  std::unique_ptr<dataset::DatasetStore> m_recordStore;
  std::unique_ptr<Recorder> m_recorder;
  QTimer* m_recordTick = nullptr;
  bool m_recording = false;
  SpscRing<SensorWindowData> m_windows{4096};
  DeviceInfo m_info;
  QString m_address;
  QString m_lastError;
  bool m_connected = false;
  bool m_streamWanted = false;  // a stream was started (text boards stream by themselves)
  bool m_eiBoard = false;       // the address has mode=ei
  ConnectionState m_state = ConnectionState::kDisconnected;
};

}  // namespace tinyscope
