// Verbs that talk to a device: info, stream, infer.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <cmath>

#include "app/cli/cli_common.h"
#include "app/cli/device_connect.h"
#include "app/cli/ei_board_verbs.h"
#include "app/cli/infer_pipeline.h"
#include "app/cli/input_options.h"
#include "app/cli/verbs.h"
#include "app/core/dataset/formats/csv_format.h"
#include "app/core/device/device_compatibility.h"
#include "app/core/device/device_dump.h"
#include "app/core/device/device_session.h"
#include "app/core/device/device_transport.h"
#include "app/core/device/model_image_file.h"
#include "app/core/device/slot_table_model.h"
#include "app/core/device/text_stream.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_dump.h"

namespace tinyscope::cli {

const QCommandLineOption kDeviceOpt(
    QStringList{QStringLiteral("d"), QStringLiteral("device")},
    QStringLiteral("Device address: sim:, qemu:, serial:PATH?baud=N, tcp:HOST:PORT, ble:MAC."),
    QStringLiteral("URI"));
const QCommandLineOption kSensorOpt(QStringLiteral("sensor"),
                                    QStringLiteral("Sensor id (default 0)."), QStringLiteral("ID"),
                                    QStringLiteral("0"));
const QCommandLineOption kRateOpt(QStringLiteral("rate"),
                                  QStringLiteral("Sample rate in Hz (default: the sensor's)."),
                                  QStringLiteral("HZ"));
const QCommandLineOption kTimeoutOpt(QStringLiteral("timeout"),
                                     QStringLiteral("Handshake timeout in seconds (default 10)."),
                                     QStringLiteral("S"), QStringLiteral("10"));

const QCommandLineOption kSessionOpt(
    QStringLiteral("session"),
    QStringLiteral("Record every frame both ways to FILE (a session log for 'replay'); the model "
                   "is stored by SHA-256 in a models folder beside it."),
    QStringLiteral("FILE"));

namespace {
std::unique_ptr<DeviceSession> openAndConnect(const QString& verb, const QCommandLineParser& p,
                                              const QString& sessionPath,
                                              std::unique_ptr<session::SessionRecording>* recording,
                                              int* code) {
  if (!p.isSet(kDeviceOpt)) {
    *code = fail(verb, QStringLiteral("--device URI is required (e.g. --device sim:)"), kExitUsage);
    return nullptr;
  }
  QString error;
  auto link = openDeviceLink(p.value(kDeviceOpt), &error);
  if (!link) {
    *code = fail(verb, error, kExitUsage);
    return nullptr;
  }
  auto session = std::make_unique<DeviceSession>(std::move(link));
  QObject::connect(session.get(), &DeviceSession::diagnostic, [](const QString& line) {
    if (qEnvironmentVariableIsSet("TINYSCOPE_VERBOSE")) err() << "device: " << line << Qt::endl;
  });
  QObject::connect(session.get(), &DeviceSession::deviceLog, [](int, const QString& text) {
    if (qEnvironmentVariableIsSet("TINYSCOPE_VERBOSE")) err() << "device log: " << text << Qt::endl;
  });
  bool ok = false;
  const double seconds = p.value(kTimeoutOpt).toDouble(&ok);
  if (!ok || !(seconds > 0 && seconds <= 3600)) {
    *code = fail(verb,
                 QStringLiteral("--timeout '%1' is not a number of seconds in (0, 3600]")
                     .arg(p.value(kTimeoutOpt)),
                 kExitUsage);
    return nullptr;
  }
  if (!sessionPath.isEmpty())
    *recording = std::make_unique<session::SessionRecording>(session.get(), sessionPath);
  if (!session->connectBlocking(static_cast<int>(seconds * 1000), &error)) {
    if (recording) recording->reset();  // before the session it records goes
    *code = fail(verb, error, kExitFailed);
    return nullptr;
  }
  return session;
}

}  // namespace

std::unique_ptr<DeviceSession> connectDevice(const QString& verb, const QCommandLineParser& p,
                                             int* code) {
  return openAndConnect(verb, p, QString(), nullptr, code);
}

std::unique_ptr<DeviceSession> connectRecorded(
    const QString& verb, const QCommandLineParser& p, const QString& path,
    const runner::host::ModelFile* model, std::unique_ptr<session::SessionRecording>* recording,
    int* code) {
  auto session = openAndConnect(verb, p, path, recording, code);
  if (!session || !*recording) return session;
  QString error;
  if (!(*recording)->begin(model, session::ModelStore::forSession(path), &error)) {
    recording->reset();
    *code = fail(verb, error, kExitUsage);
    return nullptr;
  }
  return session;
}

int sensorIndex(const DeviceInfo& info, const QString& idText) {
  bool ok = false;
  const int id = idText.toInt(&ok);
  for (size_t i = 0; ok && i < info.hello.sensors.size(); ++i)
    if (info.hello.sensors[i].sensorId == id) return static_cast<int>(i);
  return -1;
}

namespace {

const QCommandLineOption kJsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));

