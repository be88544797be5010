#include "device_protocol/host/process_transport.h"

namespace tinyscope::link {

ProcessTransport::ProcessTransport(QString addressText, QString program, QStringList arguments,
                                   QObject* parent)
    : Transport(parent),
      m_process(this),
      m_address(std::move(addressText)),
      m_program(std::move(program)),
      m_arguments(std::move(arguments)) {
  connect(&m_process, &QProcess::started, this, &Transport::opened);
  connect(&m_process, &QProcess::readyReadStandardOutput, this, [this] {
    const qint64 now = steadyNowNs();
    const QByteArray chunk = m_process.readAllStandardOutput();
    if (!chunk.isEmpty()) Q_EMIT bytesReceived(chunk, now);
  });
  connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
    m_stderrTail += m_process.readAllStandardError();
    int nl;
    while ((nl = m_stderrTail.indexOf('\n')) >= 0) {
      m_lastDiagnostic = QString::fromUtf8(m_stderrTail.left(nl)).trimmed();
      Q_EMIT diagnosticLine(m_lastDiagnostic);
      m_stderrTail.remove(0, nl + 1);
    }
  });
  connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) {
      Q_EMIT errorOccurred(QStringLiteral("%1: cannot start '%2': %3")
                               .arg(m_address, m_program, m_process.errorString()));
      Q_EMIT closed();
    }
  });
  connect(&m_process, qOverload<int, QProcess::ExitStatus>(&QProcess::finished), this,
          [this](int code, QProcess::ExitStatus status) {
            if (!m_closing) {
              QString msg = status == QProcess::CrashExit
                                ? QStringLiteral("%1: the device process crashed").arg(m_address)
                                : QStringLiteral("%1: the device process exited with code %2")
                                      .arg(m_address)
                                      .arg(code);
              if (!m_lastDiagnostic.isEmpty())
                msg += QStringLiteral(" (it said: %1)").arg(m_lastDiagnostic);
              Q_EMIT errorOccurred(msg);
            }
            m_closing = false;
            Q_EMIT closed();
          });
}

ProcessTransport::~ProcessTransport() {
  if (m_process.state() != QProcess::NotRunning) {
    m_closing = true;
    m_process.blockSignals(true);
    m_process.kill();
    m_process.waitForFinished(2000);
  }
}

void ProcessTransport::open() {
  if (m_process.state() != QProcess::NotRunning) return;
  m_process.start(m_program, m_arguments, QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void ProcessTransport::close() {
  if (m_process.state() == QProcess::NotRunning) return;
  m_closing = true;
  m_process.closeWriteChannel();
  m_process.terminate();
  if (!m_process.waitForFinished(2000)) {
    m_process.kill();
    m_process.waitForFinished(2000);
  }
}

bool ProcessTransport::write(const QByteArray& bytes) {
  if (!isOpen()) {
    Q_EMIT errorOccurred(
        QStringLiteral("%1: cannot send, the device process is not running").arg(m_address));
    return false;
  }
  return m_process.write(bytes) == bytes.size();
}

}  // namespace tinyscope::link
