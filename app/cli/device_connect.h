#pragma once
// The device plumbing the device verbs share (defined in device_verbs.cpp): the --device and
// --timeout options, --sensor and --rate, the connection with its one-line errors, the sensor named
// by --sensor.
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <memory>

#include "app/core/device/device_session.h"
#include "app/core/session/session_recording.h"

namespace tinyscope::cli {

extern const QCommandLineOption kDeviceOpt;
extern const QCommandLineOption kTimeoutOpt;
extern const QCommandLineOption kSensorOpt;
extern const QCommandLineOption kRateOpt;

// Opens a session and completes the handshake; nullptr after printing one error line
// (*code: 2 for a bad address or option, 1 when the device did not answer). With `sessionLog`
// set, every frame from the first Hello on is recorded there (see --session).
std::unique_ptr<DeviceSession> connectDevice(const QString& verb, const QCommandLineParser& p,
                                             int* code);

// --session FILE: the session log of `stream` and `infer`.
extern const QCommandLineOption kSessionOpt;
// Connects like connectDevice() and, with a sessionPath, records the session there: the header
// names `model` (may be null; stored in `store`, by default the one beside the log). nullptr
// after one error line; *recording is set when sessionPath is not empty.
std::unique_ptr<DeviceSession> connectRecorded(
    const QString& verb, const QCommandLineParser& p, const QString& sessionPath,
    const runner::host::ModelFile* model, std::unique_ptr<session::SessionRecording>* recording,
    int* code);

// The index in info.hello.sensors of the sensor whose id is `idText`, or -1.
int sensorIndex(const DeviceInfo& info, const QString& idText);

}  // namespace tinyscope::cli
