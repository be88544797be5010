// Proves the runtime allocates nothing on the heap while loading, allocating and invoking:
// this binary replaces global operator new (and malloc, outside sanitizer builds) with
// counting versions and checks the counter around the runtime calls.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "model_runner/host/host_runner.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/core_ops.h"
#include "test_support.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

void note() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define TINYSCOPE_COUNT_MALLOC 0
#else
#define TINYSCOPE_COUNT_MALLOC 1
extern "C" void* __libc_malloc(size_t);
extern "C" void* __libc_calloc(size_t, size_t);
extern "C" void* __libc_realloc(void*, size_t);
extern "C" void* malloc(size_t n) {
  note();
  return __libc_malloc(n);
}
extern "C" void* calloc(size_t n, size_t m) {
  note();
  return __libc_calloc(n, m);
}
extern "C" void* realloc(void* p, size_t n) {
  note();
  return __libc_realloc(p, n);
}
#endif

void* operator new(size_t n) {
  note();
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return operator new(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace tinyscope::runner {
namespace {

TEST(NoHeap, LoadAllocateInvokeResetAllocateNothing) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  // Sanity: the counter works.
  g_counting = true;
  void* probe = ::operator new(16);
  g_counting = false;
  ::operator delete(probe);
  ASSERT_GE(g_allocations.exchange(0), 1);

  for (const std::string& name : test::modelsOfTier("core")) {
    std::vector<uint8_t> model;
    ASSERT_TRUE(host::readBinaryFile(shared + "/models/" + name + ".tflite", &model, nullptr));
    std::vector<uint8_t> arena(256 * 1024);
    static OpResolver resolver;
    static const bool ready = kernels::addCoreOps(resolver) == Status::kOk;
    ASSERT_TRUE(ready);

    g_counting = true;
    {
      Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
      Status s = interp.allocate();
      if (s == Status::kOk) {
        std::memset(interp.input(0).data, 3, interp.input(0).bytes);
        s = interp.invoke();
      }
      if (s == Status::kOk) s = interp.resetState();
      g_counting = false;
      ASSERT_EQ(s, Status::kOk) << name;
    }
    g_counting = false;
    EXPECT_EQ(g_allocations.exchange(0), 0) << name << " allocated on the heap"
                                             << (TINYSCOPE_COUNT_MALLOC ? "" : " (operator new only)");
  }
}

}  // namespace
}  // namespace tinyscope::runner
