#pragma once
// PipelineComparison: a device's run of an audio pipeline (RunPipeline: the samples it heard,
// every front-end window's op outputs, the model's input and op outputs) against the desktop's
// run of the same recipe on the same samples, tensor by tensor: front-end windows first, in
// order, then the model. The first tensor that differs is named (model, window, op, output,
// first differing byte); a tensor the device did not send is a difference too.
//
// Thread: any; no shared state. Memory: the desktop's run (every window's tensors).
#include <QString>
#include <cstdint>
#include <functional>
#include <vector>

#include "app/core/inputs/input_recipe.h"

namespace tinyscope::inputs {

// The device's captured tensor (opIndex as on the wire: proto::frontEndOpIndex(w, op) for the
// front-end, the op index for the model, 0xFFFE for its input): false when it did not come.
using DeviceTensor =
    std::function<bool(uint16_t opIndex, uint8_t output, const uint8_t** data, size_t* size)>;

struct PipelineComparison {
  int frontEndTensors = 0;  // compared (and equal, unless firstDivergence says otherwise)
  int modelTensors = 0;
  QString firstDivergence;  // empty: every tensor of both models equal
};

// Runs the plan's front-end and `model` on `samples` (what the device heard) with capture and
// compares. false + *error when the desktop run itself fails.
bool comparePipeline(const AudioPlan& plan, const runner::host::ModelFile& model,
                     const runner::host::ModelSummary& modelSummary,
                     const std::vector<int16_t>& samples, const DeviceTensor& device,
                     PipelineComparison* out, QString* error);

}  // namespace tinyscope::inputs
