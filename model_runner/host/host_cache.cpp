#include "model_runner/host/host_cache.h"

#include <cstdint>
#include <new>

namespace tinyscope::runner::host {

void* HostCache::allocate(size_t bytes, size_t align, void* context) {
  auto* self = static_cast<HostCache*>(context);
  if (self == nullptr || align == 0 || align > 64 || (align & (align - 1)) != 0) return nullptr;
  std::unique_ptr<unsigned char[]> block(new (std::nothrow) unsigned char[bytes + align]);
  if (!block) return nullptr;
  const auto addr = reinterpret_cast<uintptr_t>(block.get());
  void* p = block.get() + ((align - addr % align) % align);
  self->m_blocks.push_back(std::move(block));
  self->m_bytes += bytes;
  return p;
}

}  // namespace tinyscope::runner::host
