#pragma once
// SessionRecording: a DeviceSession's frames written to a session log. Attach it before the
// handshake (its frames are held until begin()), call begin() once the device answered: the
// header then names the device (its HelloReply), the model (stored once by SHA-256 in the
// model store) and the device's kernel set.
//
// Ownership: borrows the session (either may go first: the recording notices); owns the
// writer. Thread: the session's. Errors: false + one sentence naming the file.
#include <QPointer>
#include <QString>

#include "app/core/session/model_store.h"
#include "app/core/session/session_log.h"
#include "model_runner/host/host_runner.h"

namespace tinyscope {
class DeviceSession;

namespace session {

class SessionRecording {
 public:
  SessionRecording(DeviceSession* session, const QString& path);
  ~SessionRecording();  // finish()es

  // `model` (may be null) is what the device runs; its bytes go to `store`.
  bool begin(const runner::host::ModelFile* model, const ModelStore& store, QString* error);
  // Detaches from the session, writes what is held, syncs and closes.
  bool finish(QString* error);
  const SessionLogWriter& writer() const { return m_writer; }

  // The kernel set a device address runs: the host agent (sim:) the reference kernels, the
  // Cortex-M images (qemu:) the Cortex-M ones, anything else "device" (unknown).
  static QString deviceKernels(const QString& deviceUri);

 private:
  QPointer<DeviceSession> m_session;  // null once the session is gone
  SessionLogWriter m_writer;
  QString m_id;
};

}  // namespace session
}  // namespace tinyscope
