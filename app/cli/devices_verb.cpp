// tinyscope-cli devices: the devices tinyscope can connect to (app/core's listDevices, the list
// the GUI's device panel offers too).
#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "app/core/device/device_list.h"

namespace tinyscope::cli {

int runDevices(const QStringList& args) {
  QCommandLineParser p;
  const QCommandLineOption ble(
      QStringLiteral("ble"),
      QStringLiteral("Also scan for BLE devices advertising the Nordic UART Service."));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
  p.addOption(ble);
  p.addOption(json);
  if (int c = parseVerbArgs(p, args, QStringLiteral("devices"),
                            QStringLiteral("List devices tinyscope can connect to."), 0, 0);
      c >= 0)
    return c;
  QString bleError;
  const QList<DeviceCandidate> devices = listDevices(p.isSet(ble), &bleError);
  if (p.isSet(json)) {
    QJsonArray list;
    for (const DeviceCandidate& d : devices) {
      QJsonObject o{{QStringLiteral("address"), d.address},
                    {QStringLiteral("description"), d.description}};
      if (d.address.startsWith(QLatin1String("serial:"))) {
        o[QStringLiteral("manufacturer")] = d.manufacturer;
        o[QStringLiteral("serial_number")] = d.serialNumber;
      }
      if (!d.usbId.isEmpty()) o[QStringLiteral("usb_id")] = d.usbId;
      if (d.address.startsWith(QLatin1String("ble:"))) o[QStringLiteral("rssi")] = d.rssi;
      list.append(o);
    }
    QJsonObject o{{QStringLiteral("devices"), list}};
    if (!bleError.isEmpty()) o[QStringLiteral("ble_error")] = bleError;
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    for (const DeviceCandidate& d : devices) {
      out() << d.address.leftJustified(28) << ' ' << d.description;
      if (!d.usbId.isEmpty()) out() << "  [USB " << d.usbId << ']';
      out() << '\n';
    }
    if (!bleError.isEmpty()) err() << "tinyscope-cli devices: " << bleError << Qt::endl;
  }
  out().flush();
  return kExitOk;
}

}  // namespace tinyscope::cli
