#include "device_protocol/host/transport.h"

#include <chrono>

namespace tinyscope::link {

qint64 steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace tinyscope::link
