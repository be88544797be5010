#pragma once
// The `sim:` device launcher: starts the host build of the agent (tinyscope-agent) as a child
// process and hands its stdin/stdout to the session as a plain ProcessTransport.
//
//   sim:                                   one sine sensor, the bundled demo model
//   sim:?sensor=imu|audio|sine&rate=HZ     the agent's synthetic sensors
//   sim:?wav=FILE | csv=FILE               file playback
//   sim:?model=PATH                        a .tflite in the agent's slot 0
//   sim:?agent=PATH                        another agent binary
//   sim:?fault-op=NAME                     operator NAME flips a bit (tests of divergence)
//
// Thread: any (the transport it returns lives in the caller's thread). Errors: one sentence
// naming what is missing (no agent binary).
#include <QString>
#include <memory>

#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"

namespace tinyscope {

// Where tinyscope-agent is: the sim: option agent=PATH, else $TINYSCOPE_AGENT, else next to
// the running program, else the build tree's copy. Empty when none exists.
QString findAgentProgram(const link::DeviceUri& uri);

// The transport of a sim: address (not yet open), or nullptr with *error set.
std::unique_ptr<link::Transport> launchSimulator(const link::DeviceUri& uri, QString* error);

}  // namespace tinyscope
