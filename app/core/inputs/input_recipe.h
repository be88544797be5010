#pragma once
// InputRecipe: where a model's input 0 comes from, declared in the model's sidecar
// (NAME.json beside NAME.tflite, key "input", docs/RUNNER.md "Input recipes") instead of
// made-up bytes. buildInput() turns a recipe plus a source (a file, or the live stream's raw
// samples for a window) into the exact bytes of the model's input tensor.
//
// Thread: any; no shared state. Memory: the source file (bounded, see the k*Bytes limits)
// plus the input tensor. Errors: false + one sentence naming the file, field or tensor at fault.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"

namespace tinyscope::inputs {

enum class InputKind { kTensorFile, kWindow, kImage, kAudio };

// "tensor-file", "window", "image", "audio".
const char* inputKindName(InputKind kind);

// File name suffixes (lower case, no dot) read as images: the one list behind the GUI's file
// filters and the kind given to a chosen file of a model without a recipe.
const QStringList& imageFileSuffixes();
bool isImageFile(const QString& path);

// Source files are refused beyond these sizes before they are read.
constexpr qint64 kMaxImageFileBytes = qint64{64} << 20;
constexpr qint64 kMaxAudioSeconds = 60;
constexpr int kMaxImageSide = 8192;

struct InputRecipe {
  InputKind kind = InputKind::kTensorFile;
  QString source;  // default source file (absolute once parsed; may be empty)
  // window: raw samples, time-major with axes interleaved; int8 = round(raw / (rawPerUnit *
  // input scale)) + input zero point, clamped.
  int windowLength = 0;
  QStringList axes;
  double rawPerUnit = 1.0;  // raw counts per physical unit (the sidecar's raw_counts_per_g)
  // image: 0..255 pixel values map linearly onto [pixelMin, pixelMax] before quantization.
  double pixelMin = 0.0;
  double pixelMax = 1.0;
  // audio: 16-bit mono PCM at sampleRateHz, windowMs windows every strideMs through the
  // front-end model; its outputs (one row per window) are stacked into the input.
  QString frontEndModel;  // absolute once parsed
  int sampleRateHz = 16000;
  int windowMs = 30;
  int strideMs = 20;
};

// The recipe in sidecar JSON `input` (relative paths resolve against `baseDir`). A sidecar
// input without "recipe" but with window_length and axes is a window recipe (the bundled
// demo's original form). false + *error naming the field.
bool parseRecipe(const QJsonObject& input, const QString& baseDir, InputRecipe* out,
                 QString* error);
// A recipe file: the sidecar format (an object whose "input" is the recipe) or the bare
// recipe object; at most 1 MiB. false + *error naming the file and field.
bool loadRecipeFile(const QString& path, InputRecipe* out, QString* error);
// The sidecar of `modelPath` (NAME.json beside NAME.tflite). false + *error when it is
// absent, unreadable, not JSON, or has no recipe.
bool loadRecipeFor(const QString& modelPath, InputRecipe* out, QString* error);

struct BuiltInput {
  std::vector<uint8_t> bytes;  // exactly the input tensor's size
  QString description;         // e.g. "audio yes.wav (16000 Hz, 49 windows via ...)"
};

// Bytes of `model`'s input 0 from `recipe` and `sourcePath` (empty: recipe.source). For a
// window, `rawWindow` (when not null) holds the raw samples instead of a file.
bool buildInput(const InputRecipe& recipe, const runner::host::ModelSummary& model,
                const QString& sourcePath, BuiltInput* out, QString* error,
                const std::vector<float>* rawWindow = nullptr);

// A mono 16-bit PCM WAV at rateHz, at most kMaxAudioSeconds long (what a device's audio sensor
// can play back). false + *error naming the file and what is wrong with it.
bool readPcm16Wav(const QString& path, int rateHz, std::vector<int16_t>* pcm, QString* error);

// An audio recipe fitted to a model input: the front-end model and how it tiles the input.
struct AudioPlan {
  runner::host::ModelFile frontEnd;
  runner::host::ModelSummary frontEndSummary;
  size_t windowSamples = 0;  // the front-end's input length
  size_t strideSamples = 0;
  size_t windows = 0;  // front-end outputs stacked into the input
  size_t samplesNeeded() const {
    return windows == 0 ? 0 : windowSamples + (windows - 1) * strideSamples;
  }
};
// Loads the recipe's front-end and checks it against `input` (int16 windows of windowMs in,
// outputs of input's type that tile it). false + *error naming the model and tensor.
bool planAudio(const InputRecipe& recipe, const runner::host::SummaryTensor& input, AudioPlan* out,
               QString* error);

struct FrontEndRun {
  std::vector<uint8_t> features;                 // output 0 of every window, stacked
  std::vector<runner::host::RunResult> windows;  // each window's tensors (captureTensors only)
};
// The front-end over mono `pcm` (padded with silence to samplesNeeded()): one interpreter for
// every window, so its state carries over as on a device. false + *error naming the window.
bool runFrontEnd(const AudioPlan& plan, std::vector<int16_t> pcm, bool captureTensors,
                 FrontEndRun* out, QString* error);

}  // namespace tinyscope::inputs