// stream --csv: tinyscope's CSV flavour (csv_format.h) written window by window: the header
// once, then one row per sample stamped with its device time. The first error stops the rows.
class CsvRows {
 public:
  explicit CsvRows(QFile* file) : m_file(file) {}
  bool started() const { return m_writer != nullptr; }
  void start(const QVector<dataset::formats::Axis>& axes) {
    if (!m_file->isOpen()) return;
    m_writer = std::make_unique<dataset::formats::CsvWriter>(
        m_file, dataset::formats::CsvFlavour::kTinyscope, axes);
    if (!m_writer->writeHeader()) setError();
  }
  // usPerSample: the time between two rows of the window (0: all rows share its timestamp).
  void write(const SensorWindowData& w, double usPerSample) {
    if (!m_writer || !m_error.isEmpty()) return;
    QVector<double> row(w.channels);
    for (int i = 0; i < w.samples; ++i) {
      for (int c = 0; c < w.channels; ++c) row[c] = w.sample(i, c);
      const quint64 us = w.timestampUs + static_cast<quint64>(std::llround(i * usPerSample));
      if (!m_writer->writeRow(us, row.constData(), w.channels)) return setError();
    }
  }
  const QString& error() const { return m_error; }

 private:
  void setError() {
    m_error = QStringLiteral("cannot write '%1': %2").arg(m_file->fileName(), m_writer->error());
  }
  QFile* m_file;
  std::unique_ptr<dataset::formats::CsvWriter> m_writer;
  QString m_error;
};

QString elementTypeName(proto::ElementType t) {
  switch (t) {
    case proto::ElementType::kInt8:
      return QStringLiteral("int8");
    case proto::ElementType::kUInt8:
      return QStringLiteral("uint8");
    case proto::ElementType::kInt16:
      return QStringLiteral("int16");
    case proto::ElementType::kUInt16:
      return QStringLiteral("uint16");
    case proto::ElementType::kInt32:
      return QStringLiteral("int32");
    case proto::ElementType::kFloat32:
      return QStringLiteral("float32");
    case proto::ElementType::kUInt32:
      return QStringLiteral("uint32");
    case proto::ElementType::kUInt64:
      return QStringLiteral("uint64");
  }
  return QStringLiteral("?");
}

// Device strings are sanitized (DeviceInfo holds them made safe to print).
QJsonObject infoJson(const DeviceSession& s) {
  const DeviceInfo info = s.info();
  const proto::HelloReply& h = info.hello;
  QJsonObject o;
  o[QStringLiteral("device")] = s.uri().text;
  o[QStringLiteral("device_id")] = info.deviceIdHex();
  o[QStringLiteral("board")] = info.boardName;
  o[QStringLiteral("firmware_version")] = info.firmwareVersion;
  o[QStringLiteral("protocol_version")] = h.chosenVersion;
  o[QStringLiteral("protocol_range")] = QJsonArray{h.minVersion, h.maxVersion};
  o[QStringLiteral("arena_bytes")] = static_cast<qint64>(h.arenaBytes);
  o[QStringLiteral("max_frame_bytes")] = h.maxFrameSize;
  o[QStringLiteral("tick_hz")] = static_cast<qint64>(h.tickHz);
  QJsonArray sensors;
  for (size_t i = 0; i < h.sensors.size(); ++i) {
    const proto::SensorInfo& si = h.sensors[i];
    sensors.append(
        QJsonObject{{QStringLiteral("id"), si.sensorId},
                    {QStringLiteral("name"), info.sensorNames.value(static_cast<int>(i))},
                    {QStringLiteral("axes"), si.axes},
                    {QStringLiteral("units"), info.sensorUnits.value(static_cast<int>(i))},
                    {QStringLiteral("sample_type"), elementTypeName(si.sampleType)},
                    {QStringLiteral("rate_hz"), si.rateMilliHz / 1000.0},
                    {QStringLiteral("max_rate_hz"), si.maxRateMilliHz / 1000.0}});
  }
  o[QStringLiteral("sensors")] = sensors;
  QJsonArray slots;
  for (size_t i = 0; i < h.slots.size(); ++i) {
    const proto::SlotInfo& si = h.slots[i];
    slots.append(QJsonObject{
        {QStringLiteral("slot"), si.slot},
        {QStringLiteral("state"), slotStateText(si.state)},
        {QStringLiteral("capacity"), static_cast<qint64>(si.capacity)},
        {QStringLiteral("model_bytes"), static_cast<qint64>(si.modelSize)},
        {QStringLiteral("model_crc32"),
         QStringLiteral("%1").arg(si.modelCrc, 8, 16, QLatin1Char('0'))},
        {QStringLiteral("model_name"), info.slotModelNames.value(static_cast<int>(i))}});
  }
  o[QStringLiteral("model_slots")] = slots;
  QJsonArray ops;
  for (size_t i = 0; i < h.opCodes.size(); ++i) ops.append(h.opCodes[i]);
  o[QStringLiteral("op_codes")] = ops;
  return o;
}

}  // namespace

