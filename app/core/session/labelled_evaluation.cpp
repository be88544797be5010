#include "app/core/session/labelled_evaluation.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cstring>

#include "app/core/dataset/dataset_store.h"
#include "app/core/session/replay_checker.h"
#include "firmware_agent/core/window_input.h"

namespace tinyscope::session {

namespace rh = runner::host;

float unitsPerCountOf(const QString& units) {
  const int slash = units.lastIndexOf(QLatin1Char('/'));
  if (slash < 0) return 0.0f;
  bool ok = false;
  const double divisor = units.mid(slash + 1).trimmed().toDouble(&ok);
  return ok && divisor >= 1.0 && divisor <= 1e9 ? static_cast<float>(1.0 / divisor) : 0.0f;
}

QString ClassScore::className(int top) const {
  return top >= 0 && top < classes.size() ? classes[top] : QStringLiteral("-");
}

void ClassScore::add(const QString& label, int top) {
  int row = trueLabels.indexOf(label);
  if (row < 0) {
    trueLabels.append(label);
    confusion.append(QVector<int>(classes.size(), 0));
    row = trueLabels.size() - 1;
  }
  if (top >= 0 && top < classes.size()) ++confusion[row][top];
  ++scored;
  if (className(top) == label) ++correct;
}

void ClassScore::sortRows() {
  QVector<int> order(trueLabels.size());
  for (int i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return trueLabels[a] < trueLabels[b]; });
  QStringList labels;
  QVector<QVector<int>> rows;
  for (int i : order) {
    labels << trueLabels[i];
    rows << confusion[i];
  }
  trueLabels = labels;
  confusion = rows;
}

bool forEachLabelledSample(
    const dataset::DatasetStore& store, const rh::GraphTensor& input,
    const std::function<bool(const dataset::SampleRecord&, const std::vector<uint8_t>*,
                             const QString&)>& onSample,
    QString* error) {
  dataset::SamplePage page;
  page.limit = 500;
  for (;;) {
    const QVector<dataset::SampleRecord> list =
        store.listSamples(dataset::SampleFilter{}, page, error);
    if (list.isEmpty()) return error->isEmpty();
    for (const dataset::SampleRecord& rec : list) {
      page.afterId = rec.id;
      if (rec.labels.isEmpty()) continue;
      QByteArray frames;
      std::vector<uint8_t> in;
      QString why;
      bool more = true;
      if (rec.labels.size() > 1)
        more = onSample(rec, nullptr, QStringLiteral("more than one label"));
      else if (!store.readFrames(rec.id, &frames, &why) ||
               !sampleToInput(input, frames, rec.type, rec.channels,
                              unitsPerCountOf(rec.units.value(0)), &in, &why))
        more = onSample(rec, nullptr, why);
      else
        more = onSample(rec, &in, QString());
      if (!more) return true;
    }
  }
}

QStringList modelLabels(const QString& modelPath) {
  const QFileInfo info(modelPath);
  QFile side(info.absolutePath() + QLatin1Char('/') + info.completeBaseName() +
             QStringLiteral(".json"));
  QStringList out;
  if (side.size() > (1 << 20) || !side.open(QIODevice::ReadOnly)) return out;
  for (const QJsonValue& v :
       QJsonDocument::fromJson(side.readAll()).object().value(QStringLiteral("labels")).toArray())
    out << v.toString();
  return out;
}

