#pragma once
// The devices tinyscope can connect to right now, listed once for the GUI's device panel and
// `tinyscope-cli devices`: serial ports (with USB ids), the simulator with each of its synthetic
// sensors, the emulated Cortex-M4 boards whose firmware image and QEMU exist, and, when asked,
// BLE devices advertising the Nordic UART Service. Pseudo-terminals are not listed (the OS does
// not list them); type their address.
//
// Thread: any thread with a Qt event loop for the BLE scan (it blocks up to bleTimeoutMs).
// Errors: a failed BLE scan leaves the other entries and sets *bleError to one sentence.
#include <QList>
#include <QString>

namespace tinyscope {

struct DeviceCandidate {
  QString address;      // ready for connectTo()/--device, e.g. "serial:/dev/ttyACM0"
  QString description;  // one line for a person
  QString manufacturer;
  QString serialNumber;
  QString usbId;  // "vvvv:pppp" for a USB serial port, else empty
  int rssi = 0;   // BLE only (dBm)
};

QList<DeviceCandidate> listDevices(bool scanBle = false, QString* bleError = nullptr,
                                   int bleTimeoutMs = 5000);

}  // namespace tinyscope
