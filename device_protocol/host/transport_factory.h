#pragma once
// Makes the transport a device address names. sim: spawns the host agent
// (tinyscope-agent on its stdin/stdout). Caller owns the result.
#include <memory>

#include "device_protocol/host/device_uri.h"
#include "device_protocol/host/transport.h"

namespace tinyscope::link {

// Where tinyscope-agent is: the sim: option agent=PATH, else $TINYSCOPE_AGENT, else next to
// the running program, else the build tree's copy. Empty when none exists.
QString findAgentProgram(const DeviceUri& uri);

// nullptr with *error set when the address cannot be served (e.g. no agent binary).
std::unique_ptr<Transport> createTransport(const DeviceUri& uri, QString* error);

}  // namespace tinyscope::link
