#pragma once
// The `sim:` device launcher: starts the host build of the agent (tinyscope-agent) as a child
// process and hands its stdin/stdout to the session as a plain ProcessTransport.
//
//   sim:                                   one sine sensor, the bundled demo model
//   sim:?sensor=imu|audio|sine&rate=HZ     the agent's synthetic sensors
//   sim:?wav=FILE | csv=FILE               file playback
//   sim:?model=PATH                        a fresh device with this .tflite active in slot 0
//                                          (temporary slots unless slots= is given, as qemu:)
//   sim:?slots=DIR                         the slot files (default: simSlotsDirectory(); an
//                                          empty DIR = temporary slots, gone at disconnect)
//   sim:?arena=BYTES                       the agent's arena (K/M suffix), at most its default
//   sim:?baud=N                            the agent paces its link like an N-baud UART
//   sim:?agent=PATH                        another agent binary
//   sim:?fault-op=NAME                     operator NAME flips a bit (tests of divergence)
//
// Like a board's flash, the slots outlive a connection: `flash --device sim: m.tflite` then
// `info --device sim:` shows m. One agent uses a slot directory at a time (it locks it).
//
// Thread: any (the transport it returns lives in the caller's thread). Errors: one sentence
// naming what is missing (no agent binary) or the state directory at fault.
#include <QString>
#include <memory>

#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"

namespace tinyscope {

// Where tinyscope-agent is: the sim: option agent=PATH, else $TINYSCOPE_AGENT, else next to
// the running program, else the build tree's copy. Empty when none exists.
QString findAgentProgram(const link::DeviceUri& uri);

// The per-user slot directory of sim: ($XDG_STATE_HOME, else ~/.local/state, then
// tinyscope/sim-slots), created with mode 0700 where missing. Empty with *error set when
// neither variable names an absolute path or the directory is not a private directory of
// this user (a symlink, another owner, writable by others).
QString simSlotsDirectory(QString* error);

// The transport of a sim: address (not yet open), or nullptr with *error set.
std::unique_ptr<link::Transport> launchSimulator(const link::DeviceUri& uri, QString* error);

}  // namespace tinyscope
