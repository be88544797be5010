#pragma once
// BLE transport: tinyscope as a GATT central speaking the Nordic UART Service (NUS).
//
// Split in two so the part with logic can be tested here, where no Bluetooth radio or
// virtual controller can exist (the kernel has no AF_BLUETOOTH):
//  - NusChannel: the GATT side — connect, discover NUS, pick its characteristics, enable
//    notifications, write one chunk. QtNusChannel implements it with QtBluetooth; tests use
//    a fake peer. QtNusChannel has NOT been tried against a radio (see README).
//  - BleTransport: the Transport — splits writes to the negotiated ATT MTU, paces them
//    (one write with response in flight; without response, bursts), passes notifications on.
#include <QBluetoothUuid>
#include <QByteArray>
#include <QList>
#include <QObject>
#include <deque>

#include "device_protocol/host/transport.h"

class QLowEnergyController;
class QLowEnergyService;

namespace tinyscope::link {

inline const QBluetoothUuid kNusService{QStringLiteral("6E400001-B5A3-F393-E0A9-E50E24DCCA9E")};

// GATT characteristic property bits (Bluetooth Core spec, Vol 3 Part G 3.3.1.1).
enum NusProperty : quint8 {
  kPropWriteNoResponse = 0x04,
  kPropWrite = 0x08,
  kPropNotify = 0x10,
  kPropIndicate = 0x20
};

struct NusCharacteristic {
  QBluetoothUuid uuid;
  quint8 properties = 0;
};

struct NusChoice {
  int writeIndex = -1;   // characteristic the central writes to (device RX)
  int notifyIndex = -1;  // characteristic the device notifies on (device TX)
  bool writeWithoutResponse = false;
  bool ok() const { return writeIndex >= 0 && notifyIndex >= 0; }
};

// Picks NUS's write and notify characteristics by their properties, not by UUID, so
// vendor variants of the service work. Prefers write-without-response when offered.
NusChoice pickNusCharacteristics(const QList<NusCharacteristic>& characteristics);

// ATT payload per write for a negotiated MTU (MTU − 3 bytes of ATT header; 23 is the minimum MTU).
int nusPayloadForMtu(int mtu);

class NusChannel : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  virtual void connectToPeer() = 0;
  virtual void disconnectFromPeer() = 0;
  virtual void writeChunk(const QByteArray& chunk, bool withoutResponse) = 0;

 Q_SIGNALS:
  // NUS found, notifications enabled; mtu is the negotiated ATT MTU.
  void ready(const QList<tinyscope::link::NusCharacteristic>& characteristics, int mtu);
  void mtuChanged(int mtu);
  void notified(const QByteArray& chunk);
  void chunkWritten();
  void failed(const QString& reason);
  void disconnected();
};

class BleTransport : public Transport {
  Q_OBJECT
 public:
  // Takes ownership of channel.
  BleTransport(QString mac, NusChannel* channel, QObject* parent = nullptr);

  void open() override;
  void close() override;
  bool isOpen() const override { return m_open; }
  bool write(const QByteArray& bytes) override;
  QString address() const override { return QStringLiteral("ble:") + m_address; }

  int payloadPerWrite() const { return nusPayloadForMtu(m_mtu); }
  qsizetype pendingChunks() const { return static_cast<qsizetype>(m_queue.size()); }

 private:
  void pump();

  QString m_address;
  NusChannel* m_channel;
  std::deque<QByteArray> m_queue;
  int m_mtu = 23;
  bool m_open = false;
  bool m_withoutResponse = false;
  bool m_inFlight = false;
};

// The QtBluetooth implementation of NusChannel (BlueZ on Linux).
class QtNusChannel : public NusChannel {
  Q_OBJECT
 public:
  explicit QtNusChannel(QString macAddress, QObject* parent = nullptr);
  void connectToPeer() override;
  void disconnectFromPeer() override;
  void writeChunk(const QByteArray& chunk, bool withoutResponse) override;

 private:
  void onServiceState();

  QString m_mac;
  QLowEnergyController* m_controller = nullptr;
  QLowEnergyService* m_service = nullptr;
  QList<NusCharacteristic> m_chars;
  NusChoice m_choice;
};

// BLE peripherals advertising NUS, found within timeoutMs (blocks with a local event loop;
// CLI only). On a machine with no adapter, returns an empty list and sets *error.
struct BleDeviceDescription {
  QString address;
  QString name;
  int rssi = 0;
};
QList<BleDeviceDescription> scanNusDevices(int timeoutMs, QString* error);

}  // namespace tinyscope::link

Q_DECLARE_METATYPE(tinyscope::link::NusCharacteristic)
