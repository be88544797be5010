#pragma once
// ProcessTransport: a device that is a child process speaking on its stdin/stdout (the
// simulator's launcher starts tinyscope-agent this way). The child's stderr lines are passed on
// as diagnosticLine(). Closing the transport ends the child (terminate, then kill after 2 s).
#include <QProcess>
#include <QStringList>

#include "device_protocol/host/transport.h"

namespace tinyscope::link {

class ProcessTransport : public Transport {
  Q_OBJECT
 public:
  ProcessTransport(QString addressText, QString program, QStringList arguments,
                   QObject* parent = nullptr);
  ~ProcessTransport() override;

  void open() override;
  void close() override;
  bool isOpen() const override { return m_process.state() == QProcess::Running; }
  bool write(const QByteArray& bytes) override;
  QString address() const override { return m_address; }

 private:
  QProcess m_process;
  QString m_address;
  QString m_program;
  QStringList m_arguments;
  QByteArray m_stderrTail;
  QString m_lastDiagnostic;
  bool m_closing = false;
};

}  // namespace tinyscope::link
