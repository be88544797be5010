// The optimized kernels allocate nothing on the heap in prepare or invoke: this binary replaces
// global operator new (and malloc, outside sanitizer builds) with counting versions and checks
// the counter around allocate() + invoke() of every core and extended model.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "model_runner/host/host_runner.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/optimized/optimized_ops.h"
#include "test_support.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

void note() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if !defined(__SANITIZE_ADDRESS__)
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

TEST(OptimizedNoHeap, AllocateAndInvokeAllocateNothing) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  g_counting = true;
  void* probe = ::operator new(16);
  g_counting = false;
  ::operator delete(probe);
  ASSERT_GE(g_allocations.exchange(0), 1);

  static OpResolver resolver;
  ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
  ASSERT_EQ(optimized::addOptimizedOps(resolver), Status::kOk);
  std::vector<std::string> names = test::modelsOfTier("core");
  for (const std::string& n : test::modelsOfTier("extended")) names.push_back(n);
  ASSERT_GE(names.size(), 10u);
  std::vector<uint8_t> arena(size_t{4} << 20);
  for (const std::string& name : names) {
    std::vector<uint8_t> model;
    ASSERT_TRUE(host::readBinaryFile(shared + "/models/" + name + ".tflite", &model, nullptr));
    g_counting = true;
    Status s;
    {
      Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
      s = interp.allocate();
      if (s == Status::kOk) {
        std::memset(interp.input(0).data, 3, interp.input(0).bytes);
        s = interp.invoke();
        if (s == Status::kOk) s = interp.invoke();
      }
    }
    g_counting = false;
    EXPECT_EQ(s, Status::kOk) << name;
    EXPECT_EQ(g_allocations.exchange(0), 0) << name << " allocated on the heap";
  }
}

}  // namespace
}  // namespace tinyscope::runner
