#include "app/core/device/launchers/sim_launcher.h"

#include <sys/stat.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <cerrno>
#include <cstring>

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

QString simSlotsDirectory(QString* error) {
  QString base = qEnvironmentVariable("XDG_STATE_HOME");
  if (!QDir::isAbsolutePath(base)) {  // the XDG spec: a relative value is ignored
    const QString home = qEnvironmentVariable("HOME");
    if (!QDir::isAbsolutePath(home)) {
      *error = QStringLiteral(
          "sim: no state directory for the simulator's slots (neither XDG_STATE_HOME nor HOME "
          "is an absolute path); use sim:?slots=DIR");
      return {};
    }
    base = home + QStringLiteral("/.local/state");
  }
  base = QDir::cleanPath(base);
  const QString dir = base + QStringLiteral("/tinyscope/sim-slots");
  // Every missing component is created private (0700, as the XDG spec asks of its base).
  QString path;
  for (const QString& part : dir.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
    path += QLatin1Char('/') + part;
    if (::mkdir(QFile::encodeName(path).constData(), 0700) != 0 && errno != EEXIST) {
      *error = QStringLiteral("sim: cannot create the slot directory %1: %2")
                   .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
      return {};
    }
  }
  // The slots directory itself must be ours alone: not a symlink someone planted, not
  // another user's, not writable by others.
  struct stat st {};
  if (::lstat(QFile::encodeName(dir).constData(), &st) != 0 || !S_ISDIR(st.st_mode) ||
      st.st_uid != ::getuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    *error = QStringLiteral(
                 "sim: %1 is not a private directory of this user (a symlink, another owner, or "
                 "writable by others); remove it or use sim:?slots=DIR")
                 .arg(dir);
    return {};
  }
  return dir;
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
  for (const char* key : link::kSimAgentOptions) {
    const QString k = QString::fromLatin1(key);
    if (uri.options.hasQueryItem(k)) args << QStringLiteral("--") + k << uri.option(k);
  }
  // Slots outlive the connection, as a board's flash does; `slots=` (empty) = temporary ones,
  // and so are those of `model=` alone: a fresh board with that model preloaded (as qemu:).
  const QString slotsKey = QStringLiteral("slots");
  if (!uri.options.hasQueryItem(slotsKey) && !uri.options.hasQueryItem(QStringLiteral("model"))) {
    const QString dir = simSlotsDirectory(error);
    if (dir.isEmpty()) return nullptr;
    args << QStringLiteral("--slots") << dir;
  } else if (!uri.option(slotsKey).isEmpty()) {
    args << QStringLiteral("--slots") << uri.option(slotsKey);
  }
  return std::make_unique<link::ProcessTransport>(uri.text, agent, args);
}

}  // namespace tinyscope
