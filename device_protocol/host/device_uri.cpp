#include "device_protocol/host/device_uri.h"

#include <QRegularExpression>

namespace tinyscope::link {

namespace {

// Splits "head?query" and checks the query's keys against the ones the scheme knows.
bool splitOptions(const QString& scheme, const QString& rest, const QStringList& known,
                  QString* head, QUrlQuery* query, QString* error) {
  const int q = rest.indexOf(QLatin1Char('?'));
  *head = q < 0 ? rest : rest.left(q);
  *query = QUrlQuery(q < 0 ? QString() : rest.mid(q + 1));
  for (const auto& item : query->queryItems()) {
    if (!known.contains(item.first)) {
      *error =
          QStringLiteral("%1: unknown option '%2' (known: %3)")
              .arg(scheme, item.first,
                   known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")));
      return false;
    }
  }
  return true;
}

}  // namespace

bool parseDeviceUri(const QString& text, DeviceUri* uri, QString* error) {
  const QString t = text.trimmed();
  const int colon = t.indexOf(QLatin1Char(':'));
  if (colon <= 0) {
    *error =
        QStringLiteral("device address '%1' has no scheme: use serial:, ble:, tcp:, sim: or qemu:")
            .arg(t);
    return false;
  }
  const QString scheme = t.left(colon).toLower();
  const QString rest = t.mid(colon + 1);
  DeviceUri u;
  u.text = t;
  QString head;
  if (scheme == QLatin1String("serial")) {
    u.kind = DeviceUri::Kind::kSerial;
    if (!splitOptions(scheme, rest,
                      {QStringLiteral("baud"), QStringLiteral("mode"), QStringLiteral("rate")},
                      &head, &u.options, error))
      return false;
    if (head.isEmpty()) {
      *error = QStringLiteral("serial: no port given (e.g. serial:/dev/ttyACM0?baud=921600)");
      return false;
    }
    bool ok = true;
    const int baud = u.option(QStringLiteral("baud"), QStringLiteral("115200")).toInt(&ok);
    if (!ok || baud <= 0) {
      *error = QStringLiteral("serial: baud '%1' is not a positive number")
                   .arg(u.option(QStringLiteral("baud")));
      return false;
    }
    u.target = head;
  } else if (scheme == QLatin1String("ble")) {
    u.kind = DeviceUri::Kind::kBle;
    if (!splitOptions(scheme, rest, {QStringLiteral("mode"), QStringLiteral("rate")}, &head,
                      &u.options, error))
      return false;
    static const QRegularExpression mac(QStringLiteral("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"));
    if (!mac.match(head).hasMatch()) {
      *error =
          QStringLiteral("ble: '%1' is not a Bluetooth address like AA:BB:CC:DD:EE:FF").arg(head);
      return false;
    }
    u.target = head.toUpper();
  } else if (scheme == QLatin1String("tcp")) {
    u.kind = DeviceUri::Kind::kTcp;
    if (!splitOptions(scheme, rest, {QStringLiteral("mode"), QStringLiteral("rate")}, &head,
                      &u.options, error))
      return false;
    const int pc = head.lastIndexOf(QLatin1Char(':'));
    if (pc <= 0) {
      *error = QStringLiteral("tcp: '%1' is not HOST:PORT (e.g. tcp:127.0.0.1:5555)").arg(head);
      return false;
    }
    bool ok = false;
    const int port = head.mid(pc + 1).toInt(&ok);
    if (!ok || port < 1 || port > 65535) {
      *error = QStringLiteral("tcp: port '%1' is not a number between 1 and 65535")
                   .arg(head.mid(pc + 1));
      return false;
    }
    u.target = head.left(pc);
    u.port = static_cast<quint16>(port);
  } else if (scheme == QLatin1String("sim")) {
    u.kind = DeviceUri::Kind::kSimulator;
    QStringList known;
    for (const char* key : kSimAgentOptions) known << QString::fromLatin1(key);
    known << QStringLiteral("agent") << QStringLiteral("slots");
    if (!splitOptions(scheme, rest, known, &head, &u.options, error)) return false;
    if (!head.isEmpty()) {
      *error = QStringLiteral("sim: takes options only, e.g. sim:?sensor=imu&model=PATH");
      return false;
    }
  } else if (scheme == QLatin1String("qemu")) {
    u.kind = DeviceUri::Kind::kQemu;
    if (!splitOptions(scheme, rest,
                      {QStringLiteral("board"), QStringLiteral("image"), QStringLiteral("model"),
                       QStringLiteral("slot"), QStringLiteral("icount"),
                       QStringLiteral("front-end"), QStringLiteral("wav")},
                      &head, &u.options, error))
      return false;
    if (!head.isEmpty()) {
      *error = QStringLiteral("qemu: takes options only, e.g. qemu:?board=mps2-an386&model=PATH");
      return false;
    }
  } else {
    *error = QStringLiteral("unknown device scheme '%1': use serial:, ble:, tcp:, sim: or qemu:")
                 .arg(scheme);
    return false;
  }
  // Text mode: the board prints numbers per line and runs no agent; ei: Edge Impulse firmware.
  const QString mode = u.option(QStringLiteral("mode"), QStringLiteral("binary"));
  if (mode != QLatin1String("binary") && mode != QLatin1String("text") &&
      mode != QLatin1String("ei")) {
    *error = QStringLiteral("%1: mode '%2' is not binary, text or ei").arg(scheme, mode);
    return false;
  }
  if (u.options.hasQueryItem(QStringLiteral("rate"))) {
    bool ok = false;
    const double hz = u.option(QStringLiteral("rate")).toDouble(&ok);
    if (!ok || hz <= 0) {
      *error = QStringLiteral("%1: rate '%2' is not a positive number of Hz")
                   .arg(scheme, u.option(QStringLiteral("rate")));
      return false;
    }
  }
  *uri = u;
  return true;
}

}  // namespace tinyscope::link
