// tinyscope-cli flash: put a .tflite into a model slot of a device and activate it.
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli_common.h"
#include "app/cli/device_connect.h"
#include "app/cli/verbs.h"
#include "app/core/device/device_session.h"
#include "app/core/device/model_flasher.h"
#include "model_runner/host/file_io.h"

namespace tinyscope::cli {

int runFlash(const QStringList& args) {
  const QString verb = QStringLiteral("flash");
  QCommandLineParser p;
  const QCommandLineOption slot(
      QStringLiteral("slot"),
      QStringLiteral("Model slot to write: auto (default: the first slot that is not active) or "
                     "a slot number."),
      QStringLiteral("auto|N"), QStringLiteral("auto"));
  const QCommandLineOption noActivate(
      QStringLiteral("no-activate"),
      QStringLiteral("Write and verify only; keep the active model."));
  const QCommandLineOption testOnly(
      QStringLiteral("test-only"),
      QStringLiteral("Same as --no-activate: write and verify, keep the active model."));
  const QCommandLineOption noConfirm(
      QStringLiteral("no-confirm"),
      QStringLiteral("Activate in test state only: a reset returns to the previous model until "
                     "'confirm'."));
  const QCommandLineOption name(
      QStringLiteral("name"),
      QStringLiteral("Model name stored with the slot (default: the file name)."),
      QStringLiteral("NAME"));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
  const QCommandLineOption flashTimeout(
      QStringLiteral("flash-timeout"),
      QStringLiteral("Seconds the whole flash may take, 1..86400 (default 600)."),
      QStringLiteral("S"), QStringLiteral("600"));
  const QCommandLineOption requestTimeout(
      QStringLiteral("request-timeout"),
      QStringLiteral("Milliseconds to wait for each answer before resending, 10..60000 (default "
                     "3000; a lossy link wants less)."),
      QStringLiteral("MS"), QStringLiteral("3000"));
  const QCommandLineOption retries(
      QStringLiteral("retries"),
      QStringLiteral("Resends of one request in a row before giving up, 0..100 (default 4; with "
                     "backoff when the device answers without progress)."),
      QStringLiteral("N"), QStringLiteral("4"));
  for (const auto& o : {kDeviceOpt, slot, noActivate, testOnly, noConfirm, name, json, kTimeoutOpt,
                        flashTimeout, requestTimeout, retries})
    p.addOption(o);
  p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The .tflite file to flash."));
  if (int c = parseVerbArgs(
          p, args, verb,
          QStringLiteral(
              "Flash a model into a device's model slot (resumable, SHA-256 checked) and "
              "activate it after the device's self-test. "
              "An interrupted transfer continues at the device's offset next time."),
          1, 1);
      c >= 0)
    return c;
  const QString modelPath = p.positionalArguments().at(0);
  std::vector<uint8_t> bytes;  // regular files only, at most kMaxModelFileBytes
  std::string readError;
  if (!runner::host::readBinaryFile(modelPath.toStdString(), &bytes, &readError))
    return fail(verb, QString::fromStdString(readError), kExitUsage);
  const QByteArray model(reinterpret_cast<const char*>(bytes.data()),
                         static_cast<int>(bytes.size()));
  if (model.isEmpty())
    return fail(verb, QStringLiteral("'%1' is empty").arg(modelPath), kExitUsage);
  bool ok = false;
  const double flashS = p.value(flashTimeout).toDouble(&ok);
  if (!ok || !(flashS >= 1 && flashS <= 86400))
    return fail(verb,
                QStringLiteral("--flash-timeout '%1' is not a number of seconds in 1..86400")
                    .arg(p.value(flashTimeout)),
                kExitUsage);
  const int requestMs = p.value(requestTimeout).toInt(&ok);
  if (!ok || requestMs < 10 || requestMs > 60000)
    return fail(verb,
                QStringLiteral("--request-timeout '%1' is not a number of milliseconds in "
                               "10..60000")
                    .arg(p.value(requestTimeout)),
                kExitUsage);
  const int retryCount = p.value(retries).toInt(&ok);
  if (!ok || retryCount < 0 || retryCount > 100)
    return fail(verb,
                QStringLiteral("--retries '%1' is not a count in 0..100").arg(p.value(retries)),
                kExitUsage);
  int slotIndex = -1;  // auto
  if (p.value(slot) != QLatin1String("auto")) {
    slotIndex = p.value(slot).toInt(&ok);
    if (!ok || slotIndex < 0 || slotIndex >= static_cast<int>(proto::kMaxSlots))
      return fail(verb,
                  QStringLiteral("--slot '%1' is not 'auto' or a slot number 0..%2")
                      .arg(p.value(slot))
                      .arg(proto::kMaxSlots - 1),
                  kExitUsage);
  }

  int code = kExitOk;
  const std::unique_ptr<DeviceSession> connected = connectDevice(verb, p, &code);
  if (!connected) return code;
  DeviceSession& session = *connected;
  QString error;

  const DeviceInfo info = session.info();  // a copy: never a reference across a re-handshake
  const proto::HelloReply& hello = info.hello;
  if (hello.slots.size() == 0)
    return fail(verb, QStringLiteral("%1: the device has no model slots").arg(p.value(kDeviceOpt)),
                kExitFailed);
  if (slotIndex < 0) {
    for (size_t i = 0; i < hello.slots.size() && slotIndex < 0; ++i)
      if (hello.slots[i].state != proto::SlotState::kActive &&
          hello.slots[i].state != proto::SlotState::kTesting)
        slotIndex = hello.slots[i].slot;
    if (slotIndex < 0) slotIndex = hello.slots[0].slot;
  } else {
    bool known = false;
    for (size_t i = 0; i < hello.slots.size(); ++i)
      known = known || hello.slots[i].slot == slotIndex;
    if (!known)
      return fail(
          verb,
          QStringLiteral("%1: the device has no slot %2").arg(p.value(kDeviceOpt)).arg(slotIndex),
          kExitUsage);
  }

  FlashOptions options;
  options.slot = static_cast<quint8>(slotIndex);
  options.activate = !p.isSet(noActivate) && !p.isSet(testOnly);
  options.confirm = !p.isSet(noConfirm);
  options.modelName = p.isSet(name) ? p.value(name) : QFileInfo(modelPath).completeBaseName();
  options.requestTimeoutMs = requestMs;
  options.slowRequestTimeoutMs = qMax(options.slowRequestTimeoutMs, requestMs);
  options.retries = retryCount;
  ModelFlasher flasher(&session);
  int lastDecile = -1;
  if (!p.isSet(json)) {
    QObject::connect(&flasher, &ModelFlasher::progress, [&](quint32 offset, quint32 total) {
      const int decile = total == 0 ? 10 : static_cast<int>(10ull * offset / total);
      if (decile == lastDecile) return;
      lastDecile = decile;
      err() << "flash: " << offset << " / " << total << " bytes (" << decile * 10 << " %)"
            << Qt::endl;
    });
  }
  const bool flashed =
      flasher.flashBlocking(model, options, static_cast<int>(flashS * 1000), &error);
  const FlashReport& r = flasher.report();
  if (!flashed) return fail(verb, error, r.refusedBeforeSending ? kExitUsage : kExitFailed);

  const double seconds = static_cast<double>(r.elapsedMs) / 1000.0;
  const double transferS = static_cast<double>(r.transferMs) / 1000.0;
  // Effective rate: payload bytes over the time from the first chunk to the last Ack. The
  // wire rate is known when the address names a baud rate (8N1: baud / 10 bytes/s).
  const double rate = r.transferMs > 0 ? r.bytesSent / transferS : 0.0;
  const link::DeviceUri& uri = session.uri();
  const double wire = uri.options.hasQueryItem(QStringLiteral("baud"))
                          ? uri.option(QStringLiteral("baud")).toDouble() / 10.0
                          : 0.0;
  const QString crcText = QStringLiteral("%1").arg(r.crc32, 8, 16, QLatin1Char('0'));
  if (p.isSet(json)) {
    QJsonObject o{
        {QStringLiteral("device"), p.value(kDeviceOpt)},
        {QStringLiteral("model"), modelPath},
        {QStringLiteral("slot"), slotIndex},
        {QStringLiteral("bytes"), static_cast<qint64>(r.size)},
        {QStringLiteral("crc32"), crcText},
        {QStringLiteral("sha256"), r.sha256},
        {QStringLiteral("resumed_from"), static_cast<qint64>(r.resumedFrom)},
        {QStringLiteral("resume_refused"), r.resumeRefused},
        {QStringLiteral("resume_seconds"), static_cast<double>(r.resumeMs) / 1000.0},
        {QStringLiteral("bytes_sent"), static_cast<qint64>(r.bytesSent)},
        {QStringLiteral("transfer_seconds"), transferS},
        {QStringLiteral("bytes_per_second"), rate > 0 ? QJsonValue(rate) : QJsonValue()},
        {QStringLiteral("wire_bytes_per_second"), wire > 0 ? QJsonValue(wire) : QJsonValue()},
        {QStringLiteral("wire_percent"),
         wire > 0 && rate > 0 ? QJsonValue(100.0 * rate / wire) : QJsonValue()},
        {QStringLiteral("retries"), r.chunkRetries},
        {QStringLiteral("activated"), r.activated},
        {QStringLiteral("confirmed"), r.confirmed},
        {QStringLiteral("seconds"), seconds}};
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << "flashed     " << modelPath << " (" << r.size << " bytes, crc32 " << crcText
          << ") into slot " << slotIndex << " of " << p.value(kDeviceOpt) << "\n"
          << "image       sha256 " << r.sha256 << " (model image header + .tflite)\n"
          << "transfer    " << r.bytesSent << " bytes in " << QString::number(transferS, 'f', 2)
          << " s";
    if (rate > 0) out() << ", " << QString::number(rate / 1024.0, 'f', 1) << " KiB/s effective";
    if (rate > 0 && wire > 0)
      out() << " = " << QString::number(100.0 * rate / wire, 'f', 1) << " % of the "
            << uri.option(QStringLiteral("baud")) << "-baud wire";
    out() << ", " << r.chunkRetries << (r.chunkRetries == 1 ? " retry" : " retries");
    if (r.resumedFrom > 0) out() << ", resumed at byte " << r.resumedFrom;
    if (r.resumeRefused) out() << ", restarted (the device held other bytes)";
    out() << "\n"
          << "whole flash " << QString::number(seconds, 'f', 2)
          << " s (slot check, transfer, verify, self-test, confirm)\n"
          << "slot " << slotIndex << "      "
          << (!r.activated  ? "verified (not activated)"
              : r.confirmed ? "verified and active"
                            : "verified, active in test state (confirm or reset)")
          << "\n";
  }
  out().flush();
  return kExitOk;
}

}  // namespace tinyscope::cli