int runInfo(const QStringList& args) {
  QCommandLineParser p;
  p.addOption(kDeviceOpt);
  p.addOption(kJsonOpt);
  p.addOption(kTimeoutOpt);
  if (int c = parseVerbArgs(p, args, QStringLiteral("info"),
                            QStringLiteral("Connect to a device and show its handshake."), 0, 0);
      c >= 0)
    return c;
  if (isEiAddress(p)) return runEiInfo(p, p.isSet(kJsonOpt));
  int code = 0;
  auto session = connectDevice(QStringLiteral("info"), p, &code);
  if (!session) return code;
  const QJsonObject o = infoJson(*session);
  if (p.isSet(kJsonOpt)) {
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
    out().flush();
    return kExitOk;
  }
  out() << "device      " << o[QStringLiteral("device")].toString() << "\n"
        << "board       " << o[QStringLiteral("board")].toString() << " (id "
        << o[QStringLiteral("device_id")].toString() << ")\n"
        << "firmware    " << o[QStringLiteral("firmware_version")].toString() << ", protocol v"
        << o[QStringLiteral("protocol_version")].toInt() << "\n"
        << "arena       " << o[QStringLiteral("arena_bytes")].toVariant().toLongLong()
        << " bytes, frames up to " << o[QStringLiteral("max_frame_bytes")].toInt()
        << " bytes, op timer " << o[QStringLiteral("tick_hz")].toVariant().toLongLong() << " Hz\n";
  for (const QJsonValue& v : o[QStringLiteral("sensors")].toArray()) {
    const QJsonObject s = v.toObject();
    out() << "sensor " << s[QStringLiteral("id")].toInt() << "    "
          << s[QStringLiteral("name")].toString() << ": " << s[QStringLiteral("axes")].toInt()
          << QStringLiteral(" × ") << s[QStringLiteral("sample_type")].toString() << " ["
          << s[QStringLiteral("units")].toString() << "] at "
          << s[QStringLiteral("rate_hz")].toDouble() << " Hz (max "
          << s[QStringLiteral("max_rate_hz")].toDouble() << ")\n";
  }
  for (const QJsonValue& v : o[QStringLiteral("model_slots")].toArray()) {
    const QJsonObject s = v.toObject();
    out() << "slot " << s[QStringLiteral("slot")].toInt() << "      "
          << s[QStringLiteral("state")].toString();
    if (s[QStringLiteral("model_bytes")].toVariant().toLongLong() > 0)
      out() << ": " << s[QStringLiteral("model_name")].toString() << ", "
            << s[QStringLiteral("model_bytes")].toVariant().toLongLong() << " bytes, crc32 "
            << s[QStringLiteral("model_crc32")].toString();
    out() << " (capacity " << s[QStringLiteral("capacity")].toVariant().toLongLong() << ")\n";
  }
  out() << "ops         " << o[QStringLiteral("op_codes")].toArray().size() << " supported\n";
  out().flush();
  return kExitOk;
}

int runSlots(const QStringList& args) {
  QCommandLineParser p;
  p.addOption(kDeviceOpt);
  p.addOption(kJsonOpt);
  p.addOption(kTimeoutOpt);
  if (int c = parseVerbArgs(
          p, args, QStringLiteral("slots"),
          QStringLiteral("Show a device's model slots: state (testing until confirmed), model, "
                         "size, CRC-32, capacity."),
          0, 0);
      c >= 0)
    return c;
  int code = 0;
  auto session = connectDevice(QStringLiteral("slots"), p, &code);
  if (!session) return code;
  const QJsonArray slots = infoJson(*session)[QStringLiteral("model_slots")].toArray();
  if (p.isSet(kJsonOpt)) {
    out() << QJsonDocument(slots).toJson(QJsonDocument::Indented);
  } else {
    for (const QJsonValue& v : slots) {
      const QJsonObject s = v.toObject();
      out() << "slot " << s[QStringLiteral("slot")].toInt() << "  "
            << s[QStringLiteral("state")].toString().leftJustified(9) << " "
            << s[QStringLiteral("model_name")].toString().leftJustified(24) << " "
            << s[QStringLiteral("model_bytes")].toVariant().toLongLong() << " bytes, crc32 "
            << s[QStringLiteral("model_crc32")].toString() << ", capacity "
            << s[QStringLiteral("capacity")].toVariant().toLongLong() << "\n";
    }
  }
  out().flush();
  return kExitOk;
}

