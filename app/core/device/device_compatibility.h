#pragma once
// Whether a device can run a model, decided on the desktop before a byte is sent: the one
// check `flash` (pre-flight) and `infer` share. It compares the model image header
// (device_protocol/model_image.h: operators, arena per kernel set, minimum firmware and
// protocol) and the image size with what the device's HelloReply announces.
//
// Pure function of its arguments; any thread; no allocation beyond the returned strings.
#include <QString>
#include <QStringList>

#include "device_protocol/messages.h"
#include "device_protocol/model_image.h"

namespace tinyscope {

// Every reason, one sentence each, in a fixed order (protocol, firmware, operators, arena,
// slot); empty when the device can run the model. `slotCapacity` is the payload capacity
// of the slot the image goes to, 0 when nothing is flashed (no size check).
QStringList deviceCompatibilityProblems(const proto::HelloReply& hello,
                                        const proto::ModelImageHeader& image, quint32 imageBytes,
                                        quint32 slotCapacity);

// "<where>: <model> cannot run on this device: <problem>; <problem>; ..." (one line).
QString describeIncompatibility(const QString& where, const QString& model,
                                const QStringList& problems);

}  // namespace tinyscope
