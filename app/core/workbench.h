#pragma once
// Workbench: what the tinyscope window works on — one device, one model, the live signal,
// and the device-vs-desktop comparison of each inference. No widgets: the GUI shows it,
// tests drive it headless.
//
// Thread: GUI thread. Device I/O runs on the DeviceController's thread; the desktop re-run
// and tensor comparison of an inference run on a worker (QtConcurrent) and come back as
// a queued signal carrying value types. Each job carries the run's id; a stale job's
// result is dropped.
//
// Nothing stale survives: opening another model, or the device going away, drops every
// result still on its way (resultsCleared()) and the recent frames; a simulated device
// (sim:, qemu:) is restarted with the new model so it runs what the desktop compares with.
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <deque>
#include <memory>
#include <vector>

#include "app/core/device/device_controller.h"
#include "app/core/inputs/input_recipe.h"
#include "app/core/pipeline_listen.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_comparator.h"

namespace tinyscope {

// One inference, seen from both sides.
struct RunReport {
  quint64 id = 0;
  QString error;  // set when the comparison could not be made
  runner::host::DumpComparison comparison;
  QVector<QPair<QString, double>> ops;  // op name, device µs
  QVector<double> desktopOpUs;          // same order
  double deviceTotalUs = 0;
  double desktopTotalUs = 0;
  quint64 desktopArenaBytes = 0;
  QVector<double> probabilities;  // dequantized output 0
  QStringList labels;             // from the model's sidecar, may be empty
  int topClass = -1;
  QString input;             // which input ran (the recipe's description)
  bool desktopOnly = false;  // runOnDesktop(): no device side, no comparison
  // Every captured tensor of each side, read-only and shared by the report's copies (the
  // tensor views show them); null for a side that did not run.
  std::shared_ptr<const runner::host::TensorDump> deviceTensors, desktopTensors;
};

class Workbench : public QObject {
  Q_OBJECT
 public:
  explicit Workbench(QObject* parent = nullptr);
  ~Workbench() override;

  // Loads a .tflite (and its sidecar NAME.json when present). false + *error on failure.
  // While a simulated device is connected (or connecting), it is reconnected with the new
  // model; deviceRunsModel() says whether the device is known to run the loaded model.
  bool loadModel(const QString& path, QString* error);
  bool deviceRunsModel() const;
  QString modelPath() const { return m_modelPath; }
  QString modelName() const;
  const runner::host::ModelSummary& modelSummary() const { return m_summary; }
  const runner::host::ModelFile& modelFile() const { return m_model; }
  QStringList labels() const;

  DeviceController* device() { return &m_device; }
  // sim: and qemu: addresses get the loaded model (model=...) unless they name one.
  QString resolveAddress(const QString& address) const;
  void connectTo(const QString& address);
  // The address as the user gave it (before resolveAddress), empty when none.
  QString address() const { return m_address; }

