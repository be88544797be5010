// The state behind the host implementation of hal.h: the link, the clock origin and the
// slot files. main() configures it before hal::init(); hal functions use it. One per
// process (hal.h is a set of free functions).
#pragma once

#include <string>
#include <vector>

#include "host_link.h"
#include "slot_files.h"

namespace tinyscope::agent::host {

struct HostPlatform {
  HostLink link;
  SlotFiles slots;
  std::vector<std::string> argv;  // for reboot(): re-exec with the same arguments
  bool quit = false;              // set by SIGINT/SIGTERM or when the stdio host hung up
};

// The process-wide platform hal.h runs on.
HostPlatform& platform();

}  // namespace tinyscope::agent::host
