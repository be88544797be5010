#include "app/core/workbench.h"

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

#include "app/core/device/device_dump.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/tensor_dump.h"

namespace tinyscope {

namespace rh = runner::host;

namespace {
constexpr size_t kFramesKept = 4096;

// Desktop re-run + comparison of one device inference (worker thread; value types only).
RunReport compareRun(quint64 id, InferenceRun run, QByteArray input, rh::ModelFile model,
                     QString device, quint32 deviceArena, QStringList labels,
                     rh::ModelSummary summary) {
  RunReport r;
  r.id = id;
  r.labels = labels;
  r.deviceTotalUs = run.totalMicros;
  for (const proto::OpTiming& t : run.ops)
    r.ops.append({t.opIndex < summary.operators.size()
                      ? QString::fromStdString(summary.operators[t.opIndex].op)
                      : QStringLiteral("op %1").arg(t.opIndex),
                  static_cast<double>(t.micros)});
  rh::TensorDump deviceDump;
  QString error;
  if (!deviceRunToDump(run, input, model, device, deviceArena, &deviceDump, &error)) {
    r.error = error;
    return r;
  }
  rh::RunOptions options;
  options.captureTensors = true;
  rh::RunResult desktop;
  std::string err;
  const std::vector<uint8_t> in(input.begin(), input.end());
  rh::TensorDump desktopDump;
  if (!rh::runModel(model, {in}, options, &desktop, &err) ||
      !rh::makeDump(model, "desktop", "uploaded by tinyscope", -1, in, desktop, &desktopDump,
                    &err) ||
      !rh::compareDumps(desktopDump, deviceDump, &r.comparison, &err)) {
    r.error = QString::fromStdString(err);
    return r;
  }
  for (const rh::OpRecord& op : desktop.ops) {
    r.desktopOpUs.append(static_cast<double>(op.nanoseconds) / 1000.0);
    r.desktopTotalUs += static_cast<double>(op.nanoseconds) / 1000.0;
  }
  r.desktopArenaBytes = desktop.arenaUsedBytes;
  // Dequantized output 0 of the device, for the prediction.
  if (!summary.outputs.empty()) {
    const rh::SummaryTensor& t = summary.tensors[static_cast<size_t>(summary.outputs[0])];
    const auto it = deviceDump.data.find(summary.outputs[0]);
    if (it != deviceDump.data.end() && t.type == "int8" && !t.scale.empty()) {
      for (uint8_t b : it->second)
        r.probabilities.append(static_cast<double>(t.scale[0]) *
                               (static_cast<int8_t>(b) - static_cast<double>(t.zeroPoint.at(0))));
      double best = -1;
      for (int k = 0; k < r.probabilities.size(); ++k)
        if (r.probabilities[k] > best) {
          best = r.probabilities[k];
          r.topClass = k;
        }
    }
  }
  return r;
}
}  // namespace

Workbench::Workbench(QObject* parent) : QObject(parent) {
  qRegisterMetaType<tinyscope::RunReport>();
  m_tick.setInterval(33);  // ~30 Hz display tick
  connect(&m_tick, &QTimer::timeout, this, &Workbench::onTick);
  m_tick.start();
  connect(&m_device, &DeviceController::runFinished, this,
          [this](const InferenceRun& run, const QByteArray& input) {
            const quint64 id = takeRunId();
            if (id != m_runId) return;  // a newer run supersedes this one
            auto* watcher = new QFutureWatcher<RunReport>(this);
            connect(watcher, &QFutureWatcher<RunReport>::finished, this, [this, watcher] {
              const RunReport r = watcher->result();
              watcher->deleteLater();
              if (r.id == m_runId) Q_EMIT runReport(r);  // a newer run supersedes this one
            });
            const QString device =
                QStringLiteral("%1 (%2)").arg(m_device.info().boardName, m_device.address());
            const quint32 arena = m_device.info().hello.arenaBytes;
            watcher->setFuture(QtConcurrent::run([id, run, input, model = m_model, device, arena,
                                                  labels = labels(), summary = m_summary] {
              return compareRun(id, run, input, model, device, arena, labels, summary);
            }));
          });
  connect(&m_device, &DeviceController::stateChanged, this, [this](ConnectionState state) {
    if (state == ConnectionState::kDisconnected || state == ConnectionState::kLost) clearResults();
  });
  connect(&m_device, &DeviceController::runFailed, this, [this](const QString& message) {
    RunReport r;
    r.id = takeRunId();
    if (r.id != m_runId) return;  // e.g. "a new inference replaced this one"
    r.error = message;
    Q_EMIT runReport(r);
  });
}

quint64 Workbench::takeRunId() {
  if (m_deviceRuns.empty()) return 0;
  const quint64 id = m_deviceRuns.front();
  m_deviceRuns.pop_front();
  return id;
}

Workbench::~Workbench() = default;

QString Workbench::modelName() const {
  return QFileInfo(m_modelPath).completeBaseName();
}

QStringList Workbench::labels() const {
  QStringList out;
  for (const QJsonValue& v : m_sidecar.value(QStringLiteral("labels")).toArray())
    out << v.toString();
  return out;
}

bool Workbench::loadModel(const QString& path, QString* error) {
  rh::ModelFile model;
  rh::ModelSummary summary;
  std::string err;
  if (!rh::loadModelFile(path.toStdString(), &model, &err) ||
      !rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  m_model = std::move(model);
  m_summary = std::move(summary);
  m_modelPath = QFileInfo(path).absoluteFilePath();
  m_sidecar = QJsonObject();
  QFile side(QFileInfo(path).absolutePath() + QLatin1Char('/') +
             QFileInfo(path).completeBaseName() + QStringLiteral(".json"));
  if (side.open(QIODevice::ReadOnly)) m_sidecar = QJsonDocument::fromJson(side.readAll()).object();
  clearResults();
  Q_EMIT modelChanged();
  // A simulated device started with another model restarts with this one.
  if (m_device.state() != ConnectionState::kDisconnected && !deviceRunsModel() &&
      resolveAddress(m_address) != m_address)
    connectTo(m_address);
  return true;
}

bool Workbench::deviceRunsModel() const {
  return !m_modelPath.isEmpty() && m_deviceModelPath == m_modelPath;
}

void Workbench::clearResults() {
  ++m_runId;  // every run still on its way is now stale
  m_recent.clear();
  m_recentChannels = 0;
  Q_EMIT resultsCleared();
}

QString Workbench::resolveAddress(const QString& address) const {
  const QString a = address.trimmed();
  const bool simulated =
      a.startsWith(QLatin1String("sim:")) || a.startsWith(QLatin1String("qemu:"));
  if (m_modelPath.isEmpty() || !simulated || a.contains(QLatin1String("model="))) return a;
  const int colon = a.indexOf(QLatin1Char(':'));
  const int question = a.indexOf(QLatin1Char('?'));
  QUrlQuery q(question < 0 ? QString() : a.mid(question + 1));
  q.addQueryItem(QStringLiteral("model"), m_modelPath);
  return a.left(colon + 1) + QLatin1Char('?') + q.toString(QUrl::FullyEncoded);
}

void Workbench::connectTo(const QString& address) {
  m_address = address.trimmed();
  const QString resolved = resolveAddress(m_address);
  m_deviceModelPath = resolved != m_address ? m_modelPath : QString();
  m_device.connectTo(resolved);  // disconnects first: clearResults() runs
}

void Workbench::onTick() {
  std::vector<SensorWindowData> windows;
  if (m_device.drainWindows(&windows) == 0) return;
  const int channels = windows.back().channels;
  if (channels != m_recentChannels) {  // another stream: older frames have another layout
    m_recent.clear();
    m_recentChannels = channels;
  }
  std::vector<float> frames;
  int count = 0;
  for (const SensorWindowData& w : windows) {
    if (w.channels != channels) continue;
    for (int i = 0; i < w.samples; ++i)
      for (int c = 0; c < channels; ++c) frames.push_back(static_cast<float>(w.sample(i, c)));
    count += w.samples;
  }
  m_recent.insert(m_recent.end(), frames.begin(), frames.end());
  const size_t keep = kFramesKept * static_cast<size_t>(channels);
  if (m_recent.size() > keep)
    m_recent.erase(m_recent.begin(), m_recent.end() - static_cast<std::ptrdiff_t>(keep));
  Q_EMIT framesArrived(frames, count, channels);
}

QByteArray Workbench::inputFromStream(QString* why) const {
  const QJsonObject input = m_sidecar.value(QStringLiteral("input")).toObject();
  const int length = input.value(QStringLiteral("window_length")).toInt();
  const int axes = input.value(QStringLiteral("axes")).toArray().size();
  const double divisor =
      input.value(QStringLiteral("raw_counts_per_g")).toDouble() *
      input.value(QStringLiteral("scale")).toDouble();  // raw counts per int8 step
  if (length <= 0 || axes <= 0 || divisor <= 0) {
    *why = QObject::tr("the model has no sidecar describing how sensor samples become its input");
    return {};
  }
  const size_t need = static_cast<size_t>(length) * static_cast<size_t>(axes);
  if (m_recentChannels != axes || m_recent.size() < need) {
    *why = QObject::tr("the stream has not delivered %1 samples of %2 channels yet")
               .arg(length)
               .arg(axes);
    return {};
  }
  QByteArray bytes(length * axes, '\0');
  // Same layout as the model's input: time-major, channels interleaved.
  const size_t first = m_recent.size() - need;
  for (size_t k = 0; k < need; ++k) {
    const double q = std::round(static_cast<double>(m_recent[first + k]) / divisor);
    bytes[static_cast<int>(k)] =
        static_cast<char>(static_cast<int8_t>(std::clamp(q, -128.0, 127.0)));
  }
  return bytes;
}

void Workbench::runOnDevice() {
  ++m_runId;
  QString why;
  QByteArray input = inputFromStream(&why);
  if (input.isEmpty() && !m_summary.inputs.empty()) {
    const auto bytes =
        rh::xorshift32Bytes(1, m_summary.tensors[static_cast<size_t>(m_summary.inputs[0])].bytes);
    input = QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()));
  }
  Q_EMIT runStarted(m_runId);
  m_deviceRuns.push_back(m_runId);
  m_device.runInference(input);
}

}  // namespace tinyscope