int runStream(const QStringList& args) {
  QCommandLineParser p;
  p.addOption(kDeviceOpt);
  p.addOption(kJsonOpt);
  p.addOption(kTimeoutOpt);
  const QCommandLineOption duration(QStringLiteral("duration"),
                                    QStringLiteral("Seconds to stream (default 5)."),
                                    QStringLiteral("S"), QStringLiteral("5"));
  const QCommandLineOption csv(
      QStringLiteral("csv"),
      QStringLiteral("Write samples to FILE as CSV: a header with axis names and units, the device "
                     "time in µs, one column per axis (sim:?csv=FILE replays it)."),
      QStringLiteral("FILE"));
  const QCommandLineOption& sensor = kSensorOpt;
  const QCommandLineOption& rate = kRateOpt;
  const QCommandLineOption window(QStringLiteral("window"),
                                  QStringLiteral("Samples per window (default: fits one frame)."),
                                  QStringLiteral("N"));
  const QCommandLineOption text(
      QStringLiteral("text"),
      QStringLiteral("Plain text mode: the device prints numbers per line (no agent)."));
  const QCommandLineOption failOnLoss(
      QStringLiteral("fail-on-loss"),
      QStringLiteral("Exit 1 when any window, frame or message was lost."));
  for (const auto& o : {duration, csv, sensor, rate, window, text, failOnLoss, kSessionOpt})
    p.addOption(o);
  if (int c = parseVerbArgs(
          p, args, QStringLiteral("stream"),
          QStringLiteral(
              "Stream sensor windows from a device; prints rate, samples, gaps and link errors."),
          0, 0);
      c >= 0)
    return c;
  const QString verb = QStringLiteral("stream");
  bool ok = false;
  const double seconds = p.value(duration).toDouble(&ok);
  if (!ok || seconds <= 0)
    return fail(verb,
                QStringLiteral("--duration '%1' is not a positive number").arg(p.value(duration)),
                kExitUsage);
  QFile csvFile;
  if (p.isSet(csv)) {
    csvFile.setFileName(p.value(csv));
    if (!csvFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
      return fail(verb,
                  QStringLiteral("cannot write '%1': %2").arg(p.value(csv), csvFile.errorString()),
                  kExitUsage);
  }
  CsvRows csvRows(&csvFile);

  link::DeviceUri textUri;
  QString uriError;
  const bool textMode =
      p.isSet(text) ||
      (p.isSet(kDeviceOpt) && link::parseDeviceUri(p.value(kDeviceOpt), &textUri, &uriError) &&
       textUri.textMode());
  if (textMode) {
    // Text mode: no handshake, lines of numbers straight from the transport.
    if (!p.isSet(kDeviceOpt))
      return fail(verb, QStringLiteral("--device URI is required"), kExitUsage);
    link::DeviceUri uri;
    QString error;
    if (!link::parseDeviceUri(p.value(kDeviceOpt), &uri, &error))
      return fail(verb, error, kExitUsage);
    if (p.isSet(rate)) {
      uri.options.removeAllQueryItems(QStringLiteral("rate"));
      uri.options.addQueryItem(QStringLiteral("rate"), p.value(rate));
    }
    auto transport = createTransport(uri, &error);
    if (!transport) return fail(verb, error, kExitUsage);
    TextStream stream(uri, std::move(transport));
    const link::TextLineDecoder& decoder = stream.decoder();
    QString linkError;
    QObject::connect(&stream, &TextStream::errorOccurred, [&](const QString& e) { linkError = e; });
    QObject::connect(&stream, &TextStream::windowReceived, [&](const SensorWindowData& w) {
      // The channels are named by the text's own header line, if it had one; one window = one
      // received chunk: one arrival time for all its rows.
      if (!csvRows.started()) {
        QVector<dataset::formats::Axis> axes;
        for (int c = 0; c < w.channels; ++c)
          axes.append({decoder.channelNames().value(c, QStringLiteral("ch%1").arg(c)), QString()});
        csvRows.start(axes);
      }
      csvRows.write(w, 0);
    });
    QEventLoop loop;
    QObject::connect(&stream, &TextStream::closed, &loop, &QEventLoop::quit);
    QTimer::singleShot(static_cast<int>(seconds * 1000), &loop, &QEventLoop::quit);
    stream.open();
    if (!linkError.isEmpty() && !stream.isOpen()) return fail(verb, linkError, kExitFailed);
    loop.exec();
    const link::RateEstimate r = decoder.rate();
    const auto& c = decoder.counters();
    QJsonObject o{{QStringLiteral("mode"), QStringLiteral("text")},
                  {QStringLiteral("channels"), QJsonArray::fromStringList(decoder.channelNames())},
                  {QStringLiteral("samples"), static_cast<qint64>(c.samples)},
                  {QStringLiteral("rate_hz"), r.hz},
                  {QStringLiteral("rate_uncertainty_hz"), r.uncertaintyHz},
                  {QStringLiteral("text_lines"), static_cast<qint64>(c.textLines)},
                  {QStringLiteral("overlong_lines"), static_cast<qint64>(c.overlongLines)}};
    if (p.isSet(kJsonOpt)) {
      out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
      out() << "channels    " << decoder.channelNames().join(QStringLiteral(", ")) << "\n"
            << "samples     " << c.samples << "\n"
            << "rate        " << QString::number(r.hz, 'f', 2) << QStringLiteral(" ± ")
            << QString::number(r.uncertaintyHz, 'f', 2) << " Hz"
            << (p.isSet(rate) ? " (set by --rate)" : " (measured from arrival times)") << "\n"
            << "non-data    " << c.textLines << " lines, " << c.overlongLines
            << " overlong lines dropped\n";
    }
    out().flush();
    if (!linkError.isEmpty()) err() << "tinyscope-cli stream: " << linkError << Qt::endl;
    if (!csvRows.error().isEmpty()) return fail(verb, csvRows.error(), kExitFailed);
    return kExitOk;
  }

  int code = 0;
  std::unique_ptr<session::SessionRecording> recording;
  auto session = connectRecorded(verb, p, p.value(kSessionOpt), nullptr, &recording, &code);
  if (!session) return code;
  const DeviceInfo info = session->info();  // a copy: valid even if the device re-handshakes
  const proto::HelloReply& h = info.hello;
  const int sensorAt = sensorIndex(info, p.value(sensor));
  const proto::SensorInfo* si = sensorAt < 0 ? nullptr : &h.sensors[static_cast<size_t>(sensorAt)];
  const QString sensorName = info.sensorNames.value(sensorAt);
  if (!si)
    return fail(verb,
                QStringLiteral("%1 has no sensor '%2' (see 'tinyscope-cli info')")
                    .arg(session->uri().text, p.value(sensor)),
                kExitUsage);
  quint32 rateMilliHz = 0;
  if (p.isSet(rate)) {
    const double hz = p.value(rate).toDouble(&ok);
    if (!ok || hz <= 0)
      return fail(verb, QStringLiteral("--rate '%1' is not a positive number").arg(p.value(rate)),
                  kExitUsage);
    rateMilliHz = static_cast<quint32>(hz * 1000.0 + 0.5);
  }
  const size_t sampleBytes = si->axes * proto::elementSize(si->sampleType);
  quint16 windowSamples = defaultWindowSamples(*si, rateMilliHz / 1000.0);
  if (p.isSet(window)) {
    const int n = p.value(window).toInt(&ok);
    if (!ok || n < 1 || static_cast<size_t>(n) * sampleBytes > proto::kMaxChunk)
      return fail(verb,
                  QStringLiteral("--window '%1' must be 1..%2 samples for this sensor")
                      .arg(p.value(window))
                      .arg(proto::kMaxChunk / sampleBytes),
                  kExitUsage);
    windowSamples = static_cast<quint16>(n);
  }
  QString lastError;
  QObject::connect(session.get(), &DeviceSession::errorOccurred,
                   [&](const QString& e) { lastError = e; });
  {
    QVector<dataset::formats::Axis> axes;
    const QStringList names = info.axisNames(sensorAt);
    const QStringList units = info.axisUnits(sensorAt);
    for (int a = 0; a < names.size(); ++a) axes.append({names.at(a), units.value(a)});
    csvRows.start(axes);
  }
  const double usPerSample = (rateMilliHz ? 1e9 / rateMilliHz : 1e9 / si->rateMilliHz);
  QObject::connect(session.get(), &DeviceSession::windowReceived,
                   [&](const SensorWindowData& w) { csvRows.write(w, usPerSample); });
  session->startStream(0, si->sensorId, rateMilliHz, windowSamples);
  session->spin(static_cast<int>(seconds * 1000));
  session->stopStream(0);
  session->spin(200);
  QString sessionError;
  if (recording && !recording->finish(&sessionError)) return fail(verb, sessionError, kExitFailed);
  const StreamStats st = session->streams().value(0);
  const link::LinkCounters lc = session->counters();
  const MessageCounts& mc = session->messageCounts();
  const quint64 frameErrors =
      lc.frames.crcErrors + lc.frames.cobsErrors + lc.frames.tooShort + lc.frames.overflows;
  QJsonObject o{{QStringLiteral("device"), session->uri().text},
                {QStringLiteral("sensor"), sensorName},
                {QStringLiteral("channels"), si->axes},
                {QStringLiteral("windows"), static_cast<qint64>(st.windows)},
                {QStringLiteral("samples"), static_cast<qint64>(st.samples)},
                {QStringLiteral("rate_hz"), st.measuredRateHz()},
                {QStringLiteral("sequence_gaps"), static_cast<qint64>(st.missingWindows)},
                {QStringLiteral("lost_samples"), static_cast<qint64>(st.lostSamples)},
                {QStringLiteral("duplicate_windows"), static_cast<qint64>(st.duplicateWindows)},
                {QStringLiteral("reordered_windows"), static_cast<qint64>(st.reorderedWindows)},
                {QStringLiteral("stream_restarts"), static_cast<qint64>(st.restarts)},
                {QStringLiteral("device_restarts"), static_cast<qint64>(mc.deviceRestarts)},
                {QStringLiteral("duplicate_messages"), static_cast<qint64>(mc.sequence.duplicates)},
                {QStringLiteral("reordered_messages"), static_cast<qint64>(mc.sequence.reordered)},
                {QStringLiteral("overruns_reported"), static_cast<qint64>(st.overrunsReported)},
                {QStringLiteral("crc_errors"), static_cast<qint64>(lc.frames.crcErrors)},
                {QStringLiteral("frame_errors"), static_cast<qint64>(frameErrors)},
                {QStringLiteral("malformed_messages"), static_cast<qint64>(lc.malformedMessages)},
                {QStringLiteral("lost_messages"), static_cast<qint64>(lc.lostMessages)},
                {QStringLiteral("bytes_received"), static_cast<qint64>(lc.bytesReceived)}};
  if (p.isSet(kJsonOpt)) {
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << "sensor      " << o[QStringLiteral("sensor")].toString() << " (" << si->axes
          << " channels)\n"
          << "windows     " << st.windows << "\n"
          << "samples     " << st.samples << " per channel\n"
          << "rate        " << QString::number(st.measuredRateHz(), 'f', 2)
          << " Hz (device timestamps)\n"
          << "gaps        " << st.missingWindows << " missing windows, " << st.lostSamples
          << " samples lost in the device, " << st.overrunsReported << " overruns reported\n"
          << "order       " << st.duplicateWindows << " duplicate, " << st.reorderedWindows
          << " reordered windows, " << st.restarts << " stream restarts, " << mc.deviceRestarts
          << " device restarts\n"
          << "link        " << lc.frames.crcErrors << " CRC errors, " << frameErrors
          << " frame errors, " << lc.malformedMessages << " malformed, " << lc.lostMessages
          << " lost messages, " << lc.bytesReceived << " bytes\n";
  }
  out().flush();
  if (!lastError.isEmpty()) err() << "tinyscope-cli stream: " << lastError << Qt::endl;
  const bool lossy = st.lossy() || frameErrors || lc.malformedMessages || lc.lostMessages;
  if (st.windows == 0) return fail(verb, QStringLiteral("no sensor windows arrived"), kExitFailed);
  if (!csvRows.error().isEmpty()) return fail(verb, csvRows.error(), kExitFailed);
  return (p.isSet(failOnLoss) && lossy) ? kExitFailed : kExitOk;
}

}  // namespace tinyscope::cli

