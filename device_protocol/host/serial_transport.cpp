#include "device_protocol/host/serial_transport.h"

#include <QSerialPortInfo>

namespace tinyscope::link {

QList<SerialPortDescription> availableSerialPorts() {
  QList<SerialPortDescription> ports;
  for (const QSerialPortInfo& info : QSerialPortInfo::availablePorts()) {
    SerialPortDescription d;
    d.path = info.systemLocation();
    d.description = info.description();
    d.manufacturer = info.manufacturer();
    d.vendorId = info.hasVendorIdentifier() ? info.vendorIdentifier() : 0;
    d.productId = info.hasProductIdentifier() ? info.productIdentifier() : 0;
    d.serialNumber = info.serialNumber();
    ports.append(d);
  }
  return ports;
}

SerialTransport::SerialTransport(QString portPath, qint32 baud, QObject* parent)
    : Transport(parent), m_port(this), m_path(std::move(portPath)), m_baud(baud) {
  connect(&m_port, &QSerialPort::readyRead, this, &SerialTransport::onReadyRead);
  connect(&m_port, &QSerialPort::errorOccurred, this, &SerialTransport::onError);
}

QString SerialTransport::address() const {
  return QStringLiteral("serial:%1?baud=%2").arg(m_path).arg(m_baud);
}

void SerialTransport::open() {
  if (m_port.isOpen()) return;
  m_port.setPortName(m_path);
  m_port.setBaudRate(m_baud);
  m_port.setDataBits(QSerialPort::Data8);
  m_port.setParity(QSerialPort::NoParity);
  m_port.setStopBits(QSerialPort::OneStop);
  m_port.setFlowControl(QSerialPort::NoFlowControl);
  m_port.setReadBufferSize(0);  // unbounded inside Qt; our own ring bounds what reaches the GUI
  if (!m_port.open(QIODevice::ReadWrite)) {
    Q_EMIT errorOccurred(
        QStringLiteral("%1: cannot open port: %2").arg(address(), m_port.errorString()));
    Q_EMIT closed();
    return;
  }
  Q_EMIT opened();
}

void SerialTransport::close() {
  if (!m_port.isOpen()) return;
  m_port.close();
  Q_EMIT closed();
}

bool SerialTransport::write(const QByteArray& bytes) {
  if (!m_port.isOpen()) {
    Q_EMIT errorOccurred(QStringLiteral("%1: cannot send, the port is not open").arg(address()));
    return false;
  }
  return m_port.write(bytes) == bytes.size();
}

bool SerialTransport::setBaudRate(qint32 baud) {
  if (!m_port.isOpen() || baud <= 0) return false;
  return m_port.setBaudRate(baud);
}

void SerialTransport::onReadyRead() {
  const qint64 now = steadyNowNs();
  const QByteArray chunk = m_port.readAll();
  if (!chunk.isEmpty()) Q_EMIT bytesReceived(chunk, now);
}

void SerialTransport::onError(QSerialPort::SerialPortError error) {
  if (error == QSerialPort::NoError || error == QSerialPort::TimeoutError) return;
  if (error == QSerialPort::OpenError || error == QSerialPort::DeviceNotFoundError ||
      error == QSerialPort::PermissionError)
    return;  // reported by open()
  // A USB unplug shows as ResourceError; a vanished pty peer as ReadError (EIO), which
  // QSerialPort would repeat forever. Both mean the device is gone.
  const bool fatal = error == QSerialPort::ResourceError || error == QSerialPort::ReadError;
  if (!m_port.isOpen()) return;
  Q_EMIT errorOccurred(QStringLiteral("%1: %2").arg(
      address(), fatal ? QStringLiteral("device disappeared (%1)").arg(m_port.errorString())
                       : m_port.errorString()));
  m_port.clearError();
  if (fatal) {
    m_port.close();
    Q_EMIT closed();
  }
}

}  // namespace tinyscope::link
