#pragma once
// The frame benches' clock: CPU time of the calling thread in ms. On a machine shared with other
// work, a frame's wall time also counts the time its thread waited for a core; this does not.
// Header only; any thread.
#include <ctime>

inline double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