// ---- infer ----------------------------------------------------------------------------------

namespace tinyscope::cli {

namespace {

// The model the device runs, from --model, the sim: address, or nothing.
QString deviceModelPath(const QCommandLineParser& p, const QCommandLineOption& modelOpt,
                        const link::DeviceUri& uri) {
  if (p.isSet(modelOpt)) return p.value(modelOpt);
  return uri.option(QStringLiteral("model"));
}

}  // namespace

int runInfer(const QStringList& args) {
  namespace rh = tinyscope::runner::host;
  const QString verb = QStringLiteral("infer");
  QCommandLineParser p;
  p.addOption(kDeviceOpt);
  p.addOption(kJsonOpt);
  p.addOption(kTimeoutOpt);
  const QCommandLineOption input(QStringLiteral("input"),
                                 QStringLiteral("Raw bytes of the model's input 0."),
                                 QStringLiteral("FILE"));
  const QCommandLineOption dump(
      QStringLiteral("dump"),
      QStringLiteral("Write every captured tensor to DIR (golden layout) plus device_timing.json."),
      QStringLiteral("DIR"));
  const QCommandLineOption modelOpt(
      QStringLiteral("model"),
      QStringLiteral("The .tflite the device runs (default: the sim: address's model=)."),
      QStringLiteral("PATH"));
  const QCommandLineOption capture(
      QStringLiteral("capture"),
      QStringLiteral(
          "Tensor capture: all (default with --dump), none, or a comma list of op indices."),
      QStringLiteral("OPS"));
  const QCommandLineOption runTimeout(
      QStringLiteral("run-timeout"),
      QStringLiteral("Seconds to wait for the result and tensors (default 120)."),
      QStringLiteral("S"), QStringLiteral("120"));
  const QCommandLineOption listen(
      QStringLiteral("listen"),
      QStringLiteral("The model's audio recipe runs on the device: its front-end hears --sensor "
                     "(default: the first mono sensor at the recipe's rate) from StartStream; "
                     "every tensor of both models is compared with the desktop's."));
  for (const auto& o :
       {input, dump, modelOpt, capture, runTimeout, kSessionOpt, listen, kSensorOpt})
    p.addOption(o);
  const InputOptions recipeOpts;
  recipeOpts.addTo(&p);
  if (int c =
          parseVerbArgs(p, args, verb,
                        QStringLiteral("Run inference on the device with tensor capture; write the "
                                       "tensors in the dump layout "
                                       "of 'run --dump' so 'compare' can diff device and desktop."),
                        0, 0);
      c >= 0)
    return c;
  if (!p.isSet(input) && !recipeOpts.wanted(p) && !p.isSet(listen))
    return fail(verb,
                QStringLiteral("choose an input: --input, --wav, --image, --input-recipe FILE "
                               "or --listen"),
                kExitUsage);
  if (p.isSet(listen) &&
      (p.isSet(input) || p.isSet(recipeOpts.wav) || p.isSet(recipeOpts.image) || p.isSet(dump)))
    return fail(verb,
                QStringLiteral("--listen hears the device's sensor: it takes no --input, --wav, "
                               "--image or --dump"),
                kExitUsage);
  link::DeviceUri uri;
  QString error;
  if (p.isSet(kDeviceOpt) && !link::parseDeviceUri(p.value(kDeviceOpt), &uri, &error))
    return fail(verb, error, kExitUsage);
  const QString modelPath = deviceModelPath(p, modelOpt, uri);
  if (p.isSet(dump) && modelPath.isEmpty())
    return fail(verb, QStringLiteral("--dump needs the model the device runs: give --model PATH"),
                kExitUsage);
  rh::ModelFile model;
  rh::ModelSummary summary;
  std::string rerr;
  if (!modelPath.isEmpty()) {
    if (!rh::loadModelFile(modelPath.toStdString(), &model, &rerr) ||
        !rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &rerr))
      return fail(verb, QString::fromStdString(rerr), kExitUsage);
  }
  if (p.isSet(listen) && modelPath.isEmpty())
    return fail(verb, QStringLiteral("--listen needs the model the device runs: give --model PATH"),
                kExitUsage);
  std::vector<uint8_t> in;
  QString inputText = QStringLiteral("tensor file %1").arg(p.value(input));
  if (p.isSet(listen)) {
    // The input is built on the device.
  } else if (!summary.inputs
                  .empty()) {  // the model is known: the recipe builds (and sizes) the input
    inputs::BuiltInput built;
    if (!buildInputFromOptions(p, recipeOpts, p.value(input), modelPath, summary, &built, &error))
      return fail(verb, error, kExitUsage);
    in = std::move(built.bytes);
    inputText = built.description;
  } else if (recipeOpts.wanted(p)) {
    return fail(verb, QStringLiteral("an input recipe needs the model: give --model PATH"),
                kExitUsage);
  } else if (!rh::readBinaryFile(p.value(input).toStdString(), &in, &rerr)) {
    return fail(verb, QString::fromStdString(rerr), kExitUsage);
  }
  proto::CaptureMode mode = p.isSet(dump) ? proto::CaptureMode::kAllOps : proto::CaptureMode::kNone;
  QVector<quint16> ops;
  if (p.isSet(capture)) {
    const QString c = p.value(capture);
    if (c == QLatin1String("all"))
      mode = proto::CaptureMode::kAllOps;
    else if (c == QLatin1String("none"))
      mode = proto::CaptureMode::kNone;
    else {
      mode = proto::CaptureMode::kSelectedOps;
      for (const QString& part : c.split(QLatin1Char(','))) {
        bool ok = false;
        const uint v = part.toUInt(&ok);
        if (!ok || v > 0xFFFF)
          return fail(
              verb, QStringLiteral("--capture '%1': use all, none or op indices like 0,3,7").arg(c),
              kExitUsage);
        ops.append(static_cast<quint16>(v));
      }
      if (ops.size() > static_cast<int>(proto::kMaxCaptureOps))
        return fail(verb,
                    QStringLiteral("--capture: at most %1 operators").arg(proto::kMaxCaptureOps),
                    kExitUsage);
    }
  }
  bool ok = false;
  const double waitS = p.value(runTimeout).toDouble(&ok);
  if (!ok || waitS <= 0)
    return fail(
        verb,
        QStringLiteral("--run-timeout '%1' is not a positive number").arg(p.value(runTimeout)),
        kExitUsage);

