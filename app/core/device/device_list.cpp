#include "app/core/device/device_list.h"

#include "app/core/device/launchers/qemu_launcher.h"
#include "app/core/device/launchers/sim_launcher.h"
#include "device_protocol/host/ble_transport.h"
#include "device_protocol/host/serial_transport.h"

namespace tinyscope {

namespace {
QString hex4(quint16 v) {
  return QStringLiteral("%1").arg(v, 4, 16, QLatin1Char('0'));
}
}  // namespace

QList<DeviceCandidate> listDevices(bool scanBle, QString* bleError, int bleTimeoutMs) {
  QList<DeviceCandidate> list;
  for (const link::SerialPortDescription& d : link::availableSerialPorts()) {
    DeviceCandidate c;
    c.address = QStringLiteral("serial:") + d.path;
    c.description = d.description;
    c.manufacturer = d.manufacturer;
    c.serialNumber = d.serialNumber;
    if (d.vendorId) c.usbId = hex4(d.vendorId) + QLatin1Char(':') + hex4(d.productId);
    list.append(c);
  }
  const QString agent = findAgentProgram(link::DeviceUri());
  for (const char* sensor : {"imu", "audio", "sine"}) {
    DeviceCandidate c;
    c.address = QStringLiteral("sim:?sensor=") + QLatin1String(sensor);
    c.description =
        agent.isEmpty()
            ? QStringLiteral("simulated device, %1 sensor (tinyscope-agent not found)").arg(sensor)
            : QStringLiteral("simulated device, %1 sensor (%2)").arg(sensor, agent);
    list.append(c);
  }
  if (!findQemuProgram().isEmpty()) {
    for (const auto& layout : agent::cortex_m::kBoardSlotLayouts) {
      const QString board = QString::fromLatin1(layout.board);
      const QString image = findQemuImage(board);
      if (image.isEmpty()) continue;
      DeviceCandidate c;
      c.address = board == QLatin1String("mps2-an386") ? QStringLiteral("qemu:")
                                                       : QStringLiteral("qemu:?board=") + board;
      c.description = QStringLiteral("Cortex-M4 agent on an emulated %1 (%2)").arg(board, image);
      list.append(c);
    }
  }
  if (scanBle) {
    QString error;
    for (const link::BleDeviceDescription& d : link::scanNusDevices(bleTimeoutMs, &error)) {
      DeviceCandidate c;
      c.address = QStringLiteral("ble:") + d.address;
      c.description = d.name;
      c.rssi = d.rssi;
      list.append(c);
    }
    if (bleError != nullptr) *bleError = error;
  }
  return list;
}

}  // namespace tinyscope
