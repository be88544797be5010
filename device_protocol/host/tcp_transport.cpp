#include "device_protocol/host/tcp_transport.h"

namespace tinyscope::link {

TcpTransport::TcpTransport(QString host, quint16 port, QObject* parent)
    : Transport(parent), m_socket(this), m_host(std::move(host)), m_port(port) {
  m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
  connect(&m_socket, &QTcpSocket::connected, this, &Transport::opened);
  connect(&m_socket, &QTcpSocket::disconnected, this, &Transport::closed);
  connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
    const qint64 now = steadyNowNs();
    const QByteArray chunk = m_socket.readAll();
    if (!chunk.isEmpty()) Q_EMIT bytesReceived(chunk, now);
  });
  connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
    if (e == QAbstractSocket::RemoteHostClosedError) {
      Q_EMIT errorOccurred(QStringLiteral("%1: the device closed the connection").arg(address()));
      return;
    }
    const bool wasConnecting = m_socket.state() != QAbstractSocket::ConnectedState;
    Q_EMIT errorOccurred(QStringLiteral("%1: %2").arg(address(), m_socket.errorString()));
    if (wasConnecting) Q_EMIT closed();
  });
}

void TcpTransport::open() {
  if (m_socket.state() != QAbstractSocket::UnconnectedState) return;
  m_socket.connectToHost(m_host, m_port);
}

void TcpTransport::close() {
  if (m_socket.state() == QAbstractSocket::UnconnectedState) return;
  m_socket.disconnectFromHost();
  if (m_socket.state() != QAbstractSocket::UnconnectedState) m_socket.abort();
}

bool TcpTransport::write(const QByteArray& bytes) {
  if (!isOpen()) {
    Q_EMIT errorOccurred(QStringLiteral("%1: cannot send, not connected").arg(address()));
    return false;
  }
  return m_socket.write(bytes) == bytes.size();
}

}  // namespace tinyscope::link
