#include "app/core/inputs/pipeline_comparison.h"

#include <cstring>

#include "device_protocol/messages.h"

namespace tinyscope::inputs {

namespace rh = tinyscope::runner::host;

namespace {

// Empty when the device's tensor equals `want`, else why not (the caller says which tensor).
QString differs(const DeviceTensor& device, uint16_t opIndex, uint8_t output,
                const std::vector<uint8_t>& want) {
  const uint8_t* data = nullptr;
  size_t size = 0;
  if (!device(opIndex, output, &data, &size)) return QStringLiteral("the device did not send it");
  if (size != want.size())
    return QStringLiteral("the device sent %1 bytes, the desktop has %2")
        .arg(size)
        .arg(want.size());
  size_t diff = 0, first = size;
  for (size_t i = 0; i < size; ++i)
    if (data[i] != want[i]) {
      if (first == size) first = i;
      ++diff;
    }
  if (diff == 0) return {};
  return QStringLiteral("%1 of %2 bytes differ, the first at byte %3 (device 0x%4, desktop 0x%5)")
      .arg(diff)
      .arg(size)
      .arg(first)
      .arg(data[first], 2, 16, QLatin1Char('0'))
      .arg(want[first], 2, 16, QLatin1Char('0'));
}

QString opName(const rh::ModelSummary& s, size_t op) {
  return QString::fromStdString(s.operators[op].op);
}

}  // namespace

bool comparePipeline(const AudioPlan& plan, const rh::ModelFile& model,
                     const rh::ModelSummary& modelSummary, const std::vector<int16_t>& samples,
                     const DeviceTensor& device, PipelineComparison* out, QString* error) {
  *out = PipelineComparison();
  FrontEndRun front;
  if (!runFrontEnd(plan, samples, true, &front, error)) return false;
  rh::RunOptions options;
  options.captureTensors = true;
  rh::RunResult run;
  std::string err;
  if (!rh::runModel(model, {front.features}, options, &run, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  auto note = [&](const QString& where, const QString& why) {
    if (out->firstDivergence.isEmpty() && !why.isEmpty())
      out->firstDivergence = QStringLiteral("%1: %2").arg(where, why);
  };
  // A tensor the runtime did not capture (none: every op output is) is not compared.
  auto captured = [](const rh::RunResult& r, int32_t t) {
    return t >= 0 && static_cast<size_t>(t) < r.captured.size() &&
           r.captured[static_cast<size_t>(t)];
  };
  const rh::ModelSummary& fs = plan.frontEndSummary;
  const QString feName = QString::fromStdString(plan.frontEnd.name);
  for (size_t w = 0; w < front.windows.size() && w < proto::kMaxPipelineWindows; ++w) {
    for (size_t op = 0; op < fs.operators.size() && op < 255; ++op) {
      const std::vector<int32_t>& outs = fs.operators[op].outputs;
      for (size_t k = 0; k < outs.size() && k < 256; ++k) {
        if (!captured(front.windows[w], outs[k])) continue;
        const uint16_t opIndex =
            proto::frontEndOpIndex(static_cast<uint16_t>(w), static_cast<uint16_t>(op));
        note(QStringLiteral("front-end %1, window %2, op %3 %4 output %5")
                 .arg(feName)
                 .arg(w)
                 .arg(op)
                 .arg(opName(fs, op))
                 .arg(k),
             differs(device, opIndex, static_cast<uint8_t>(k),
                     front.windows[w].tensorBytes[static_cast<size_t>(outs[k])]));
        if (!out->firstDivergence.isEmpty()) return true;
        ++out->frontEndTensors;
      }
    }
  }
  const QString name = QString::fromStdString(model.name);
  note(QStringLiteral("model %1, input 0 (the stacked front-end outputs)").arg(name),
       differs(device, proto::kModelInputOp, 0, front.features));
  if (!out->firstDivergence.isEmpty()) return true;
  ++out->modelTensors;
  for (size_t op = 0; op < modelSummary.operators.size(); ++op) {
    const std::vector<int32_t>& outs = modelSummary.operators[op].outputs;
    for (size_t k = 0; k < outs.size() && k < 256; ++k) {
      if (!captured(run, outs[k])) continue;
      note(QStringLiteral("model %1, op %2 %3 output %4")
               .arg(name)
               .arg(op)
               .arg(opName(modelSummary, op))
               .arg(k),
           differs(device, static_cast<uint16_t>(op), static_cast<uint8_t>(k),
                   run.tensorBytes[static_cast<size_t>(outs[k])]));
      if (!out->firstDivergence.isEmpty()) return true;
      ++out->modelTensors;
    }
  }
  return true;
}

}  // namespace tinyscope::inputs
