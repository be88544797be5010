#include "app/core/session/replay_checker.h"

#include <QElapsedTimer>
#include <cmath>
#include <cstring>

#include "app/core/device/device_dump.h"

namespace tinyscope::session {

namespace rh = runner::host;

bool ReplayChecker::open(const rh::ModelFile& model, rh::Kernels kernels, qint64 toleranceSteps,
                         QString* error) {
  m_model = &model;
  m_tolerance = toleranceSteps;
  std::string err;
  if (!rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &m_summary, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  rh::RunOptions all;
  all.kernels = kernels;
  all.captureTensors = true;
  rh::RunOptions outputs = all;
  outputs.captureTensors = false;
  if (!m_captureAll.open(model, all, &err) || !m_outputsOnly.open(model, outputs, &err)) {
    *error = QString::fromStdString(err);
    return false;
  }
  m_reference = rh::TensorDump();
  m_reference.manifest.tensors = m_summary.tensors;
  m_test = m_reference;
  return true;
}

int ReplayChecker::topIndex(const std::string& type, const std::vector<uint8_t>& b) {
  int best = -1;
  double bestValue = 0;
  const size_t es = type == "int16" ? 2 : type == "float32" ? 4 : 1;
  for (size_t i = 0; i + es <= b.size(); i += es) {
    double v = 0;
    if (type == "uint8") {
      v = b[i];
    } else if (type == "int16") {
      int16_t x;
      std::memcpy(&x, &b[i], 2);
      v = x;
    } else if (type == "float32") {
      float x;
      std::memcpy(&x, &b[i], 4);
      v = x;
    } else {
      v = static_cast<int8_t>(b[i]);
    }
    if (best < 0 || v > bestValue) {
      best = static_cast<int>(i / es);
      bestValue = v;
    }
  }
  return best;
}

InferenceCheck ReplayChecker::check(const RecordedInference& rec) {
  QElapsedTimer timer;
  timer.start();
  InferenceCheck c;
  c.index = rec.index;
  c.requestId = rec.requestId;
  c.sessionSeconds = static_cast<double>(rec.hostNs) * 1e-9;
  c.deviceMicros = rec.run.totalMicros;
  for (const proto::OpTiming& t : rec.run.ops) c.deviceOpMicros.append(t.micros);
  auto finish = [&](InferenceCheck::Outcome o, const QString& message) {
    c.outcome = o;
    c.message = message;
    c.checkSeconds = static_cast<double>(timer.nsecsElapsed()) * 1e-9;
    return c;
  };
  if (!rec.problem.isEmpty())
    return finish(InferenceCheck::Outcome::kSkipped,
                  QStringLiteral("the recording holds no whole result: %1").arg(rec.problem));
  if (rec.input.isEmpty())
    return finish(InferenceCheck::Outcome::kSkipped,
                  QStringLiteral("the input was not recorded (the device used its latest sensor "
                                 "window without capturing the model input)"));

  const auto& tensors = m_summary.tensors;
  // Where each device tensor belongs in this model; a tensor that does not fit means another
  // graph than the one the device ran: then only the outputs are compared.
  bool sameGraph = true;
  m_test.data.clear();
  auto put = [&](int t, const QByteArray& data) {
    if (t < 0 || static_cast<quint64>(data.size()) != tensors[static_cast<size_t>(t)].bytes) {
      sameGraph = false;
      return;
    }
    m_test.data[t].assign(data.begin(), data.end());
  };
  for (const CapturedTensor& t : rec.run.captured)
    put(capturedTensorIndex(m_summary, t.opIndex, t.tensorIndex), t.data);
  std::vector<std::vector<uint8_t>> deviceOutputs;
  for (int k = 0; k < rec.run.outputs.size(); ++k) {
    const QByteArray& d = rec.run.outputs[k].data;
    deviceOutputs.emplace_back(d.begin(), d.end());
    if (static_cast<size_t>(k) < m_summary.outputs.size())
      put(m_summary.outputs[static_cast<size_t>(k)], d);
  }

  const bool capture = sameGraph && !rec.run.captured.isEmpty();
  rh::RunResult r;
  std::string err;
  const std::vector<std::vector<uint8_t>> inputs{
      std::vector<uint8_t>(rec.input.begin(), rec.input.end())};
  if (!(capture ? m_captureAll : m_outputsOnly).run(inputs, &r, &err))
    return finish(InferenceCheck::Outcome::kFail, QString::fromStdString(err));

  if (!m_summary.outputs.empty() && !r.outputs.empty()) {
    const std::string& type = tensors[static_cast<size_t>(m_summary.outputs[0])].type;
    c.desktopTop = topIndex(type, r.outputs[0]);
    if (!deviceOutputs.empty()) c.deviceTop = topIndex(type, deviceOutputs[0]);
  }

  if (!sameGraph) {
    c.tensorsCompared = false;
    if (c.deviceTop != c.desktopTop)
      return finish(InferenceCheck::Outcome::kFail,
                    QStringLiteral("top class %1 on the desktop, %2 on the device (the model is "
                                   "another graph than the recorded one: outputs only)")
                        .arg(c.desktopTop)
                        .arg(c.deviceTop));
    return finish(InferenceCheck::Outcome::kPass, {});
  }

  m_reference.data.clear();
  for (const auto& [t, bytes] : m_test.data) {
    const auto i = static_cast<size_t>(t);
    if (i < r.captured.size() && r.captured[i]) {
      m_reference.data[t] = std::move(r.tensorBytes[i]);
    } else {
      for (size_t k = 0; k < m_summary.outputs.size() && k < r.outputs.size(); ++k)
        if (m_summary.outputs[k] == t) m_reference.data[t] = r.outputs[k];
    }
  }
  rh::DumpComparison cmp;
  if (!rh::compareDumps(m_reference, m_test, &cmp, &err))
    return finish(InferenceCheck::Outcome::kFail, QString::fromStdString(err));
  c.tensorsCompared = true;
  for (const rh::TensorComparison& t : cmp.tensors) {
    if (!t.compared) continue;
    ++c.comparedTensors;
    c.maxAbsDiff = std::max<qint64>(c.maxAbsDiff, t.maxAbsDiff);
    if (t.maxAbsDiff <= m_tolerance) {
      ++c.matchingTensors;
    } else if (c.firstDivergentTensor < 0 || t.producerOp < c.firstDivergentOp) {
      // compareDumps' rule (lowest producing op), with the tolerance applied.
      c.firstDivergentOp = t.producerOp;
      c.firstDivergentOpName = t.producerOpName.empty() ? QStringLiteral("(model input)")
                                                        : QString::fromStdString(t.producerOpName);
      c.firstDivergentTensor = t.index;
    }
  }
  if (m_keepAllTensors) c.tensors = cmp.tensors;
  if (c.firstDivergentTensor < 0) return finish(InferenceCheck::Outcome::kPass, {});
  c.tensors = std::move(cmp.tensors);
  const auto& first = tensors[static_cast<size_t>(c.firstDivergentTensor)];
  qint64 firstDiff = 0;
  for (const rh::TensorComparison& t : c.tensors)
    if (t.index == c.firstDivergentTensor) firstDiff = t.maxAbsDiff;
  return finish(InferenceCheck::Outcome::kFail,
                QStringLiteral("first divergent op %1 (%2): tensor %3 '%4' differs by up to %5 "
                               "steps (tolerance %6); %7 of %8 tensors match")
                    .arg(c.firstDivergentOp)
                    .arg(c.firstDivergentOpName)
                    .arg(c.firstDivergentTensor)
                    .arg(QString::fromStdString(first.name))
                    .arg(firstDiff)
                    .arg(m_tolerance)
                    .arg(c.matchingTensors)
                    .arg(c.comparedTensors));
}

QString tensorTable(const std::vector<rh::TensorComparison>& tensors) {
  QString s = QStringLiteral(
      "tensor  op    op name                  max|diff|  exact%    cosine  "
      "name\n");
  for (const rh::TensorComparison& t : tensors) {
    if (!t.compared) continue;
    const double exact =
        t.elements ? 100.0 * static_cast<double>(t.exactMatches) / static_cast<double>(t.elements)
                   : 100.0;
    s += QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
             .arg(t.index, 6)
             .arg(t.producerOp, 4)
             .arg(QString::fromStdString(t.producerOpName).left(22), -22)
             .arg(t.maxAbsDiff, 9)
             .arg(exact, 6, 'f', 2)
             .arg(t.cosine, 8, 'f', 6)
             .arg(QString::fromStdString(t.name));
  }
  return s;
}

}  // namespace tinyscope::session
