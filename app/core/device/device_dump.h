#pragma once
// Turns what a device captured during one inference into a tensor dump in the golden
// layout, so device runs compare with desktop runs and golden files by one comparator.
// The device names tensors by (operator, output k); the model file maps them to tensor
// indices. Any thread.
#include <QByteArray>
#include <QString>

#include "app/core/device/device_session.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/tensor_dump.h"

namespace tinyscope {

// false + *error (one sentence) when a captured tensor does not fit the model — typically
// the device runs another model than `model`.
bool deviceRunToDump(const InferenceRun& run, const QByteArray& input,
                     const runner::host::ModelFile& model, const QString& deviceDescription,
                     quint32 arenaBytes, runner::host::TensorDump* out, QString* error);

}  // namespace tinyscope
