#include "app/core/device/device_dump.h"

#include <QJsonArray>

namespace tinyscope {

namespace rh = runner::host;

int capturedTensorIndex(const rh::ModelSummary& summary, quint16 opIndex, quint8 tensorIndex) {
  if (opIndex == proto::kModelInputOp)
    return tensorIndex < summary.inputs.size() ? summary.inputs[tensorIndex] : -1;
  if (opIndex == proto::kModelOutputOp)
    return tensorIndex < summary.outputs.size() ? summary.outputs[tensorIndex] : -1;
  if (opIndex < summary.operators.size() && tensorIndex < summary.operators[opIndex].outputs.size())
    return summary.operators[opIndex].outputs[tensorIndex];
  return -1;
}

bool deviceRunToDump(const InferenceRun& run, const QByteArray& input, const rh::ModelFile& model,
                     const QString& deviceDescription, quint32 arenaBytes, rh::TensorDump* out,
                     QString* error) {
  rh::ModelSummary summary;
  std::string err;
  if (!rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  rh::RunResult rr;
  rr.tensorBytes.resize(summary.tensors.size());
  rr.captured.assign(summary.tensors.size(), false);
  auto put = [&](int tensor, const QByteArray& data) {
    if (tensor < 0 || static_cast<size_t>(tensor) >= summary.tensors.size()) return false;
    if (static_cast<quint64>(data.size()) != summary.tensors[static_cast<size_t>(tensor)].bytes)
      return false;
    rr.tensorBytes[static_cast<size_t>(tensor)].assign(data.begin(), data.end());
    rr.captured[static_cast<size_t>(tensor)] = true;
    return true;
  };
  for (const CapturedTensor& t : run.captured) {
    if (!put(capturedTensorIndex(summary, t.opIndex, t.tensorIndex), t.data)) {
      *error = QStringLiteral(
                   "the device's tensor for operator %1 output %2 does not fit %3: is the device "
                   "running that model?")
                   .arg(t.opIndex)
                   .arg(t.tensorIndex)
                   .arg(QString::fromStdString(model.path));
      return false;
    }
  }
  for (int k = 0; k < run.outputs.size() && static_cast<size_t>(k) < summary.outputs.size(); ++k)
    put(summary.outputs[static_cast<size_t>(k)], run.outputs[k].data);
  for (int32_t o : summary.outputs) rr.outputs.push_back(rr.tensorBytes[static_cast<size_t>(o)]);
  // The device reports its arena size, not what the model used: 0 = not measured. Per-op
  // times stay out of the dump (deviceTimingJson has them in the device's units).
  rr.arenaUsedBytes = 0;
  const std::vector<uint8_t> in(input.begin(), input.end());
  if (!rh::makeDump(model, "device", "uploaded by tinyscope", -1, in, rr, out, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  out->manifest.oracle = "tinyscope-agent on " + deviceDescription.toStdString() + ", arena " +
                         std::to_string(arenaBytes) + " bytes (use not reported)";
  return true;
}

QJsonObject deviceTimingJson(const InferenceRun& run, const DeviceInfo& info, const QString& device,
                             const rh::ModelSummary* summary) {
  QJsonArray ops;
  for (const proto::OpTiming& t : run.ops) {
    QString name;
    if (summary && t.opIndex < summary->operators.size())
      name = QString::fromStdString(summary->operators[t.opIndex].op);
    ops.append(QJsonObject{{QStringLiteral("index"), t.opIndex},
                           {QStringLiteral("op"), name},
                           {QStringLiteral("op_code"), t.opCode},
                           {QStringLiteral("ticks"), static_cast<qint64>(t.ticks)},
                           {QStringLiteral("us"), static_cast<qint64>(t.micros)}});
  }
  return QJsonObject{{QStringLiteral("device"), device},
                     {QStringLiteral("board"), info.boardName},
                     {QStringLiteral("tick_hz"), static_cast<qint64>(info.hello.tickHz)},
                     {QStringLiteral("total_ticks"), static_cast<qint64>(run.totalTicks)},
                     {QStringLiteral("total_us"), static_cast<qint64>(run.totalMicros)},
                     {QStringLiteral("ops"), ops}};
}

}  // namespace tinyscope