  // The model input built from the newest samples of the stream (the sidecar's window
  // recipe), or empty with *why set.
  QByteArray inputFromStream(QString* why) const;
  // The file the next run takes its input from (empty: the recipe's own source, or the
  // stream for a window recipe). Without a sidecar recipe, an image file (by suffix,
  // inputs::isImageFile) is an image, anything else a raw tensor file. Cleared when another
  // model is loaded.
  void setInputSource(const QString& path) { m_inputSource = path; }
  QString inputSource() const { return m_inputSource; }
  // Raw samples (frames x `channels`, interleaved, e.g. a recorded dataset sample) the next run
  // of a window recipe takes its window from, starting at frame `first`, instead of the stream.
  // Used by that one run; `description` names the input in its report.
  void setInputSamples(std::vector<float> interleaved, int channels, qint64 first,
                       const QString& description);
  // The model's input recipe (its sidecar's "input"); without one, recipeError() says why.
  bool hasRecipe() const { return m_hasRecipe; }
  const inputs::InputRecipe& recipe() const { return m_recipe; }
  QString recipeError() const { return m_recipeError; }
  // Writes `recipe` into the model's sidecar (inputs::saveRecipeFor) and uses it for the next
  // runs. false + *error naming the file; the recipe in use is then unchanged.
  bool saveRecipe(const inputs::InputRecipe& recipe, QString* error);
  // Runs the model on the device with full tensor capture on the recipe's input; runReport()
  // follows. The input is built on a worker (files are read and decoded there, never on the
  // GUI thread), then sent. Without an input (no recipe and no chosen file, or a window the
  // stream has not filled yet) nothing is sent: false, and runReport() carries the reason at
  // once; a source that fails to build is reported the same way, later. Never made-up bytes.
  bool runOnDevice();
  // The same input through the desktop runtime only (tensor capture, per-op times); the
  // report has desktopOnly set and no comparison. Needs no device.
  bool runOnDesktop();
  // Device ▸ Listen: the model's audio recipe runs on the device (RunPipeline: the front-end in
  // one of its slots hears the audio sensor, the model classifies) and the whole pipeline is
  // compared with the desktop's on the samples the device heard (app/core/pipeline_listen);
  // listenReport() follows, once. The device part runs on the I/O thread, the comparison on a
  // worker. false + *why at once when the model has no audio recipe, no device runs the agent, or
  // a listen is already under way. A model change or disconnect makes a listen under way stale.
  bool listen(QString* why);
  bool isListening() const { return m_listening; }

 Q_SIGNALS:
  void modelChanged();
  // Results shown so far (prediction, comparison, profile, plotted frames) are stale: a
  // model change or the device going away.
  void resultsCleared();
  // Frames (channels values each) that arrived since the last tick; display-rate (30 Hz).
  void framesArrived(const std::vector<float>& interleaved, int frames, int channels);
  void runStarted(quint64 id);
  void runReport(const tinyscope::RunReport& report);
  void listenStarted();
  void listenReport(const tinyscope::ListenResult& result);

 private:
  void onTick();
  void clearResults();
  // The id of the oldest run still waiting for the device: the session ends every run
  // exactly once and in order (result, refusal, replacement or timeout), so each answer
  // is matched to the run that asked for it.
  quint64 takeRunId();
  // What the next run's input is built from, decided on the GUI thread without reading a file.
  struct InputPlan {
    inputs::InputRecipe recipe;
    QString source;
    bool fromStream = false;
    std::vector<float> window;  // raw samples (fromStream: of the stream or setInputSamples)
    QString description;        // set for setInputSamples
  };
  bool planInput(InputPlan* plan, QString* why) const;
  // Builds the planned input on a worker, then sends it to the device or the desktop runtime.
  bool startRun(bool onDevice);
  void refuseRun(const QString& why);

  DeviceController m_device;
  QTimer m_tick;
  QString m_modelPath;
  QString m_address;          // as given to connectTo()
  QString m_deviceModelPath;  // the model a simulated device was started with
  runner::host::ModelFile m_model;
  runner::host::ModelSummary m_summary;
  QJsonObject m_sidecar;
  inputs::InputRecipe m_recipe;
  bool m_hasRecipe = false;
  QString m_recipeError;  // why the model has no recipe
  QString m_inputSource;
  std::vector<float> m_inputSamples;  // setInputSamples(), for the next run only
  int m_inputSampleChannels = 0;
  qint64 m_inputSampleFirst = 0;
  QString m_inputSampleDescription;
  QString m_lastInput;         // description of the input of the newest run
  std::deque<float> m_recent;  // newest frames (raw values, interleaved), bounded
  int m_recentChannels = 0;
  quint64 m_runId = 0;
  std::deque<quint64> m_deviceRuns;  // ids of runs sent to the device, oldest first
  bool m_listening = false;
};

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::RunReport)
Q_DECLARE_METATYPE(tinyscope::ListenResult)
