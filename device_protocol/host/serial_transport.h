#pragma once
// SerialTransport: a serial port (USB CDC, USB-UART bridge, or a pseudo-terminal) through
// QSerialPort, at any baud rate. An unplugged device is reported once and closes the
// transport; DeviceLink reopens it when the port comes back.
#include <QSerialPort>

#include "device_protocol/host/transport.h"

namespace tinyscope::link {

struct SerialPortDescription {
  QString path;         // /dev/ttyACM0
  QString description;  // product string
  QString manufacturer;
  quint16 vendorId = 0;  // 0 when unknown
  quint16 productId = 0;
  QString serialNumber;
};

// Ports the OS lists (USB ids where known). Pseudo-terminals are not listed: type their path.
QList<SerialPortDescription> availableSerialPorts();

class SerialTransport : public Transport {
  Q_OBJECT
 public:
  SerialTransport(QString portPath, qint32 baud, QObject* parent = nullptr);

  void open() override;
  void close() override;
  bool isOpen() const override { return m_port.isOpen(); }
  bool write(const QByteArray& bytes) override;
  QString address() const override;
  bool setBaudRate(qint32 baud) override;

 private:
  void onReadyRead();
  void onError(QSerialPort::SerialPortError error);

  QSerialPort m_port;
  QString m_path;
  qint32 m_baud;
};

}  // namespace tinyscope::link
