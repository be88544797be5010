#include "app/cli/infer_pipeline.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/cli_common.h"
#include "app/core/inputs/pipeline_comparison.h"
#include "app/core/session/labelled_evaluation.h"
#include "device_protocol/crc32.h"

namespace tinyscope::cli {

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

}  // namespace

int runInferPipeline(const QString& verb, DeviceSession& session, const PipelineRequest& r) {
  const runner::host::ModelSummary& summary = *r.summary;
  if (summary.inputs.empty())
    return fail(verb, QStringLiteral("%1 has no input").arg(r.modelPath), kExitUsage);
  inputs::AudioPlan plan;
  QString error;
  if (!inputs::planAudio(r.recipe, summary.tensors[static_cast<size_t>(summary.inputs[0])], &plan,
                         &error))
    return fail(verb, error, kExitUsage);
  if (plan.windows > proto::kMaxPipelineWindows || plan.strideSamples > 0xFFFF)
    return fail(verb,
                QStringLiteral("the recipe needs %1 front-end windows of stride %2; a device "
                               "pipeline runs at most %3")
                    .arg(plan.windows)
                    .arg(plan.strideSamples)
                    .arg(proto::kMaxPipelineWindows),
                kExitUsage);
  const DeviceInfo info = session.info();
  const QString device = session.uri().text;

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
    return fail(verb,
                r.sensorId.isEmpty()
                    ? QStringLiteral("%1 has no mono int16 sensor at %2 Hz to hear (sim: add "
                                     "sensor=audio&wav=FILE to the address; qemu: "
                                     "board=mps2-an386&wav=FILE)")
                          .arg(device)
                          .arg(r.recipe.sampleRateHz)
                    : QStringLiteral("%1 has no sensor %2").arg(device, r.sensorId),
                kExitUsage);
  if (sensor->axes != 1 || sensor->sampleType != proto::ElementType::kInt16 ||
      sensor->maxRateMilliHz < rateMilliHz)
    return fail(verb,
                QStringLiteral("sensor %1 (%2) is not mono int16 up to %3 Hz, which the front-end "
                               "hears")
                    .arg(sensor->sensorId)
                    .arg(QString::fromUtf8(sensor->name.c_str()))
                    .arg(r.recipe.sampleRateHz),
                kExitUsage);

  // The front-end: a slot holding exactly the recipe's model.
  const int frontEndSlot = slotHolding(info, plan.frontEnd.bytes);
  if (frontEndSlot < 0)
    return fail(verb,
                QStringLiteral("%1 holds no copy of the front-end %2 in any slot (flash it into a "
                               "free slot; on sim: add front-end=%2 to the address)")
                    .arg(device, QString::fromStdString(plan.frontEnd.path)),
                kExitUsage);

  session.setPipeline(&plan.frontEndSummary, static_cast<quint32>(plan.samplesNeeded() * 2));
  const quint8 streamId = 0;
  session.startStream(streamId, sensor->sensorId, rateMilliHz,
                      defaultWindowSamples(*sensor, r.recipe.sampleRateHz));
  const int hearMs =
      static_cast<int>(plan.samplesNeeded() * 1000 / static_cast<size_t>(r.recipe.sampleRateHz));
  session.spin(hearMs + 250);

  proto::RunPipeline request;
  request.frontEndSlot = static_cast<uint8_t>(frontEndSlot);
  request.slot = proto::kActiveSlot;
  request.streamId = streamId;
  request.strideSamples = static_cast<uint16_t>(plan.strideSamples);
  request.capture = r.capture ? proto::CaptureMode::kAllOps : proto::CaptureMode::kNone;
  QElapsedTimer timer;
  timer.start();
  bool ran = false;
  for (;;) {  // a slow device may not have heard enough yet: ask again until the wait ends
    ran = session.runPipelineBlocking(request, r.waitMs, &error);
    if (ran || !error.contains(QLatin1String("samples the pipeline needs")) ||
        timer.elapsed() + 500 > r.waitMs)
      break;
    session.spin(500);
  }
  session.stopStream(streamId);
  if (!ran) return fail(verb, error, kExitFailed);
  const InferenceRun& run = session.lastRun();

  // The word.
  const QStringList labels = session::modelLabels(r.modelPath);
  int top = -1;
  QString word;
  if (!run.outputs.isEmpty()) {
    const QByteArray& scores = run.outputs[0].data;
    for (int i = 0; i < scores.size(); ++i)
      if (top < 0 || static_cast<signed char>(scores[i]) > static_cast<signed char>(scores[top]))
        top = i;
    word = top >= 0 && top < labels.size() ? labels[top] : QStringLiteral("class %1").arg(top);
  }

  // The whole pipeline against the desktop's, on the samples the device heard.
  inputs::PipelineComparison cmp;
  if (r.capture) {
    const auto samplesIt = run.captured.find(qMakePair(proto::kPipelineSamplesOp, quint8{0}));
    if (samplesIt == run.captured.end())
      return fail(verb, QStringLiteral("%1 did not send the samples it heard").arg(device),
                  kExitFailed);
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
    if (!inputs::comparePipeline(plan, *r.model, summary, samples, deviceTensor, &cmp, &error))
      return fail(verb, error, kExitFailed);
  }
  const QString heardText = QStringLiteral(
                                "%1 samples of sensor %2 (%3) since StartStream, %4 "
                                "windows through %5 in slot %6")
                                .arg(plan.samplesNeeded())
                                .arg(sensor->sensorId)
                                .arg(QString::fromUtf8(sensor->name.c_str()))
                                .arg(plan.windows)
                                .arg(QString::fromStdString(plan.frontEnd.name))
                                .arg(frontEndSlot);
  const QString verdict =
      !r.capture ? QStringLiteral("not compared (--capture none)")
      : cmp.firstDivergence.isEmpty()
          ? QStringLiteral(
                "identical: %1 front-end tensors (%2 windows) and %3 model tensors "
                "equal the desktop's")
                .arg(cmp.frontEndTensors)
                .arg(plan.windows)
                .arg(cmp.modelTensors)
          : QStringLiteral("differs at %1").arg(cmp.firstDivergence);
  if (r.json) {
    QJsonObject o;
    o[QStringLiteral("device")] = device;
    o[QStringLiteral("heard")] = heardText;
    o[QStringLiteral("word")] = word;
    o[QStringLiteral("class")] = top;
    o[QStringLiteral("device_us")] = static_cast<qint64>(run.totalMicros);
    o[QStringLiteral("captured_tensors")] = run.captured.size();
    o[QStringLiteral("front_end_tensors_equal")] = cmp.frontEndTensors;
    o[QStringLiteral("model_tensors_equal")] = cmp.modelTensors;
    o[QStringLiteral("first_divergence")] = cmp.firstDivergence;
    o[QStringLiteral("pipeline")] = verdict;
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << "device      " << device << " (" << info.boardName << ")\n"
          << "heard       " << heardText << "\n"
          << "word        " << word << "\n"
          << "model       " << run.totalMicros << QStringLiteral(" µs on the device, ")
          << run.ops.size() << " operators\n"
          << "pipeline    " << verdict << "\n";
  }
  out().flush();
  return cmp.firstDivergence.isEmpty() ? kExitOk : kExitFailed;
}

}  // namespace tinyscope::cli