bool sampleToInput(const rh::GraphTensor& input, const QByteArray& frames, dataset::SampleType type,
                   int channels, float unitsPerCount, std::vector<uint8_t>* out, QString* why) {
  const std::string& it = input.type;
  agent::WindowInputTensor tensor;
  bool known = true;
  if (it == "int8")
    tensor.type = proto::ElementType::kInt8;
  else if (it == "uint8")
    tensor.type = proto::ElementType::kUInt8;
  else if (it == "int16")
    tensor.type = proto::ElementType::kInt16;
  else if (it == "int32")
    tensor.type = proto::ElementType::kInt32;
  else if (it == "float32")
    tensor.type = proto::ElementType::kFloat32;
  else
    known = false;
  const proto::ElementType sampleType =
      type == dataset::SampleType::kInt16   ? proto::ElementType::kInt16
      : type == dataset::SampleType::kInt32 ? proto::ElementType::kInt32
                                            : proto::ElementType::kFloat32;
  tensor.scale = input.scale.empty() ? 0.0f : static_cast<float>(input.scale[0]);
  tensor.zeroPoint = input.zeroPoint.empty() ? 0 : static_cast<int32_t>(input.zeroPoint[0]);
  out->assign(static_cast<size_t>(input.bytes), 0);
  tensor.bytes = proto::ByteSpan(out->data(), out->size());
  const proto::ConstByteSpan samples(reinterpret_cast<const uint8_t*>(frames.constData()),
                                     static_cast<size_t>(frames.size()));
  // The agent's own conversion (firmware_agent/core/window_input.h).
  const proto::InferenceStatus s =
      known && channels >= 1 ? agent::samplesToInput(sampleType, unitsPerCount,
                                                     proto::ConstByteSpan(), samples, tensor)
                             : proto::InferenceStatus::kInputSizeMismatch;
  if (s == proto::InferenceStatus::kOk) return true;
  out->clear();
  if (s == proto::InferenceStatus::kInputMissing) {
    const size_t inSize = proto::elementSize(tensor.type);
    const bool quantize = unitsPerCount > 0.0f && tensor.scale > 0.0f && sampleType != tensor.type;
    const size_t need = quantize ? input.bytes / inSize * proto::elementSize(sampleType)
                                 : static_cast<size_t>(input.bytes);
    *why = QStringLiteral("%1 bytes of samples, the model input needs %2")
               .arg(frames.size())
               .arg(need);
  } else {
    *why = QStringLiteral("no conversion from its %1 samples to the %2 input")
               .arg(type == dataset::SampleType::kInt16   ? QStringLiteral("int16")
                    : type == dataset::SampleType::kInt32 ? QStringLiteral("int32")
                                                          : QStringLiteral("float32"),
                    QString::fromStdString(it));
  }
  return false;
}

bool LabelledEvaluator::open(const rh::ModelFile& model, rh::Kernels kernels,
                             const QStringList& labels, QString* error) {
  m_model = &model;
  m_labels = labels;
  std::string err;
  if (!rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &m_summary, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  if (m_summary.inputs.empty() || m_summary.outputs.empty()) {
    *error = QStringLiteral("%1 has no input or no output").arg(QString::fromStdString(model.path));
    return false;
  }
  const rh::GraphTensor& o = m_summary.tensors[static_cast<size_t>(m_summary.outputs[0])];
  const uint64_t es = o.type == "int16" ? 2 : o.type == "float32" ? 4 : 1;
  if (labels.isEmpty() || o.bytes / es != static_cast<uint64_t>(labels.size())) {
    *error = labels.isEmpty()
                 ? QStringLiteral("%1 has no class labels (a sidecar %2.json with \"labels\")")
                       .arg(QString::fromStdString(model.path), QString::fromStdString(model.name))
                 : QStringLiteral("%1 has %2 outputs but %3 labels")
                       .arg(QString::fromStdString(model.path))
                       .arg(o.bytes / es)
                       .arg(labels.size());
    return false;
  }
  rh::RunOptions options;
  options.captureTensors = false;
  options.kernels = kernels;
  if (!m_instance.open(model, options, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  return true;
}

int LabelledEvaluator::classify(const std::vector<uint8_t>& input, QString* error) {
  rh::RunResult r;
  std::string err;
  if (!m_instance.run({input}, &r, &err) || r.outputs.empty()) {
    *error = QString::fromStdString(err);
    return -1;
  }
  const rh::GraphTensor& o = m_summary.tensors[static_cast<size_t>(m_summary.outputs[0])];
  return ReplayChecker::topIndex(o.type, r.outputs[0]);
}

}  // namespace tinyscope::session
