#pragma once
// infer --listen: prints what app/core/pipeline_listen runs (the model's audio recipe on the
// device through RunPipeline, the whole pipeline compared with the desktop's).
// Thread: the CLI's one thread. Errors: one line naming the sensor, slot, model or tensor.
#include <QString>

#include "app/core/device/device_session.h"
#include "app/core/pipeline_listen.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"

namespace tinyscope::cli {

struct PipelineRequest : ListenRequest {
  const runner::host::ModelFile* model = nullptr;
  const runner::host::ModelSummary* summary = nullptr;
  bool json = false;
};

// Runs it and prints the word, the timing and the comparison. The exit code: 0 when the run
// succeeded and every tensor matched, 1 when the device failed or a tensor differs, 2 bad input.
int runInferPipeline(const QString& verb, DeviceSession& session, const PipelineRequest& r);

}  // namespace tinyscope::cli
