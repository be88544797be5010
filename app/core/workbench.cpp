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
#include "app/core/inputs/recipe_writer.h"
#include "model_runner/host/tensor_dump.h"

namespace tinyscope {

namespace rh = runner::host;

namespace {
constexpr size_t kFramesKept = 4096;

// The dequantized output 0 of `dump` and its best class, for the prediction.
void fillPrediction(const rh::ModelSummary& summary, const rh::TensorDump& dump, RunReport* r) {
  if (summary.outputs.empty()) return;
  const rh::SummaryTensor& t = summary.tensors[static_cast<size_t>(summary.outputs[0])];
  const auto it = dump.data.find(summary.outputs[0]);
  if (it == dump.data.end() || t.type != "int8" || t.scale.empty()) return;
  for (uint8_t b : it->second)
    r->probabilities.append(static_cast<double>(t.scale[0]) *
                            (static_cast<int8_t>(b) - static_cast<double>(t.zeroPoint.at(0))));
  double best = -1;
  for (int k = 0; k < r->probabilities.size(); ++k)
    if (r->probabilities[k] > best) {
      best = r->probabilities[k];
      r->topClass = k;
    }
}

// One desktop run with every tensor captured (worker thread). false + *error.
bool runDesktop(const rh::ModelFile& model, const QByteArray& input, RunReport* r,
                std::shared_ptr<rh::TensorDump>* dump, std::string* error) {
  rh::RunOptions options;
  options.captureTensors = true;
  rh::RunResult desktop;
  const std::vector<uint8_t> in(input.begin(), input.end());
  auto out = std::make_shared<rh::TensorDump>();
  if (!rh::runModel(model, {in}, options, &desktop, error) ||
      !rh::makeDump(model, "desktop", "uploaded by tinyscope", -1, in, desktop, out.get(), error))
    return false;
  for (const rh::OpRecord& op : desktop.ops) {
    r->desktopOpUs.append(static_cast<double>(op.nanoseconds) / 1000.0);
    r->desktopTotalUs += static_cast<double>(op.nanoseconds) / 1000.0;
  }
  r->desktopArenaBytes = desktop.arenaUsedBytes;
  *dump = std::move(out);
  return true;
}

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
  auto deviceDump = std::make_shared<rh::TensorDump>();
  QString error;
  if (!deviceRunToDump(run, input, model, device, deviceArena, deviceDump.get(), &error)) {
    r.error = error;
    return r;
  }
  std::string err;
  std::shared_ptr<rh::TensorDump> desktopDump;
  if (!runDesktop(model, input, &r, &desktopDump, &err) ||
      !rh::compareDumps(*desktopDump, *deviceDump, &r.comparison, &err)) {
    r.error = QString::fromStdString(err);
    return r;
  }
  fillPrediction(summary, *deviceDump, &r);
  r.deviceTensors = std::move(deviceDump);
  r.desktopTensors = std::move(desktopDump);
  return r;
}

// A desktop-only run (worker thread): per-op times, every tensor, the prediction.
RunReport desktopOnlyRun(quint64 id, QByteArray input, rh::ModelFile model, QStringList labels,
                         rh::ModelSummary summary) {
  RunReport r;
  r.id = id;
  r.labels = labels;
  r.desktopOnly = true;
  std::string err;
  std::shared_ptr<rh::TensorDump> dump;
  if (!runDesktop(model, input, &r, &dump, &err)) {
    r.error = QString::fromStdString(err);
    return r;
  }
  for (int i = 0; i < r.desktopOpUs.size(); ++i)
    r.ops.append({i < static_cast<int>(summary.operators.size())
                      ? QString::fromStdString(summary.operators[static_cast<size_t>(i)].op)
                      : QStringLiteral("op %1").arg(i),
                  -1.0});
  fillPrediction(summary, *dump, &r);
  r.desktopTensors = std::move(dump);
  return r;
}

// The input bytes of a planned run (worker thread: reads and decodes the source file).
struct BuiltRunInput {
  QByteArray bytes;  // empty: `why` says what failed
  QString description;
  QString why;
};

}  // namespace