  int code = 0;
  std::unique_ptr<session::SessionRecording> recording;
  auto session = connectRecorded(verb, p, p.value(kSessionOpt),
                                 modelPath.isEmpty() ? nullptr : &model, &recording, &code);
  if (!session) return code;
  // Known model: each captured tensor is bounded by its size, and a refusal names the op.
  if (!modelPath.isEmpty()) session->setModel(&summary);
  const DeviceInfo info = session->info();
  // A model needing an operator, arena or firmware the device lacks: refuse before sending.
  if (!modelPath.isEmpty()) {
    ModelImageFile image;
    const QByteArray bytes(reinterpret_cast<const char*>(model.bytes.data()),
                           static_cast<int>(model.bytes.size()));
    if (!loadModelImage(bytes, QString(), modelPath, &image, &error))
      return fail(verb, error, kExitUsage);
    const QStringList problems = deviceCompatibilityProblems(info.hello, image.header, 0, 0);
    if (!problems.isEmpty())
      return fail(verb, describeIncompatibility(session->uri().text, modelPath, problems),
                  kExitUsage);
  }
  if (p.isSet(listen)) {
    PipelineRequest request;
    request.modelPath = modelPath;
    request.model = &model;
    request.summary = &summary;
    if (p.isSet(recipeOpts.recipe)) {
      if (!inputs::loadRecipeFile(p.value(recipeOpts.recipe), &request.recipe, &error))
        return fail(verb, error, kExitUsage);
    } else {
      request.recipe = recipeOfKind(p, recipeOpts, modelPath, inputs::InputKind::kAudio);
    }
    if (request.recipe.kind != inputs::InputKind::kAudio)
      return fail(verb, QStringLiteral("--listen needs an audio recipe"), kExitUsage);
    request.sensorId = p.isSet(kSensorOpt) ? p.value(kSensorOpt) : QString();
    request.capture = !(p.isSet(capture) && p.value(capture) == QLatin1String("none"));
    request.waitMs = static_cast<int>(waitS * 1000);
    request.json = p.isSet(kJsonOpt);
    const int result = runInferPipeline(verb, *session, request);
    if (recording && !recording->finish(&error)) return fail(verb, error, kExitFailed);
    return result;
  }
  // No tensor the device can hold is larger than its arena: refuse a bigger input before sending.
  if (in.size() > info.hello.arenaBytes)
    return fail(verb,
                QStringLiteral("%1 has %2 bytes, more than the device's whole arena (%3 bytes)")
                    .arg(p.value(input))
                    .arg(in.size())
                    .arg(info.hello.arenaBytes),
                kExitUsage);
  const QByteArray inputBytes(reinterpret_cast<const char*>(in.data()),
                              static_cast<int>(in.size()));
  QElapsedTimer timer;
  timer.start();
  // Ends at the device's answer: the result, a refusal (Nack, error status) at once.
  if (!session->runBlocking(inputBytes, mode, ops, static_cast<int>(waitS * 1000), &error))
    return fail(verb, error, kExitFailed);
  const double wallMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  const InferenceRun& run = session->lastRun();
  if (recording && !recording->finish(&error)) return fail(verb, error, kExitFailed);

