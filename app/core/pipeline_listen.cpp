#include "app/core/pipeline_listen.h"

#include <QElapsedTimer>
#include <QTimer>

#include "app/core/inputs/pipeline_comparison.h"
#include "app/core/session/labelled_evaluation.h"
#include "device_protocol/crc32.h"

namespace tinyscope {

namespace {

// The slot holding exactly `bytes` (size and CRC-32 of a valid image), or -1.
int slotHolding(const DeviceInfo& info, const std::vector<uint8_t>& bytes) {
  const uint32_t crc = proto::crc32(proto::ConstByteSpan(bytes.data(), bytes.size()));
  for (const proto::SlotInfo& s : info.hello.slots) {
    const bool usable = s.state == proto::SlotState::kValid ||
                        s.state == proto::SlotState::kActive ||
                        s.state == proto::SlotState::kTesting;
    if (usable && s.modelSize == bytes.size() && s.modelCrc == crc) return s.slot;
  }
  return -1;
}

// The run in flight: its request, what it sends, and the one callback.
struct Listening {
  DeviceSession* session = nullptr;
  ListenRequest request;
  proto::RunPipeline message;
  quint8 streamId = 0;
  QElapsedTimer timer;
  ListenDeviceRun result;
  std::function<void(ListenDeviceRun)> done;