Workbench::Workbench(QObject* parent) : QObject(parent) {
  qRegisterMetaType<tinyscope::RunReport>();
  qRegisterMetaType<tinyscope::ListenResult>();
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
              if (r.id != m_runId) return;  // a newer run supersedes this one
              RunReport named = r;
              named.input = m_lastInput;
              Q_EMIT runReport(named);
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
  m_recipe = inputs::InputRecipe();
  m_hasRecipe = inputs::loadRecipeFor(m_modelPath, &m_recipe, &m_recipeError);
  m_inputSource.clear();
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
  m_listening = false;
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
  if (!m_hasRecipe || m_recipe.kind != inputs::InputKind::kWindow) {
    *why = QObject::tr("the model has no sidecar describing how sensor samples become its input");
    return {};
  }
  if (m_recentChannels != m_recipe.axes.size()) {
    *why = QObject::tr("the stream has not delivered %1 samples of %2 channels yet")
               .arg(m_recipe.windowLength)
               .arg(m_recipe.axes.size());
    return {};
  }
  const std::vector<float> recent(m_recent.begin(), m_recent.end());
  inputs::BuiltInput built;
  if (!inputs::buildInput(m_recipe, m_summary, QString(), &built, why, &recent)) return {};
  return QByteArray(reinterpret_cast<const char*>(built.bytes.data()),
                    static_cast<int>(built.bytes.size()));
}

void Workbench::setInputSamples(std::vector<float> interleaved, int channels, qint64 first,
                                const QString& description) {
  m_inputSamples = std::move(interleaved);
  m_inputSampleChannels = channels;
  m_inputSampleFirst = first;
  m_inputSampleDescription = description;
}

bool Workbench::planInput(InputPlan* plan, QString* why) const {
  plan->recipe = m_recipe;
  plan->source = m_inputSource;
  if (m_inputSource.isEmpty()) {
    if (!m_hasRecipe) {
      *why = m_recipeError + QObject::tr(": choose an input");
      return false;
    }
    if (!m_inputSamples.empty()) {
      const qint64 need = m_recipe.windowLength;
      const qint64 frames = m_inputSampleChannels > 0
                                ? static_cast<qint64>(m_inputSamples.size()) / m_inputSampleChannels
                                : 0;
      if (m_recipe.kind != inputs::InputKind::kWindow) {
        *why =
            QObject::tr("%1 is recorded samples, but the model's recipe is %2, not a window")
                .arg(m_inputSampleDescription, QLatin1String(inputs::inputKindName(m_recipe.kind)));
        return false;
      }
      if (m_inputSampleChannels != m_recipe.axes.size() || m_inputSampleFirst < 0 ||
          m_inputSampleFirst + need > frames) {
        *why = QObject::tr(
                   "%1 has %2 frames of %3 channels from frame %4; the recipe needs %5 "
                   "frames of %6")
                   .arg(m_inputSampleDescription)
                   .arg(frames)
                   .arg(m_inputSampleChannels)
                   .arg(m_inputSampleFirst)
                   .arg(need)
                   .arg(m_recipe.axes.size());
        return false;
      }
      const auto begin = m_inputSamples.begin() +
                         static_cast<std::ptrdiff_t>(m_inputSampleFirst * m_inputSampleChannels);
      plan->fromStream = true;
      plan->window.assign(begin, begin + static_cast<std::ptrdiff_t>(need * m_inputSampleChannels));
      plan->description = m_inputSampleDescription;
      return true;
    }
    if (m_recipe.kind == inputs::InputKind::kWindow && m_recipe.source.isEmpty()) {
      if (m_recentChannels != m_recipe.axes.size() ||
          m_recent.size() <
              static_cast<size_t>(m_recipe.windowLength) * static_cast<size_t>(m_recentChannels)) {
        *why = QObject::tr("the stream has not delivered %1 samples of %2 channels yet")
                   .arg(m_recipe.windowLength)
                   .arg(m_recipe.axes.size());
        return false;
      }
      plan->fromStream = true;
      plan->window.assign(
          m_recent.end() - static_cast<std::ptrdiff_t>(m_recipe.windowLength) * m_recentChannels,
          m_recent.end());
    }
  } else if (!m_hasRecipe) {
    plan->recipe.kind = inputs::isImageFile(m_inputSource) ? inputs::InputKind::kImage
                                                           : inputs::InputKind::kTensorFile;
  }
  return true;
}

void Workbench::refuseRun(const QString& why) {
  RunReport r;
  r.id = m_runId;
  r.error = QObject::tr("No inference: %1.").arg(why);
  Q_EMIT runReport(r);
}

bool Workbench::saveRecipe(const inputs::InputRecipe& recipe, QString* error) {
  if (m_modelPath.isEmpty()) {
    *error = QObject::tr("no model is open");
    return false;
  }
  if (!inputs::saveRecipeFor(m_modelPath, recipe, error)) return false;
  // Read back through the parser, so what runs next is what the file says.
  inputs::InputRecipe reloaded;
  QString why;
  if (!inputs::loadRecipeFor(m_modelPath, &reloaded, &why)) {
    *error = why;
    return false;
  }
  m_recipe = reloaded;
  m_hasRecipe = true;
  m_recipeError.clear();
  return true;
}

