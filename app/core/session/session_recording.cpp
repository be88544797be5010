#include "app/core/session/session_recording.h"

#include <QFileInfo>
#include <QUuid>

#include "app/core/device/device_session.h"
#include "app/core/version.h"

namespace tinyscope::session {

SessionRecording::SessionRecording(DeviceSession* session, const QString& path)
    : m_session(session), m_writer(path) {
  m_session->setWireTap(&m_writer);
}

SessionRecording::~SessionRecording() {
  QString ignored;
  finish(&ignored);
}

QString SessionRecording::deviceKernels(const QString& deviceUri) {
  if (deviceUri.startsWith(QLatin1String("sim:"))) return QStringLiteral("reference");
  if (deviceUri.startsWith(QLatin1String("qemu:"))) return QStringLiteral("cortex-m");
  return QStringLiteral("device");
}

bool SessionRecording::begin(const runner::host::ModelFile* model, const ModelStore& store,
                             QString* error) {
  SessionHeader h;
  h.id = QFileInfo(m_writer.path()).completeBaseName();
  h.tinyscopeVersion = QString::fromLatin1(kVersion);
  h.deviceUri = m_session->uri().text;
  const DeviceInfo info = m_session->info();
  h.deviceName = info.boardName;
  h.firmwareVersion = info.firmwareVersion;
  h.kernels = deviceKernels(h.deviceUri);
  // The handshake as the catalogue encodes it: what the device sent, re-encoded byte-exact.
  std::vector<uint8_t> hello(proto::kMaxDeviceToHostMessageSize);
  const proto::Header header = proto::makeHeader<proto::HelloReply>(0, 0);
  const proto::EncodeResult r =
      proto::encodeMessage(header, info.hello, proto::ByteSpan(hello.data(), hello.size()));
  if (r.status == proto::Status::kOk)
    h.hello = QByteArray(reinterpret_cast<const char*>(hello.data()), static_cast<int>(r.size));
  if (model) {
    if (!store.put(model->bytes, &h.modelSha256, error) ||
        !store.putSidecar(QString::fromStdString(model->path), h.modelSha256, error))
      return false;
    h.modelName = QString::fromStdString(model->name);
    h.modelBytes = static_cast<qint64>(model->bytes.size());
  }
  if (!m_writer.begin(h)) {
    *error = m_writer.error();
    return false;
  }
  return true;
}

bool SessionRecording::finish(QString* error) {
  if (m_session) m_session->setWireTap(nullptr);
  m_session = nullptr;
  if (!m_writer.close()) {
    *error = m_writer.error();
    return false;
  }
  return true;
}

}  // namespace tinyscope::session
