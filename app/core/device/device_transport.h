#pragma once
// The transport a device address names, and the link over it: serial:, tcp: and ble: are plain
// transports (device_protocol/host); sim: and qemu: are launched first (launchers/), then
// reached through a plain transport to the process they started.
//
// Thread: call from the thread that will own the result (the I/O thread in the GUI). Ownership:
// the caller owns what is returned. Errors: nullptr with *error set to one sentence naming the
// address part at fault or what is missing (agent binary, QEMU, firmware image).
#include <QObject>
#include <QString>
#include <memory>

#include "device_protocol/host/device_link.h"
#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"

namespace tinyscope {

std::unique_ptr<link::Transport> createTransport(const link::DeviceUri& uri, QString* error);

// Parses `address`, makes its transport and wraps it in a DeviceLink (not yet open).
std::unique_ptr<link::DeviceLink> openDeviceLink(const QString& address, QString* error,
                                                 QObject* parent = nullptr);

}  // namespace tinyscope
