#pragma once
// ReplayChecker: re-runs one recorded inference on the desktop runtime and compares it with
// what the device produced — every captured tensor and the outputs, with the metrics and the
// first-divergent-operator rule of the tensor comparator (runner::host::compareDumps). When the
// model given is another graph than the one the device ran (its tensors do not fit), only the
// outputs are compared (top-class agreement and, at equal sizes, the differences).
//
// Ownership: borrows the model (must outlive the checker). Thread: one checker per thread (it
// holds an interpreter); checkers share nothing. Memory: the model's arena plus one run's
// tensors. Errors: open() false + one sentence naming the model file.
#include <QString>
#include <QVector>
#include <memory>
#include <vector>

#include "app/core/session/session_player.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_comparator.h"

namespace tinyscope::session {

struct InferenceCheck {
  enum class Outcome { kPass, kFail, kSkipped };
  quint64 index = 0;  // in its session
  quint16 requestId = 0;
  double sessionSeconds = 0;  // when the device answered, since the session started
  Outcome outcome = Outcome::kPass;
  QString message;  // why it failed or was skipped (first divergent op / metric / reason)
  bool tensorsCompared = false;  // false: outputs only (another graph) or nothing to compare
  int comparedTensors = 0;
  int matchingTensors = 0;  // within the tolerance
  qint64 maxAbsDiff = 0;    // over every compared tensor, in quantized steps
  int firstDivergentOp = -1;
  QString firstDivergentOpName;
  int firstDivergentTensor = -1;
  int deviceTop = -1;   // argmax of output 0 as the device computed it (-1: none)
  int desktopTop = -1;  // argmax of output 0 on the desktop
  quint32 deviceMicros = 0;
  QVector<quint32> deviceOpMicros;                      // per op, as recorded
  std::vector<runner::host::TensorComparison> tensors;  // failures only, unless setKeepAllTensors
  double checkSeconds = 0;                              // timing: desktop run + comparison
};

class ReplayChecker {
 public:
  // `toleranceSteps`: a tensor matches when no element differs by more (0: bit-exact).
  bool open(const runner::host::ModelFile& model, runner::host::Kernels kernels,
            qint64 toleranceSteps, QString* error);
  InferenceCheck check(const RecordedInference& recorded);
  // Keep InferenceCheck::tensors for passing checks too (a viewer shows every comparison).
  void setKeepAllTensors(bool on) { m_keepAllTensors = on; }
  const runner::host::ModelSummary& summary() const { return m_summary; }

  // Index of the largest element of an int8/uint8/int16/float32 output, -1 when empty.
  static int topIndex(const std::string& type, const std::vector<uint8_t>& bytes);

 private:
  const runner::host::ModelFile* m_model = nullptr;
  runner::host::ModelSummary m_summary;
  runner::host::ModelInstance m_captureAll;
  runner::host::ModelInstance m_outputsOnly;
  qint64 m_tolerance = 0;
  bool m_keepAllTensors = false;
  runner::host::TensorDump m_reference, m_test;  // manifests = the model's tensors
};

// One line per compared tensor: index, name, producing op, max |diff|, exact share, cosine.
QString tensorTable(const std::vector<runner::host::TensorComparison>& tensors);

}  // namespace tinyscope::session