  void finish() {
    if (request.stopStream) session->stopStream(streamId);
    session->setPipeline(nullptr, 0);
    done(std::move(result));
  }
  void fail(const QString& why) {
    result.error = why;
    finish();
  }
};

// Sends RunPipeline; a device that has not heard enough yet is asked again until the wait ends.
void runOnce(const std::shared_ptr<Listening>& l) {
  const int left = std::max(1000, l->request.waitMs - static_cast<int>(l->timer.elapsed()));
  l->session->runPipeline(
      l->message,
      [l](const InferenceRun& run) {
        l->result.run = run;
        l->finish();
      },
      [l](const QString& why) {
        if (why.contains(QLatin1String("samples the pipeline needs")) &&
            l->timer.elapsed() + 500 <= l->request.waitMs) {
          QTimer::singleShot(500, l->session, [l] { runOnce(l); });
          return;
        }
        l->fail(why);
      },
      left);
}

}  // namespace

void startListen(DeviceSession* session, const runner::host::ModelSummary& summary,
                 const ListenRequest& r, std::function<void(ListenDeviceRun)> done) {
  ListenDeviceRun out;
  out.badInput = true;
  const DeviceInfo info = session->info();
  out.device = session->uri().text;
  out.board = info.boardName;
  const auto refuse = [&](const QString& why) {
    out.error = why;
    done(std::move(out));
  };
  if (summary.inputs.empty()) return refuse(QStringLiteral("%1 has no input").arg(r.modelPath));
  auto plan = std::make_shared<inputs::AudioPlan>();
  QString error;
  if (!inputs::planAudio(r.recipe, summary.tensors[static_cast<size_t>(summary.inputs[0])],
                         plan.get(), &error))
    return refuse(error);
  if (plan->windows > proto::kMaxPipelineWindows || plan->strideSamples > 0xFFFF)
    return refuse(QStringLiteral("the recipe needs %1 front-end windows of stride %2; a device "
                                 "pipeline runs at most %3")
                      .arg(plan->windows)
                      .arg(plan->strideSamples)
                      .arg(proto::kMaxPipelineWindows));

  // The sensor: mono int16 at the recipe's rate.
  const quint32 rateMilliHz = static_cast<quint32>(r.recipe.sampleRateHz) * 1000u;
  const proto::SensorInfo* sensor = nullptr;
  for (const proto::SensorInfo& s : info.hello.sensors) {
    const bool named = !r.sensorId.isEmpty() && QString::number(s.sensorId) == r.sensorId;
    const bool fits = s.axes == 1 && s.sampleType == proto::ElementType::kInt16 &&
                      s.maxRateMilliHz >= rateMilliHz;
    if (named || (r.sensorId.isEmpty() && fits && s.rateMilliHz == rateMilliHz)) {
      sensor = &s;
      break;
    }
  }
  if (!sensor)
    return refuse(r.sensorId.isEmpty()
                      ? QStringLiteral("%1 has no mono int16 sensor at %2 Hz to hear (sim: add "
                                       "sensor=audio&wav=FILE to the address; qemu: "
                                       "board=mps2-an386&wav=FILE)")
                            .arg(out.device)
                            .arg(r.recipe.sampleRateHz)
                      : QStringLiteral("%1 has no sensor %2").arg(out.device, r.sensorId));
  if (sensor->axes != 1 || sensor->sampleType != proto::ElementType::kInt16 ||
      sensor->maxRateMilliHz < rateMilliHz)
    return refuse(QStringLiteral("sensor %1 (%2) is not mono int16 up to %3 Hz, which the "
                                 "front-end hears")
                      .arg(sensor->sensorId)
                      .arg(QString::fromUtf8(sensor->name.c_str()))
                      .arg(r.recipe.sampleRateHz));

  // The front-end: a slot holding exactly the recipe's model.
  const int frontEndSlot = slotHolding(info, plan->frontEnd.bytes);
  if (frontEndSlot < 0)
    return refuse(QStringLiteral("%1 holds no copy of the front-end %2 in any slot (flash it into "
                                 "a free slot; on sim: add front-end=%2 to the address)")
                      .arg(out.device, QString::fromStdString(plan->frontEnd.path)));

  out.badInput = false;
  out.heard = QStringLiteral(
                  "%1 samples of sensor %2 (%3) since StartStream, %4 windows through %5 in "
                  "slot %6")
                  .arg(plan->samplesNeeded())
                  .arg(sensor->sensorId)
                  .arg(QString::fromUtf8(sensor->name.c_str()))
                  .arg(plan->windows)
                  .arg(QString::fromStdString(plan->frontEnd.name))
                  .arg(frontEndSlot);
  out.plan = plan;

  auto l = std::make_shared<Listening>();
  l->session = session;
  l->request = r;
  l->result = std::move(out);
  l->done = std::move(done);
  l->message.frontEndSlot = static_cast<uint8_t>(frontEndSlot);
  l->message.slot = proto::kActiveSlot;
  l->message.streamId = l->streamId;
  l->message.strideSamples = static_cast<uint16_t>(plan->strideSamples);
  l->message.capture = r.capture ? proto::CaptureMode::kAllOps : proto::CaptureMode::kNone;

  session->setPipeline(&plan->frontEndSummary, static_cast<quint32>(plan->samplesNeeded() * 2));
  session->startStream(l->streamId, sensor->sensorId, rateMilliHz,
                       defaultWindowSamples(*sensor, r.recipe.sampleRateHz));
  const int hearMs =
      static_cast<int>(plan->samplesNeeded() * 1000 / static_cast<size_t>(r.recipe.sampleRateHz));
  l->timer.start();
  QTimer::singleShot(hearMs + 250, session, [l] {
    l->timer.restart();
    runOnce(l);
  });
}

ListenResult compareListen(const ListenDeviceRun& d, const QString& modelPath,
                           const runner::host::ModelFile& model,
                           const runner::host::ModelSummary& summary, bool capture) {
  ListenResult r;
  static_cast<ListenOutcome&>(r) = d;
  if (!d.error.isEmpty() || !d.plan) return r;
  const InferenceRun& run = d.run;
  r.deviceMicros = run.totalMicros;
  r.ops = run.ops.size();
  r.capturedTensors = run.captured.size();
  r.frontEndWindows = static_cast<int>(d.plan->windows);

  // The word.
  const QStringList labels = session::modelLabels(modelPath);
  if (!run.outputs.isEmpty()) {
    const QByteArray& scores = run.outputs[0].data;
    for (int i = 0; i < scores.size(); ++i)
      if (r.topClass < 0 ||
          static_cast<signed char>(scores[i]) > static_cast<signed char>(scores[r.topClass]))
        r.topClass = i;
    r.word = r.topClass >= 0 && r.topClass < labels.size()
                 ? labels[r.topClass]
                 : QStringLiteral("class %1").arg(r.topClass);
  }
  if (!capture) {
    r.verdict = QStringLiteral("not compared (no tensors captured)");
    return r;
  }

  // The whole pipeline against the desktop's, on the samples the device heard.
  const auto samplesIt = run.captured.find(qMakePair(proto::kPipelineSamplesOp, quint8{0}));
  if (samplesIt == run.captured.end()) {
    r.error = QStringLiteral("%1 did not send the samples it heard").arg(d.device);
    return r;
  }
  const QByteArray& heard = samplesIt->data;
  std::vector<int16_t> samples(static_cast<size_t>(heard.size()) / 2);
  for (size_t i = 0; i < samples.size(); ++i)
    samples[i] =
        static_cast<int16_t>(static_cast<uint8_t>(heard[static_cast<int>(2 * i)]) |
                             (static_cast<uint8_t>(heard[static_cast<int>(2 * i + 1)]) << 8));
  const inputs::DeviceTensor deviceTensor = [&run](uint16_t op, uint8_t k, const uint8_t** data,
                                                   size_t* size) {
    const auto it = run.captured.find(qMakePair(op, k));
    if (it == run.captured.end() || !it->complete()) return false;
    *data = reinterpret_cast<const uint8_t*>(it->data.constData());
    *size = static_cast<size_t>(it->data.size());
    return true;
  };
  inputs::PipelineComparison cmp;
  QString error;
  if (!inputs::comparePipeline(*d.plan, model, summary, samples, deviceTensor, &cmp, &error)) {
    r.error = error;
    return r;
  }
  r.compared = true;
  r.frontEndTensorsEqual = cmp.frontEndTensors;
  r.modelTensorsEqual = cmp.modelTensors;
  r.firstDivergence = cmp.firstDivergence;
  r.verdict = cmp.firstDivergence.isEmpty()
                  ? QStringLiteral(
                        "identical: %1 front-end tensors (%2 windows) and %3 model "
                        "tensors equal the desktop's")
                        .arg(cmp.frontEndTensors)
                        .arg(d.plan->windows)
                        .arg(cmp.modelTensors)
                  : QStringLiteral("differs at %1").arg(cmp.firstDivergence);
  return r;
}

}  // namespace tinyscope
