// record: one device stream into a dataset (app/core/recorder.h does the recording).
#include <unistd.h>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUuid>
#include <cmath>
#include <csignal>

#include "app/cli/cli_common.h"
#include "app/cli/device_connect.h"
#include "app/cli/ei_board_verbs.h"
#include "app/cli/verbs.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/recorder.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"

namespace tinyscope::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void onInterrupt(int) {
  g_interrupted = 1;
}

// A positive number of seconds (or Hz) from an option; 0 after printing one error line.
double positiveValue(const QCommandLineParser& p, const QCommandLineOption& o, int* code) {
  bool ok = false;
  const double v = p.value(o).toDouble(&ok);
  if (ok && v > 0 && std::isfinite(v)) return v;
  *code = fail(
      QStringLiteral("record"),
      QStringLiteral("--%1 '%2' is not a positive number").arg(o.names().constLast(), p.value(o)),
      kExitUsage);
  return 0;
}

// The name stored with the model's outputs: --model's file, the sim: address's model=, or the
// model in the device's active slot.
QString modelName(const QString& modelPath, const DeviceSession& session) {
  if (!modelPath.isEmpty()) return QFileInfo(modelPath).completeBaseName();
  const QString simModel = session.uri().option(QStringLiteral("model"));
  if (!simModel.isEmpty()) return QFileInfo(simModel).completeBaseName();
  const DeviceInfo info = session.info();
  for (size_t i = 0; i < info.hello.slots.size(); ++i)
    if (info.hello.slots[i].state == proto::SlotState::kActive &&
        !info.slotModelNames.value(static_cast<int>(i)).isEmpty())
      return info.slotModelNames.value(static_cast<int>(i));
  return QStringLiteral("active slot");
}

}  // namespace

