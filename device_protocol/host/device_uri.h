#pragma once
// DeviceUri: every device is an address.
//   serial:/dev/ttyACM0?baud=921600   ble:AA:BB:CC:DD:EE:FF   tcp:127.0.0.1:5555
//   sim:?model=PATH&sensor=imu        qemu:?board=mps2-an386&image=PATH&model=PATH
// serial:, tcp: and ble: take mode=text for boards that print numbers and run no agent
// (rate=HZ then overrides the measured sample rate), and mode=ei for boards running Edge
// Impulse's standard firmware, reached through its AT commands (ei_at_protocol.h).
//   (qemu: also slot=N for model=, icount=1 for instruction-count timing)
// Value type; any thread.
#include <QString>
#include <QUrlQuery>

namespace tinyscope::link {

// The sim: options that are the simulated agent's own command-line options: sim:?KEY=VALUE
// starts `tinyscope-agent --KEY VALUE`. sim: also takes agent=PATH (which program) and
// slots=DIR (where its slots live), which the launcher reads itself.
inline constexpr const char* kSimAgentOptions[] = {"model", "sensor", "rate",     "wav",      "csv",
                                                   "arena", "baud",   "fault-op", "front-end"};

struct DeviceUri {
  enum class Kind { kSerial, kBle, kTcp, kSimulator, kQemu };
  Kind kind = Kind::kSimulator;
  QString text;      // as given by the user
  QString target;    // serial: device path; ble: MAC address; tcp: host
  quint16 port = 0;  // tcp only
  QUrlQuery options;

  QString option(const QString& key, const QString& fallback = {}) const {
    return options.hasQueryItem(key) ? options.queryItemValue(key, QUrl::FullyDecoded) : fallback;
  }
  bool textMode() const { return option(QStringLiteral("mode")) == QLatin1String("text"); }
  bool eiMode() const { return option(QStringLiteral("mode")) == QLatin1String("ei"); }
};

// Parses a device address. On failure returns false and sets *error to one sentence
// naming what is wrong ("tcp: port '99999' is not a number between 1 and 65535").
bool parseDeviceUri(const QString& text, DeviceUri* uri, QString* error);

}  // namespace tinyscope::link
