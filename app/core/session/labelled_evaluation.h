#pragma once
// LabelledEvaluation: a model run on every labelled sample of a dataset, as the device would run
// it on a sensor window, scored against the labels (accuracy and a confusion matrix).
//
// The model input is built from a sample by the agent's own conversion
// (agent::samplesToInput, firmware_agent/core/window_input.h): the newest frames that fill input
// 0, each count quantized to the input as q = round_half_away(count * unitsPerCount / scale) +
// zeroPoint, saturated, or copied when the sample and input types match and no scale applies.
//
// Ownership: the evaluator borrows the model (must outlive it). Thread: one evaluator per thread.
// Memory: the model's arena plus one sample's frames. Errors: false + one sentence naming the
// model file or the sample.
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>
#include <vector>

#include "app/core/dataset/dataset_types.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"

namespace tinyscope::dataset {
class DatasetStore;
}

namespace tinyscope::session {

// Physical value of one count from a sensor's units text: "g/4096" -> 1/4096 (the host sees only
// the units the device announces); 0 when the text names no divisor.
float unitsPerCountOf(const QString& units);

// The class names of a model: "labels" of its sidecar NAME.json beside NAME.tflite; empty when
// there is no sidecar or it has no labels.
QStringList modelLabels(const QString& modelPath);

// The model input 0 for a sample's frames (interleaved, `type`, `channels` per frame): false +
// *why when the sample is too short or no conversion applies.
bool sampleToInput(const runner::host::GraphTensor& input, const QByteArray& frames,
                   dataset::SampleType type, int channels, float unitsPerCount,
                   std::vector<uint8_t>* out, QString* why);

// Accuracy and confusion of one model over the labelled samples.
struct ClassScore {
  QStringList classes;              // the model's labels, in output order (columns)
  QStringList trueLabels;           // the dataset's labels seen, sorted (rows)
  QVector<QVector<int>> confusion;  // [row: true label][column: predicted class]
  int scored = 0, correct = 0;
  double accuracy() const { return scored ? static_cast<double>(correct) / scored : 0.0; }
  // The class name of output `top`, "-" when out of range.
  QString className(int top) const;
  // Counts one sample of true `label` predicted as class `top` (a new row for a new label).
  void add(const QString& label, int top);
  // Rows in label order, so a report does not depend on the order samples came in.
  void sortRows();
};

// Every sample of `store` that has labels, in id order, with the model input built for `input`
// (sampleToInput): `onSample(record, input, why)` gets the input, or nullptr and why the sample
// cannot be scored (more than one label, unreadable frames, too short); returning false stops.
// False + *error when the store cannot be listed.
bool forEachLabelledSample(
    const dataset::DatasetStore& store, const runner::host::GraphTensor& input,
    const std::function<bool(const dataset::SampleRecord&, const std::vector<uint8_t>*,
                             const QString&)>& onSample,
    QString* error);

class LabelledEvaluator {
 public:
  bool open(const runner::host::ModelFile& model, runner::host::Kernels kernels,
            const QStringList& labels, QString* error);
  // The predicted class (top output index) for one sample's input; -1 + *error when it fails.
  int classify(const std::vector<uint8_t>& input, QString* error);
  const runner::host::ModelSummary& summary() const { return m_summary; }
  const QStringList& labels() const { return m_labels; }

 private:
  const runner::host::ModelFile* m_model = nullptr;
  runner::host::ModelSummary m_summary;
  runner::host::ModelInstance m_instance;
  QStringList m_labels;
};

}  // namespace tinyscope::session
