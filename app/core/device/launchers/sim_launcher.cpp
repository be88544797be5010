#include "app/core/device/launchers/sim_launcher.h"

#include <QCoreApplication>
#include <QFileInfo>

#include "device_protocol/host/process_transport.h"

namespace tinyscope {

QString findAgentProgram(const link::DeviceUri& uri) {
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

std::unique_ptr<link::Transport> launchSimulator(const link::DeviceUri& uri, QString* error) {
  const QString agent = findAgentProgram(uri);
  if (agent.isEmpty()) {
    *error = QStringLiteral(
        "sim: cannot find tinyscope-agent (build it, or set TINYSCOPE_AGENT or "
        "sim:?agent=PATH)");
    return nullptr;
  }
  QStringList args;  // stdio is the agent's default link
  static const char* const kPassThrough[] = {"model", "sensor", "rate",     "wav",
                                             "csv",   "slots",  "fault-op", "front-end"};
  for (const char* key : kPassThrough) {
    const QString k = QString::fromLatin1(key);
    if (uri.options.hasQueryItem(k)) args << QStringLiteral("--") + k << uri.option(k);
  }
  return std::make_unique<link::ProcessTransport>(uri.text, agent, args);
}

}  // namespace tinyscope
