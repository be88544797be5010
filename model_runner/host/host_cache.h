// Desktop memory outside the interpreter's arena (Interpreter::setHostCache): each operator's
// decoded description and the optimized kernels' packed weights, built once at allocate().
//
//   HostCache cache;
//   interp.setHostCache(HostCache::allocate, &cache);   // before interp.allocate()
//
// Ownership: the cache owns every block until it is destroyed; it must outlive the Interpreter.
// Memory: what the kernels ask for (Interpreter::hostCacheBytes()), a few blocks per operator.
// Threading: one Interpreter per cache at a time. Errors: allocate() returns nullptr when the
// heap is exhausted (the kernels then keep to the arena).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace tinyscope::runner::host {

class HostCache {
 public:
  // HostCacheFn: `bytes` aligned to `align` (a power of two up to 64); `context` is the cache.
  static void* allocate(size_t bytes, size_t align, void* context);
  size_t bytes() const { return m_bytes; }

 private:
  std::vector<std::unique_ptr<unsigned char[]>> m_blocks;
  size_t m_bytes = 0;
};

}  // namespace tinyscope::runner::host
