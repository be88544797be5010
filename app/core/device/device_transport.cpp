#include "app/core/device/device_transport.h"

#include "app/core/device/launchers/qemu_launcher.h"
#include "app/core/device/launchers/sim_launcher.h"
#include "device_protocol/host/ble_transport.h"
#include "device_protocol/host/serial_transport.h"
#include "device_protocol/host/tcp_transport.h"

namespace tinyscope {

std::unique_ptr<link::Transport> createTransport(const link::DeviceUri& uri, QString* error) {
  using Kind = link::DeviceUri::Kind;
  switch (uri.kind) {
    case Kind::kSerial:
      return std::make_unique<link::SerialTransport>(
          uri.target, uri.option(QStringLiteral("baud"), QStringLiteral("115200")).toInt());
    case Kind::kTcp:
      return std::make_unique<link::TcpTransport>(uri.target, uri.port);
    case Kind::kBle:
      return std::make_unique<link::BleTransport>(uri.target, new link::QtNusChannel(uri.target));
    case Kind::kSimulator:
      return launchSimulator(uri, error);
    case Kind::kQemu: {
      QemuSettings settings;
      if (!qemuSettingsFromUri(uri, &settings, error)) return nullptr;
      return std::make_unique<QemuLauncher>(uri.text, settings);
    }
  }
  *error = QStringLiteral("unknown device kind");
  return nullptr;
}

std::unique_ptr<link::DeviceLink> openDeviceLink(const QString& address, QString* error,
                                                 QObject* parent) {
  link::DeviceUri uri;
  if (!link::parseDeviceUri(address, &uri, error)) return nullptr;
  std::unique_ptr<link::Transport> t = createTransport(uri, error);
  if (!t) return nullptr;
  return std::make_unique<link::DeviceLink>(uri, std::move(t), parent);
}

}  // namespace tinyscope
