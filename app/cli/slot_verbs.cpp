// tinyscope-cli confirm / rollback / reset: the model-slot commands after a flash (the A/B
// test -> confirm -> revert flow of docs/PROTOCOL.md "Flashing").
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli_common.h"
#include "app/cli/device_connect.h"
#include "app/cli/verbs.h"

namespace tinyscope::cli {

namespace {

// Sends `request` and waits for its Ack; false with *error (one sentence) on a Nack,
// a timeout or a lost link, except that for Reset the link dropping counts as done (the
// device may reboot before its Ack crosses the link).
template <class T>
bool requestAck(DeviceSession& session, const T& request, const QString& what, int timeoutMs,
                proto::Ack* ack, QString* error) {
  const quint16 id = session.send(request);
  if (id == 0) {
    *error = QStringLiteral("%1: cannot send to the device (link closed)").arg(session.uri().text);
    return false;
  }
  QEventLoop loop;
  bool ok = false;
  bool dropped = false;
  QObject::connect(&session, &DeviceSession::disconnected, &loop, [&] { dropped = true; });
  session.router().expect<proto::Ack>(
      id, what, timeoutMs,
      [&](const proto::Ack& a) {
        *ack = a;
        ok = true;
        loop.quit();
      },
      [&](const proto::Nack& n) {
        *error = QStringLiteral("%1: %2").arg(session.uri().text, DeviceSession::describeNack(n));
        loop.quit();
      },
      [&](const QString& why) {
        *error = QStringLiteral("%1: %2").arg(session.uri().text, why);
        loop.quit();
      });
  loop.exec();
  if (!ok && dropped && T::kType == proto::MessageType::kReset) {
    ack->value = 0;
    return true;
  }
  return ok;
}

template <class T>
int slotCommand(const QStringList& args, const char* verbName, const char* summary,
                const char* done) {
  const QString verb = QString::fromLatin1(verbName);
  QCommandLineParser p;
  p.addOption(kDeviceOpt);
  p.addOption(kTimeoutOpt);
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
  p.addOption(json);
  if (int c = parseVerbArgs(p, args, verb, QString::fromUtf8(summary), 0, 0); c >= 0) return c;
  int code = 0;
  auto session = connectDevice(verb, p, &code);
  if (!session) return code;
  proto::Ack ack;
  QString error;
  if (!requestAck(*session, T(), QString::fromLatin1(proto::messageTypeName(T::kType)), 15000, &ack,
                  &error))
    return fail(verb, error, kExitFailed);
  if (p.isSet(json)) {
    out() << QJsonDocument(QJsonObject{{QStringLiteral("device"), session->uri().text},
                                       {QStringLiteral("value"), static_cast<qint64>(ack.value)}})
                 .toJson(QJsonDocument::Compact)
          << "\n";
  } else {
    out() << QString::fromUtf8(done).arg(ack.value) << "\n";
  }
  out().flush();
  return kExitOk;
}

}  // namespace

int runConfirm(const QStringList& args) {
  return slotCommand<proto::Confirm>(
      args, "confirm",
      "Make the model in test state permanent (after flash --no-confirm or a manual test).",
      "slot %1 confirmed: it stays active across resets");
}

int runRollback(const QStringList& args) {
  return slotCommand<proto::Rollback>(args, "rollback",
                                      "Return to the model that was active before the current one.",
                                      "slot %1 is active again");
}

int runReset(const QStringList& args) {
  return slotCommand<proto::Reset>(
      args, "reset",
      "Reboot the device; a model in test state (not confirmed) is reverted at boot.",
      "reset requested (acknowledged); the device reboots");
}

}  // namespace tinyscope::cli