  quint64 capturedBytes = 0;
  for (const CapturedTensor& t : run.captured) capturedBytes += static_cast<quint64>(t.data.size());
  QJsonObject timing =
      deviceTimingJson(run, info, session->uri().text, modelPath.isEmpty() ? nullptr : &summary);
  const QJsonArray opsJson = timing[QStringLiteral("ops")].toArray();

  if (p.isSet(dump)) {
    rh::TensorDump d;
    const QString where = QStringLiteral("%1 (%2)").arg(info.boardName, session->uri().text);
    if (!deviceRunToDump(run, inputBytes, model, where, info.hello.arenaBytes, &d, &error))
      return fail(verb, error, kExitFailed);
    d.manifest.inputSource = inputText.toStdString();
    if (!rh::writeDump(p.value(dump).toStdString(), d, &rerr))
      return fail(verb, QString::fromStdString(rerr), kExitUsage);
    QFile f(p.value(dump) + QStringLiteral("/device_timing.json"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        f.write(QJsonDocument(timing).toJson()) < 0)
      return fail(verb, QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString()),
                  kExitUsage);
  }

  if (p.isSet(kJsonOpt)) {
    QJsonArray outs;
    for (const CapturedTensor& t : run.outputs) {
      QJsonArray v;
      for (char b : t.data) v.append(static_cast<int>(static_cast<signed char>(b)));
      outs.append(v);
    }
    timing[QStringLiteral("outputs_int8")] = outs;
    timing[QStringLiteral("captured_tensors")] = run.captured.size();
    timing[QStringLiteral("captured_bytes")] = static_cast<qint64>(capturedBytes);
    timing[QStringLiteral("wall_ms")] = wallMs;
    timing[QStringLiteral("input")] = inputText;
    out() << QJsonDocument(timing).toJson(QJsonDocument::Indented);
  } else {
    out() << "device      " << session->uri().text << " (" << info.boardName << ")\n"
          << "inference   " << run.totalMicros << QStringLiteral(" µs on the device (")
          << run.totalTicks << " ticks at " << info.hello.tickHz << " Hz), " << run.ops.size()
          << " operators\n"
          << "input       " << inputText << "\n";
    for (const CapturedTensor& t : run.outputs) {
      out() << "output      ";
      for (int k = 0; k < std::min(32, static_cast<int>(t.data.size())); ++k)
        out() << static_cast<int>(static_cast<signed char>(t.data[k])) << ' ';
      out() << "\n";
    }
    if (mode != proto::CaptureMode::kNone)
      out() << "captured    " << run.captured.size() << " tensors, " << capturedBytes
            << " bytes in " << QString::number(wallMs, 'f', 1) << " ms ("
            << QString::number(static_cast<double>(capturedBytes) / std::max(wallMs, 1.0), 'f', 1)
            << " KB/s)\n";
    for (const QJsonValue& v : opsJson) {
      const QJsonObject o = v.toObject();
      out() << QString::number(o[QStringLiteral("index")].toInt()).rightJustified(5) << "  "
            << o[QStringLiteral("op")].toString().leftJustified(28)
            << QString::number(o[QStringLiteral("us")].toInt()).rightJustified(9)
            << QStringLiteral(" µs\n");
    }
    if (p.isSet(dump))
      out() << "dump        " << p.value(dump) << " (compare it with 'tinyscope-cli compare')\n";
  }
  out().flush();
  return kExitOk;
}

}  // namespace tinyscope::cli