int runRecord(const QStringList& args) {
  const QString verb = QStringLiteral("record");
  QCommandLineParser p;
  p.addOption(kDeviceOpt);
  p.addOption(kTimeoutOpt);
  const QCommandLineOption datasetOpt(QStringLiteral("dataset"),
                                      QStringLiteral("The dataset folder to record into."),
                                      QStringLiteral("DIR"));
  const QCommandLineOption create(QStringLiteral("create"),
                                  QStringLiteral("Create the dataset when DIR holds none."));
  const QCommandLineOption label(QStringLiteral("label"),
                                 QStringLiteral("Label every recorded sample with L."),
                                 QStringLiteral("L"));
  const QCommandLineOption name(
      QStringLiteral("name"), QStringLiteral("Sample name prefix (default: the label or sensor)."),
      QStringLiteral("NAME"));
  const QCommandLineOption& sensor = kSensorOpt;
  const QCommandLineOption& rate = kRateOpt;
  const QCommandLineOption duration(
      QStringLiteral("duration"),
      QStringLiteral("Seconds of device time to record (default 10; Ctrl-C ends it early)."),
      QStringLiteral("S"), QStringLiteral("10"));
  const QCommandLineOption sampleLength(QStringLiteral("sample-length"),
                                        QStringLiteral("Cut samples every S seconds (default 10)."),
                                        QStringLiteral("S"), QStringLiteral("10"));
  const QCommandLineOption chunk(
      QStringLiteral("chunk"),
      QStringLiteral("Commit every S seconds (default 2): a kill loses at most one chunk."),
      QStringLiteral("S"), QStringLiteral("2"));
  const QCommandLineOption inferEvery(
      QStringLiteral("infer-every"),
      QStringLiteral("Run the device's active model every N windows; store its outputs."),
      QStringLiteral("N"));
  const QCommandLineOption modelOpt(
      QStringLiteral("model"),
      QStringLiteral("The .tflite the device runs (names the outputs, bounds its tensors)."),
      QStringLiteral("PATH"));
  const QCommandLineOption capture(
      QStringLiteral("capture"),
      QStringLiteral("With --infer-every: all makes the device send its input and every op's "
                     "output with each result, so 'replay' can check them (default none)."),
      QStringLiteral("MODE"), QStringLiteral("none"));
  const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
  const QCommandLineOption failOnLoss(QStringLiteral("fail-on-loss"),
                                      QStringLiteral("Exit 1 when any sample was lost."));
  for (const auto& o : {datasetOpt, create, label, name, sensor, rate, duration, sampleLength,
                        chunk, inferEvery, modelOpt, json, failOnLoss, capture})
    p.addOption(o);
  if (int c = parseVerbArgs(
          p, args, verb,
          QStringLiteral("Record a device's sensor stream into a dataset: every window in order "
                         "with its device time, losses kept as gaps, samples cut at "
                         "--sample-length, committed in chunks."),
          0, 0);
      c >= 0)
    return c;
  if (!p.isSet(datasetOpt))
    return fail(verb, QStringLiteral("--dataset DIR is required"), kExitUsage);
  if (!p.isSet(kDeviceOpt))
    return fail(verb, QStringLiteral("--device URI is required (e.g. --device sim:)"), kExitUsage);
  int code = 0;
  const double seconds = positiveValue(p, duration, &code);
  if (code) return code;
  const double sampleSeconds = positiveValue(p, sampleLength, &code);
  if (code) return code;
  const double chunkSeconds = positiveValue(p, chunk, &code);
  if (code) return code;
  const double rateHz = p.isSet(rate) ? positiveValue(p, rate, &code) : 0;
  if (code) return code;
  int every = 0;
  if (p.isSet(inferEvery)) {
    bool ok = false;
    every = p.value(inferEvery).toInt(&ok);
    if (!ok || every < 1)
      return fail(verb,
                  QStringLiteral("--infer-every '%1' is not a positive number of windows")
                      .arg(p.value(inferEvery)),
                  kExitUsage);
  }
  if (p.value(capture) != QLatin1String("all") && p.value(capture) != QLatin1String("none"))
    return fail(verb, QStringLiteral("--capture '%1': use all or none").arg(p.value(capture)),
                kExitUsage);
  if (p.isSet(label) && p.value(label).trimmed().isEmpty())
    return fail(verb, QStringLiteral("--label is empty"), kExitUsage);

  QString error;
  const QString dir = p.value(datasetOpt);
  std::unique_ptr<dataset::DatasetStore> store =
      p.isSet(create) ? dataset::DatasetStore::openOrCreate(dir, &error)
                      : dataset::DatasetStore::open(dir, &error);
  if (!store)
    return fail(verb,
                p.isSet(create) ? error : error + QStringLiteral(" (--create makes a new dataset)"),
                kExitUsage);

  if (isEiAddress(p))  // samples taken on an Edge Impulse board
    return runEiRecord(verb, p, store.get(), p.value(label), seconds, sampleSeconds, p.isSet(json));

  runner::host::ModelFile model;
  runner::host::ModelSummary summary;
  if (p.isSet(modelOpt)) {
    std::string rerr;
    if (!runner::host::loadModelFile(p.value(modelOpt).toStdString(), &model, &rerr) ||
        !runner::host::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &rerr))
      return fail(verb, QString::fromStdString(rerr), kExitUsage);
  }
  // Every frame of the recording goes to <dataset>/sessions/<session id>.tsl ('replay' reads it).
  const QString sessionUuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
  const QString sessionsDir = QDir(store->dir()).filePath(QStringLiteral("sessions"));
  if (!QDir().mkpath(sessionsDir))
    return fail(verb, QStringLiteral("cannot create %1").arg(sessionsDir), kExitUsage);
  std::unique_ptr<session::SessionRecording> recording;
  auto session =
      connectRecorded(verb, p, QDir(sessionsDir).filePath(sessionUuid + QStringLiteral(".tsl")),
                      p.isSet(modelOpt) ? &model : nullptr, &recording, &code);
  if (!session) return code;
  const DeviceInfo info = session->info();
  const int at = sensorIndex(info, p.value(sensor));
  if (at < 0)
    return fail(verb,
                QStringLiteral("%1 has no sensor '%2' (see 'tinyscope-cli info')")
                    .arg(session->uri().text, p.value(sensor)),
                kExitUsage);
  const proto::SensorInfo& si = info.hello.sensors[static_cast<size_t>(at)];
  const double declaredHz = rateHz > 0 ? rateHz : si.rateMilliHz / 1000.0;
  if (declaredHz <= 0 || (si.maxRateMilliHz > 0 && declaredHz * 1000 > si.maxRateMilliHz + 0.5))
    return fail(verb,
                QStringLiteral("--rate %1 Hz is beyond sensor '%2' (max %3 Hz)")
                    .arg(declaredHz)
                    .arg(info.sensorNames.value(at))
                    .arg(si.maxRateMilliHz / 1000.0),
                kExitUsage);

  if (p.isSet(modelOpt)) session->setModel(&summary);

  RecorderOptions opt;
  opt.spec.sensor = info.sensorNames.value(at);
  opt.spec.name = p.isSet(name) ? p.value(name) : p.isSet(label) ? p.value(label) : opt.spec.sensor;
  opt.spec.axes = info.axisNames(at);
  opt.spec.units = info.axisUnits(at);
  opt.spec.rateHz = declaredHz;
  opt.spec.type = storedSampleType(si.sampleType);
  opt.spec.deviceName = info.boardName;
  opt.spec.deviceUri = session->uri().text;
  opt.spec.sessionUuid = sessionUuid;
  opt.spec.sessionStartedMs = QDateTime::currentMSecsSinceEpoch();
  if (p.isSet(label)) opt.spec.labels << p.value(label);
  opt.spec.metadata.insert(QStringLiteral("device_id"), info.deviceIdHex());
  opt.spec.metadata.insert(QStringLiteral("firmware"), info.firmwareVersion);
  opt.sampleSeconds = sampleSeconds;
  opt.chunkSeconds = std::min(chunkSeconds, sampleSeconds);
  opt.totalFrames = std::llround(seconds * declaredHz);
  opt.inferEvery = every;
  if (p.value(capture) == QLatin1String("all")) opt.inferCapture = proto::CaptureMode::kAllOps;
  if (every > 0) opt.modelName = modelName(p.value(modelOpt), *session);

  Recorder recorder(session.get(), store.get(), opt);
  QString deviceError;
  QObject::connect(session.get(), &DeviceSession::errorOccurred,
                   [&](const QString& e) { deviceError = e; });
  QEventLoop loop;
  QObject::connect(&recorder, &Recorder::done, &loop, &QEventLoop::quit);
  QObject::connect(session.get(), &DeviceSession::disconnected, &loop, &QEventLoop::quit);
  g_interrupted = 0;
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  QTimer poll;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  QElapsedTimer wall;
  wall.start();
  auto progressLine = [&] {
    const RecorderStats& s = recorder.stats();
    const double t = std::max(1e-3, static_cast<double>(wall.elapsed()) / 1000.0);
    return QStringLiteral("recording %1: %2 Hz, %3 samples, %4 frames, %5 lost in %6 gaps")
        .arg(opt.spec.sensor)
        .arg(QString::number(static_cast<double>(s.frames) / t, 'f', 1))
        .arg(s.samples)
        .arg(s.frames)
        .arg(s.lostFrames)
        .arg(s.gaps);
  };
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (g_interrupted) loop.quit();
    if (tty && wall.elapsed() % 500 < 100) err() << "\r" << progressLine() << "\x1b[K" << Qt::flush;
  });
  poll.start(100);
  // Device time decides the end; the wall clock only guards against a device that stalls.
  QTimer::singleShot(static_cast<int>(std::min(seconds * 2000 + 10000, 2e9)), &loop,
                     &QEventLoop::quit);
  const quint16 windowSamples = defaultWindowSamples(si, declaredHz);
  session->startStream(0, si.sensorId, static_cast<quint32>(declaredHz * 1000.0 + 0.5),
                       windowSamples);
  if (!recorder.isDone()) loop.exec();
  poll.stop();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (tty) err() << "\r\x1b[K" << Qt::flush;
  session->stopStream(0);
  session->spin(200);  // the last inference result, if one is on its way
  const bool written = recorder.finish(&error);
  QString sessionError;
  if (!recording->finish(&sessionError))
    err() << "tinyscope-cli record: " << sessionError << Qt::endl;

  const RecorderStats& s = recorder.stats();
  const StreamStats st = session->streams().value(0);
  QJsonArray ids;
  for (qint64 id : recorder.sampleIds()) ids.append(id);
  const QJsonObject o{
      {QStringLiteral("dataset"), dir},
      {QStringLiteral("device"), session->uri().text},
      {QStringLiteral("sensor"), opt.spec.sensor},
      {QStringLiteral("label"), p.value(label)},
      {QStringLiteral("rate_hz"), declaredHz},
      {QStringLiteral("measured_rate_hz"), st.measuredRateHz()},
      {QStringLiteral("windows"), static_cast<qint64>(s.windows)},
      {QStringLiteral("frames"), s.frames},
      {QStringLiteral("seconds"), static_cast<double>(s.frames + s.lostFrames) / declaredHz},
      {QStringLiteral("samples"), s.samples},
      {QStringLiteral("chunks"), ids.size()},
      {QStringLiteral("sample_ids"), ids},
      {QStringLiteral("gaps"), static_cast<qint64>(s.gaps)},
      {QStringLiteral("lost_frames"), s.lostFrames},
      {QStringLiteral("late_windows"), static_cast<qint64>(s.lateWindows)},
      {QStringLiteral("stream_restarts"), static_cast<qint64>(s.restarts)},
      {QStringLiteral("overruns_reported"), static_cast<qint64>(st.overrunsReported)},
      {QStringLiteral("outputs"), static_cast<qint64>(s.outputs)},
      {QStringLiteral("inference_failures"), static_cast<qint64>(s.inferenceFailures)},
      {QStringLiteral("interrupted"), g_interrupted != 0},
      {QStringLiteral("session_log"), recording->writer().path()}};
  if (p.isSet(json)) {
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << "recorded " << s.frames << " frames ("
          << QString::number(static_cast<double>(s.frames) / declaredHz, 'f', 2) << " s) of "
          << opt.spec.sensor << " in " << s.samples << " samples (" << ids.size()
          << " chunks) into " << dir << "; " << s.lostFrames << " frames lost in " << s.gaps
          << " gaps";
    if (every > 0) out() << ", " << s.outputs << " model outputs";
    out() << "\n";
  }
  out().flush();
  if (!written) return fail(verb, error, kExitFailed);
  if (s.inferenceFailures > 0 && s.outputs == 0)
    err() << "tinyscope-cli record: " << s.inferenceFailures
          << " inference requests failed and none answered; the last: " << s.lastInferenceError
          << Qt::endl;
  if (s.windows == 0)
    return fail(
        verb,
        QStringLiteral("%1 sent no sensor windows%2")
            .arg(session->uri().text,
                 deviceError.isEmpty() ? QString() : QStringLiteral(" (") + deviceError + ')'),
        kExitFailed);
  const bool lossy = s.lostFrames > 0 || s.lateWindows > 0 || st.overrunsReported > 0;
  return (p.isSet(failOnLoss) && lossy) ? kExitFailed : kExitOk;
}

}  // namespace tinyscope::cli