bool Workbench::runOnDevice() {
  return startRun(true);
}

bool Workbench::runOnDesktop() {
  return startRun(false);
}

bool Workbench::startRun(bool onDevice) {
  const quint64 id = ++m_runId;
  InputPlan plan;
  QString why;
  if (m_modelPath.isEmpty()) why = QObject::tr("no model is open");
  const bool planned = why.isEmpty() && planInput(&plan, &why);
  m_inputSamples.clear();  // recorded samples serve one run
  if (!planned) {          // never a made-up input: say why
    refuseRun(why);
    return false;
  }
  Q_EMIT runStarted(id);
  auto* watcher = new QFutureWatcher<BuiltRunInput>(this);
  connect(watcher, &QFutureWatcher<BuiltRunInput>::finished, this, [this, watcher, id, onDevice] {
    const BuiltRunInput in = watcher->result();
    watcher->deleteLater();
    if (id != m_runId) return;  // a newer run, a model change or a disconnect superseded it
    if (in.bytes.isEmpty()) {
      refuseRun(in.why);
      return;
    }
    m_lastInput = in.description;
    if (onDevice) {
      m_deviceRuns.push_back(id);
      m_device.runInference(in.bytes);
      return;
    }
    auto* run = new QFutureWatcher<RunReport>(this);
    connect(run, &QFutureWatcher<RunReport>::finished, this, [this, run] {
      RunReport r = run->result();
      run->deleteLater();
      if (r.id != m_runId) return;
      r.input = m_lastInput;
      Q_EMIT runReport(r);
    });
    run->setFuture(QtConcurrent::run(
        [id, input = in.bytes, model = m_model, labels = labels(), summary = m_summary] {
          return desktopOnlyRun(id, input, model, labels, summary);
        }));
  });
  watcher->setFuture(QtConcurrent::run([plan = std::move(plan), summary = m_summary] {
    BuiltRunInput out;
    inputs::BuiltInput built;
    const bool ok = inputs::buildInput(plan.recipe, summary, plan.source, &built, &out.why,
                                       plan.fromStream ? &plan.window : nullptr);
    if (!ok) return out;
    out.bytes = QByteArray(reinterpret_cast<const char*>(built.bytes.data()),
                           static_cast<int>(built.bytes.size()));
    out.description = plan.description.isEmpty() ? built.description : plan.description;
    return out;
  }));
  return true;
}

bool Workbench::listen(QString* why) {
  if (m_listening) {
    *why = tr("Already listening: wait for the word.");
    return false;
  }
  if (m_modelPath.isEmpty()) {
    *why = tr("Open a model first.");
    return false;
  }
  if (!m_hasRecipe || m_recipe.kind != inputs::InputKind::kAudio) {
    *why = tr("%1 has no audio recipe: Listen runs an audio front-end and the model on the device.")
               .arg(modelName());
    return false;
  }
  if (!m_device.isConnected() || m_device.info().hello.chosenVersion == 0) {
    *why = tr("No device that runs the agent is connected.");
    return false;
  }
  m_listening = true;
  const quint64 id = m_runId;
  ListenRequest request;
  request.modelPath = m_modelPath;
  request.recipe = m_recipe;
  request.stopStream = false;  // the live view keeps plotting what the device hears
  request.waitMs = 60000;
  // Back on the GUI thread: the device's part, compared on a worker.
  const auto compare = [this, id, capture = request.capture](ListenDeviceRun d) {
    if (id != m_runId) return;  // a model change or disconnect made it stale
    auto* watcher = new QFutureWatcher<ListenResult>(this);
    connect(watcher, &QFutureWatcher<ListenResult>::finished, this, [this, watcher, id] {
      const ListenResult r = watcher->result();
      watcher->deleteLater();
      if (id != m_runId) return;
      m_listening = false;
      Q_EMIT listenReport(r);
    });
    watcher->setFuture(QtConcurrent::run(
        [d = std::move(d), path = m_modelPath, model = m_model, summary = m_summary, capture] {
          return compareListen(d, path, model, summary, capture);
        }));
  };
  m_device.withSession([this, request, summary = m_summary, compare](DeviceSession* session) {
    const auto toGui = [this, compare](ListenDeviceRun d) {
      QMetaObject::invokeMethod(
          this, [compare, d = std::move(d)]() mutable { compare(std::move(d)); },
          Qt::QueuedConnection);
    };
    if (!session) {
      ListenDeviceRun none;
      none.error = tr("No device that runs the agent is connected.");
      none.badInput = true;
      toGui(std::move(none));
      return;
    }
    startListen(session, summary, request, toGui);
  });
  Q_EMIT listenStarted();
  return true;
}

}  // namespace tinyscope
