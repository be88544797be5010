#include "device_protocol/host/ble_transport.h"

#include <QBluetoothDeviceDiscoveryAgent>
#include <QBluetoothLocalDevice>
#include <QEventLoop>
#include <QLowEnergyController>
#include <QLowEnergyService>
#include <QTimer>

namespace tinyscope::link {

NusChoice pickNusCharacteristics(const QList<NusCharacteristic>& characteristics) {
  NusChoice c;
  for (int i = 0; i < characteristics.size(); ++i) {
    const quint8 p = characteristics[i].properties;
    if (c.notifyIndex < 0 && (p & (kPropNotify | kPropIndicate))) c.notifyIndex = i;
    if (p & kPropWriteNoResponse) {
      if (c.writeIndex < 0 || !c.writeWithoutResponse) {
        c.writeIndex = i;
        c.writeWithoutResponse = true;
      }
    } else if ((p & kPropWrite) && c.writeIndex < 0) {
      c.writeIndex = i;
    }
  }
  // A characteristic that both writes and notifies serves as both only if nothing else does.
  return c;
}

int nusPayloadForMtu(int mtu) {
  return (mtu < 23 ? 23 : mtu) - 3;
}

BleTransport::BleTransport(QString mac, NusChannel* channel, QObject* parent)
    : Transport(parent), m_address(std::move(mac)), m_channel(channel) {
  m_channel->setParent(this);
  connect(m_channel, &NusChannel::ready, this,
          [this](const QList<NusCharacteristic>& chars, int mtu) {
            const NusChoice choice = pickNusCharacteristics(chars);
            if (!choice.ok()) {
              Q_EMIT errorOccurred(
                  QStringLiteral("%1: the Nordic UART Service has no %2 characteristic")
                      .arg(address(), choice.writeIndex < 0 ? QStringLiteral("writable")
                                                            : QStringLiteral("notifying")));
              m_channel->disconnectFromPeer();
              return;
            }
            m_mtu = mtu;
            m_withoutResponse = choice.writeWithoutResponse;
            m_open = true;
            Q_EMIT opened();
          });
  connect(m_channel, &NusChannel::mtuChanged, this, [this](int mtu) { m_mtu = mtu; });
  connect(m_channel, &NusChannel::notified, this,
          [this](const QByteArray& chunk) { Q_EMIT bytesReceived(chunk, steadyNowNs()); });
  connect(m_channel, &NusChannel::chunkWritten, this, [this] {
    m_inFlight = false;
    pump();
  });
  connect(m_channel, &NusChannel::failed, this, [this](const QString& reason) {
    Q_EMIT errorOccurred(QStringLiteral("%1: %2").arg(address(), reason));
  });
  connect(m_channel, &NusChannel::disconnected, this, [this] {
    m_open = false;
    m_inFlight = false;
    if (!m_queue.empty())
      Q_EMIT errorOccurred(QStringLiteral("%1: disconnected with %2 chunk(s) unsent")
                               .arg(address())
                               .arg(m_queue.size()));
    m_queue.clear();
    Q_EMIT closed();
  });
}

void BleTransport::open() {
  if (!m_open) m_channel->connectToPeer();
}

void BleTransport::close() {
  if (m_open) m_channel->disconnectFromPeer();
}

bool BleTransport::write(const QByteArray& bytes) {
  if (!m_open) {
    Q_EMIT errorOccurred(QStringLiteral("%1: cannot send, not connected").arg(address()));
    return false;
  }
  const int n = payloadPerWrite();
  for (int off = 0; off < bytes.size(); off += n) m_queue.push_back(bytes.mid(off, n));
  pump();
  return true;
}

void BleTransport::pump() {
  if (!m_open) return;
  if (m_withoutResponse) {
    // Write-without-response: the stack queues; hand over everything now.
    while (!m_queue.empty()) {
      m_channel->writeChunk(m_queue.front(), true);
      m_queue.pop_front();
    }
    return;
  }
  if (m_inFlight || m_queue.empty()) return;
  m_inFlight = true;
  const QByteArray chunk = m_queue.front();
  m_queue.pop_front();
  m_channel->writeChunk(chunk, false);
}

// ---- QtBluetooth ----

QtNusChannel::QtNusChannel(QString macAddress, QObject* parent)
    : NusChannel(parent), m_mac(std::move(macAddress)) {}

void QtNusChannel::connectToPeer() {
  if (m_controller) return;
  QBluetoothDeviceInfo info(QBluetoothAddress(m_mac), QString(), 0);
  info.setCoreConfigurations(QBluetoothDeviceInfo::LowEnergyCoreConfiguration);
  m_controller = QLowEnergyController::createCentral(info, this);
  connect(m_controller, &QLowEnergyController::connected, m_controller,
          &QLowEnergyController::discoverServices);
  connect(m_controller, &QLowEnergyController::discoveryFinished, this, [this] {
    m_service = m_controller->createServiceObject(kNusService, this);
    if (!m_service) {
      Q_EMIT failed(QStringLiteral("the device does not offer the Nordic UART Service"));
      m_controller->disconnectFromDevice();
      return;
    }
    connect(m_service, &QLowEnergyService::stateChanged, this, &QtNusChannel::onServiceState);
    connect(m_service, &QLowEnergyService::characteristicChanged, this,
            [this](const QLowEnergyCharacteristic&, const QByteArray& value) {
              Q_EMIT notified(value);
            });
    connect(m_service, &QLowEnergyService::characteristicWritten, this,
            [this] { Q_EMIT chunkWritten(); });
    connect(m_service, qOverload<QLowEnergyService::ServiceError>(&QLowEnergyService::error), this,
            [this](QLowEnergyService::ServiceError e) {
              Q_EMIT failed(QStringLiteral("GATT error %1").arg(int(e)));
            });
    m_service->discoverDetails();
  });
  connect(m_controller, qOverload<QLowEnergyController::Error>(&QLowEnergyController::error), this,
          [this](QLowEnergyController::Error) { Q_EMIT failed(m_controller->errorString()); });
  connect(m_controller, &QLowEnergyController::disconnected, this, &NusChannel::disconnected);
  m_controller->connectToDevice();
}

void QtNusChannel::onServiceState() {
  if (m_service->state() != QLowEnergyService::ServiceDiscovered) return;
  m_chars.clear();
  const QList<QLowEnergyCharacteristic> all = m_service->characteristics();
  for (const QLowEnergyCharacteristic& c : all)
    m_chars.append(NusCharacteristic{c.uuid(), static_cast<quint8>(c.properties())});
  m_choice = pickNusCharacteristics(m_chars);
  if (m_choice.notifyIndex >= 0) {
    const QLowEnergyCharacteristic notify = all.at(m_choice.notifyIndex);
    const QLowEnergyDescriptor cccd =
        notify.descriptor(QBluetoothUuid::ClientCharacteristicConfiguration);
    const bool indicate = !(notify.properties() & QLowEnergyCharacteristic::Notify);
    if (cccd.isValid())
      m_service->writeDescriptor(cccd, QByteArray::fromHex(indicate ? "0200" : "0100"));
  }
  // Qt 5 does not expose the ATT MTU BlueZ negotiated; 23 (20-byte writes) is always safe.
  Q_EMIT ready(m_chars, 23);
}

void QtNusChannel::disconnectFromPeer() {
  if (m_controller) m_controller->disconnectFromDevice();
}

void QtNusChannel::writeChunk(const QByteArray& chunk, bool withoutResponse) {
  if (!m_service || m_choice.writeIndex < 0) return;
  const QLowEnergyCharacteristic c = m_service->characteristics().at(m_choice.writeIndex);
  m_service->writeCharacteristic(c, chunk,
                                 withoutResponse ? QLowEnergyService::WriteWithoutResponse
                                                 : QLowEnergyService::WriteWithResponse);
}

QList<BleDeviceDescription> scanNusDevices(int timeoutMs, QString* error) {
  QList<BleDeviceDescription> found;
  if (QBluetoothLocalDevice::allDevices().isEmpty()) {
    *error = QStringLiteral("ble: no Bluetooth adapter on this machine");
    return found;
  }
  QBluetoothDeviceDiscoveryAgent agent;
  agent.setLowEnergyDiscoveryTimeout(timeoutMs);
  QEventLoop loop;
  QObject::connect(&agent, &QBluetoothDeviceDiscoveryAgent::finished, &loop, &QEventLoop::quit);
  QObject::connect(
      &agent,
      qOverload<QBluetoothDeviceDiscoveryAgent::Error>(&QBluetoothDeviceDiscoveryAgent::error),
      &loop, [&](QBluetoothDeviceDiscoveryAgent::Error) {
        *error = QStringLiteral("ble: scan failed: ") + agent.errorString();
        loop.quit();
      });
  QTimer::singleShot(timeoutMs + 2000, &loop, &QEventLoop::quit);
  agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
  loop.exec();
  for (const QBluetoothDeviceInfo& d : agent.discoveredDevices())
    if (d.serviceUuids().contains(kNusService))
      found.append(BleDeviceDescription{d.address().toString(), d.name(), d.rssi()});
  return found;
}

}  // namespace tinyscope::link
