#pragma once
// Turns what a device captured during one inference into a tensor dump in the golden
// layout, so device runs compare with desktop runs and golden files by one comparator.
// The device names tensors by (operator, output k); the model file maps them to tensor
// indices. Any thread.
#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "app/core/device/device_session.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_dump.h"

namespace tinyscope {

// The model tensor a device capture names: op `opIndex`'s output `tensorIndex`, or model input /
// output `tensorIndex` for kModelInputOp / kModelOutputOp; -1 when the model has no such tensor.
int capturedTensorIndex(const runner::host::ModelSummary& summary, quint16 opIndex,
                        quint8 tensorIndex);

// false + *error (one sentence) when a captured tensor does not fit the model — typically
// the device runs another model than `model`. The dump holds what the device produced:
// tensors and outputs. Its arena_used_bytes is 0 (the device reports the arena it has, not
// what the model used; the oracle line names the size) and it carries no per-op times:
// those are in deviceTimingJson(), in the units the device measured.
bool deviceRunToDump(const InferenceRun& run, const QByteArray& input,
                     const runner::host::ModelFile& model, const QString& deviceDescription,
                     quint32 arenaBytes, runner::host::TensorDump* out, QString* error);

// device_timing.json: per-op device times in the device's own units — "ticks" of its op
// timer (tick_hz per second) and "us" (microseconds) — with op names from `summary` (may be
// null), never converted to a finer unit than was measured.
QJsonObject deviceTimingJson(const InferenceRun& run, const DeviceInfo& info, const QString& device,
                             const runner::host::ModelSummary* summary);

}  // namespace tinyscope
