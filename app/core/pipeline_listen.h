#pragma once
// Listening on the device (`infer --listen`, the window's Device ▸ Listen): the model's audio
// recipe runs on the device (RunPipeline): the recipe's front-end, found in one of the device's
// slots by its CRC-32, hears the first samples of a device sensor's stream and its outputs feed
// the model; the desktop then repeats the pipeline on the samples the device heard and compares
// every tensor of both models (inputs/pipeline_comparison): front-end windows first, then the
// classifier. The one implementation the CLI and the GUI share.
//
// Thread: startListen() and its callback on the session's thread (the CLI's one thread, the
// DeviceController's I/O thread); compareListen() on any thread (a worker in the GUI).
// Memory: the device run holds every captured tensor; the comparison the desktop's run too.
// Errors: one sentence naming the sensor, slot, model or tensor.
#include <QString>
#include <functional>
#include <memory>

#include "app/core/device/device_session.h"
#include "app/core/inputs/input_recipe.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"

namespace tinyscope {

struct ListenRequest {
  QString modelPath;           // labels come from its sidecar
  inputs::InputRecipe recipe;  // an audio recipe
  QString sensorId;            // empty: the first mono int16 sensor at the recipe's rate
  bool capture = true;         // capture (and later compare) every tensor
  int waitMs = 120000;
  bool stopStream = true;  // stop the sensor's stream afterwards (the GUI keeps plotting it)
};

// Where a listen stands: what went wrong, or where it heard what.
struct ListenOutcome {
  QString error;          // empty: so far so good
  bool badInput = false;  // the error is the request's or the device's setup, not a failure
  QString device, board;  // the address and board name
  QString heard;          // which samples went through which front-end, in words
};

// What the device did: its run and the plan the desktop repeats.
struct ListenDeviceRun : ListenOutcome {
  std::shared_ptr<const inputs::AudioPlan> plan;
  InferenceRun run;
};

// The word, the timing and the comparison (error empty: compared, or not asked to).
struct ListenResult : ListenOutcome {
  QString word;  // the top class's label (sidecar), else "class N"
  int topClass = -1;
  quint32 deviceMicros = 0;
  int ops = 0;
  int capturedTensors = 0;
  bool compared = false;
  int frontEndWindows = 0;
  int frontEndTensorsEqual = 0, modelTensorsEqual = 0;
  QString firstDivergence;  // empty: identical (when compared)
  QString verdict;          // "identical: …", "differs at …" or "not compared …"
  bool identical() const { return error.isEmpty() && firstDivergence.isEmpty(); }
};

// Plans the recipe against the model's input, picks the sensor and the front-end's slot, starts
// the stream, waits until the pipeline's samples are heard and runs it. `done` runs exactly once
// on the session's thread (at once when the request or the device cannot do it). Timers and
// requests live under `session`: when it is destroyed first, `done` never runs.
void startListen(DeviceSession* session, const runner::host::ModelSummary& summary,
                 const ListenRequest& request, std::function<void(ListenDeviceRun)> done);

// The word from the device's output and, when it captured, the whole pipeline against the
// desktop's on the samples the device heard.
ListenResult compareListen(const ListenDeviceRun& deviceRun, const QString& modelPath,
                           const runner::host::ModelFile& model,
                           const runner::host::ModelSummary& summary, bool capture);

}  // namespace tinyscope
