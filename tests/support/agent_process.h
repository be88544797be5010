#pragma once
// The real tinyscope-agent serving a pty (--pty) or a TCP port (--tcp) for a test, stopped
// (and resumed first, if a test paused it) when the object goes. Needs TINYSCOPE_AGENT.
#include <signal.h>

#include <QProcess>
#include <QString>
#include <QStringList>

class AgentProcess {
 public:
  explicit AgentProcess(const QStringList& args) {
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start(QStringLiteral(TINYSCOPE_AGENT), args);
    if (!m_process.waitForStarted(5000)) return;
    // First stdout line: "PTY /dev/pts/N" or "TCP 127.0.0.1:PORT".
    for (int i = 0; i < 50 && !m_process.canReadLine(); ++i) m_process.waitForReadyRead(100);
    const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
    if (line.startsWith(QLatin1String("PTY "))) m_address = QStringLiteral("serial:") + line.mid(4);
    if (line.startsWith(QLatin1String("TCP "))) m_address = QStringLiteral("tcp:") + line.mid(4);
  }
  ~AgentProcess() {
    if (m_process.processId() > 0) ::kill(static_cast<pid_t>(m_process.processId()), SIGCONT);
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) m_process.kill();
    m_process.waitForFinished(3000);
  }
  // The device address it printed; empty when it did not start.
  QString address() const { return m_address; }
  qint64 pid() const { return m_process.processId(); }

 private:
  QProcess m_process;
  QString m_address;
};

// A quiet agent on a pty: its address is serial:/dev/pts/N.
class PtyAgent : public AgentProcess {
 public:
  explicit PtyAgent(const QStringList& args)
      : AgentProcess(QStringList{QStringLiteral("--pty"), QStringLiteral("--quiet")} + args) {}
};
