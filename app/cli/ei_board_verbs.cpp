#include "app/cli/ei_board_verbs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

#include "app/cli/cli_common.h"
#include "app/cli/device_connect.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/ei_session.h"

namespace tinyscope::cli {

namespace {

// The connected board, or nullptr after one error line (*code set).
std::unique_ptr<EiSession> connectEi(const QString& verb, const QCommandLineParser& p, int* code) {
  link::DeviceUri uri;
  QString error;
  if (!link::parseDeviceUri(p.value(kDeviceOpt), &uri, &error)) {
    *code = fail(verb, error, kExitUsage);
    return nullptr;
  }
  std::unique_ptr<link::Transport> transport = createTransport(uri, &error);
  if (!transport) {
    *code = fail(verb, error, kExitUsage);
    return nullptr;
  }
  auto session = std::make_unique<EiSession>(uri, std::move(transport));
  if (!session->connectBlocking(&error)) {
    *code = fail(verb, error, kExitFailed);
    return nullptr;
  }
  return session;
}

}  // namespace

bool isEiAddress(const QCommandLineParser& p) {
  link::DeviceUri uri;
  QString unused;
  return p.isSet(kDeviceOpt) && link::parseDeviceUri(p.value(kDeviceOpt), &uri, &unused) &&
         uri.eiMode();
}

int runEiInfo(const QCommandLineParser& p, bool json) {
  int code = 0;
  auto session = connectEi(QStringLiteral("info"), p, &code);
  if (!session) return code;
  const link::EiDeviceConfig& c = session->config();
  const DeviceInfo info = session->info();
  QJsonArray sensors;
  for (int i = 0; i < c.sensors.size(); ++i) {
    QJsonArray freqs;
    for (double f : c.sensors[i].frequenciesHz) freqs.append(f);
    sensors.append(
        QJsonObject{{QStringLiteral("id"), i},
                    {QStringLiteral("name"), info.sensorNames.value(i)},
                    {QStringLiteral("max_sample_length_s"), c.sensors[i].maxSampleLengthS},
                    {QStringLiteral("frequencies_hz"), freqs}});
  }
  const QJsonObject o{{QStringLiteral("device"), session->uri().text},
                      {QStringLiteral("board"), info.boardName},
                      {QStringLiteral("device_id"), QString::fromLatin1(c.id.toLatin1())},
                      {QStringLiteral("firmware_version"), info.firmwareVersion},
                      {QStringLiteral("transfer_baud"), c.transferBaud},
                      {QStringLiteral("sensors"), sensors}};
  if (json) {
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
    out().flush();
    return kExitOk;
  }
  out() << "device      " << session->uri().text << "\n"
        << "board       " << info.boardName << " (id " << o[QStringLiteral("device_id")].toString()
        << ")\n"
        << "firmware    " << info.firmwareVersion << ", transfers at "
        << (c.transferBaud > 0 ? c.transferBaud : link::kEiDefaultBaud) << " baud\n";
  for (const QJsonValue& v : sensors) {
    const QJsonObject s = v.toObject();
    QStringList hz;
    for (const QJsonValue& f : s[QStringLiteral("frequencies_hz")].toArray())
      hz.append(QString::number(f.toDouble()));
    out() << "sensor " << s[QStringLiteral("id")].toInt() << "    "
          << s[QStringLiteral("name")].toString() << ": " << hz.join(QStringLiteral(", "))
          << " Hz, samples up to " << s[QStringLiteral("max_sample_length_s")].toDouble() << " s\n";
  }
  out().flush();
  return kExitOk;
}

int runEiRecord(const QString& verb, const QCommandLineParser& p, dataset::DatasetStore* store,
                const QString& label, double seconds, double sampleSeconds, bool json) {
  if (label.isEmpty())
    return fail(verb, QStringLiteral("an Edge Impulse board needs --label for its samples"),
                kExitUsage);
  int code = 0;
  auto session = connectEi(verb, p, &code);
  if (!session) return code;
  const link::EiDeviceConfig& c = session->config();
  int sensor = 0;
  if (p.isSet(kSensorOpt)) {
    bool ok = false;
    sensor = p.value(kSensorOpt).toInt(&ok);
    if (!ok || sensor < 0 || sensor >= c.sensors.size())
      return fail(verb,
                  QStringLiteral("--sensor '%1': the board has sensors 0..%2")
                      .arg(p.value(kSensorOpt))
                      .arg(c.sensors.size() - 1),
                  kExitUsage);
  }
  if (c.sensors.isEmpty())
    return fail(verb, QStringLiteral("the board lists no sensor"), kExitFailed);
  // Samples of --sample-length until --duration is covered (the last one shorter).
  const qint64 totalMs = std::llround(seconds * 1000.0);
  const qint64 eachMs = std::max<qint64>(1, std::llround(sampleSeconds * 1000.0));
  QJsonArray ids;
  qint64 frames = 0;
  for (qint64 doneMs = 0; doneMs < totalMs; doneMs += eachMs) {
    EiSampleRequest r;
    r.sensor = c.sensors[sensor].name;
    r.label = label;
    r.lengthMs = std::min(eachMs, totalMs - doneMs);
    EiSample sample;
    QString error;
    if (!session->sampleBlocking(r, &sample, &error)) return fail(verb, error, kExitFailed);
    qint64 id = 0;
    if (!storeEiSample(store, sample, session->uri().text, &id, &error))
      return fail(verb, error, kExitFailed);
    ids.append(id);
    frames += sample.recording.frameCount();
    if (!json)
      out() << "sample " << id << ": " << sample.recording.frameCount() << " frames at "
            << sample.recording.rateHz() << " Hz, label " << label << ", "
            << dataset::formats::signatureStatusText(sample.signature) << "\n";
  }
  if (json) {
    out() << QJsonDocument(QJsonObject{{QStringLiteral("samples"), ids},
                                       {QStringLiteral("frames"), frames},
                                       {QStringLiteral("device"), session->uri().text}})
                 .toJson(QJsonDocument::Indented);
  } else {
    out() << "recorded " << ids.size() << " samples (" << frames << " frames) into " << store->dir()
          << "\n";
  }
  out().flush();
  return kExitOk;
}

}  // namespace tinyscope::cli
