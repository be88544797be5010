#include "device_protocol/host/transport_factory.h"

#include <QCoreApplication>
#include <QFileInfo>

#include "device_protocol/host/ble_transport.h"
#include "device_protocol/host/process_transport.h"
#include "device_protocol/host/qemu_transport.h"
#include "device_protocol/host/serial_transport.h"
#include "device_protocol/host/tcp_transport.h"

namespace tinyscope::link {

QString findAgentProgram(const DeviceUri& uri) {
  QStringList candidates;
  if (!uri.option(QStringLiteral("agent")).isEmpty()) return uri.option(QStringLiteral("agent"));
  if (qEnvironmentVariableIsSet("TINYSCOPE_AGENT"))
    candidates << qEnvironmentVariable("TINYSCOPE_AGENT");
  const QString dir = QCoreApplication::applicationDirPath();
  candidates << dir + QStringLiteral("/tinyscope-agent");
#ifdef TINYSCOPE_BUILD_AGENT_PATH
  candidates << QStringLiteral(TINYSCOPE_BUILD_AGENT_PATH);
#endif
  for (const QString& c : candidates)
    if (QFileInfo(c).isExecutable()) return c;
  return {};
}

std::unique_ptr<Transport> createTransport(const DeviceUri& uri, QString* error) {
  switch (uri.kind) {
    case DeviceUri::Kind::kSerial:
      return std::make_unique<SerialTransport>(
          uri.target, uri.option(QStringLiteral("baud"), QStringLiteral("115200")).toInt());
    case DeviceUri::Kind::kTcp:
      return std::make_unique<TcpTransport>(uri.target, uri.port);
    case DeviceUri::Kind::kBle:
      return std::make_unique<BleTransport>(uri.target, new QtNusChannel(uri.target));
    case DeviceUri::Kind::kSimulator: {
      const QString agent = findAgentProgram(uri);
      if (agent.isEmpty()) {
        *error = QStringLiteral(
            "sim: cannot find tinyscope-agent (build it, or set TINYSCOPE_AGENT or "
            "sim:?agent=PATH)");
        return nullptr;
      }
      QStringList args;  // stdio is the agent's default link
      static const char* const kPassThrough[] = {"model", "sensor", "rate", "wav", "csv"};
      for (const char* key : kPassThrough) {
        const QString k = QString::fromLatin1(key);
        if (uri.options.hasQueryItem(k)) args << QStringLiteral("--") + k << uri.option(k);
      }
      return std::make_unique<ProcessTransport>(uri.text, agent, args);
    }
    case DeviceUri::Kind::kQemu: {
      QemuSettings settings;
      if (!qemuSettingsFromUri(uri, &settings, error)) return nullptr;
      return std::make_unique<QemuTransport>(uri.text, settings);
    }
  }
  *error = QStringLiteral("unknown device kind");
  return nullptr;
}

}  // namespace tinyscope::link
