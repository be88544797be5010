#pragma once
// TcpTransport: a device (or the host agent, or QEMU's UART socket) on a TCP port.
#include <QTcpSocket>

#include "device_protocol/host/transport.h"

namespace tinyscope::link {

class TcpTransport : public Transport {
  Q_OBJECT
 public:
  TcpTransport(QString host, quint16 port, QObject* parent = nullptr);

  void open() override;
  void close() override;
  bool isOpen() const override { return m_socket.state() == QAbstractSocket::ConnectedState; }
  bool write(const QByteArray& bytes) override;
  QString address() const override { return QStringLiteral("tcp:%1:%2").arg(m_host).arg(m_port); }

 private:
  QTcpSocket m_socket;
  QString m_host;
  quint16 m_port;
};

}  // namespace tinyscope::link
