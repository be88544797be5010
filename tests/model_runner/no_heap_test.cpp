// Proves the runtime allocates nothing on the heap while loading, allocating and invoking:
// counting_allocator.cpp replaces the global allocators in this binary; the test checks the
// count around the runtime calls.
#include <gtest/gtest.h>

#include <cstring>

#include "counting_allocator.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/kernels/core_ops.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

TEST(NoHeap, LoadAllocateInvokeResetAllocateNothing) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  // Sanity: the counter works.
  test::startCountingAllocations();
  void* probe = ::operator new(16);
  const long probes = test::stopCountingAllocations();
  ::operator delete(probe);
  ASSERT_GE(probes, 1);

  for (const std::string& name : test::modelsOfTier("core")) {
    std::vector<uint8_t> model;
    ASSERT_TRUE(host::readBinaryFile(shared + "/models/" + name + ".tflite", &model, nullptr));
    std::vector<uint8_t> arena(256 * 1024);
    static AllOpsResolver resolver;
    static const bool ready = kernels::addCoreOps(resolver) == Status::kOk;
    ASSERT_TRUE(ready);

    test::startCountingAllocations();
    {
      Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
      Status s = interp.allocate();
      if (s == Status::kOk) {
        std::memset(interp.input(0).data, 3, interp.input(0).bytes);
        s = interp.invoke();
      }
      if (s == Status::kOk) s = interp.resetState();
      const long allocations = test::stopCountingAllocations();
      ASSERT_EQ(s, Status::kOk) << name;
      EXPECT_EQ(allocations, 0) << name << " allocated on the heap"
                                << (test::countsMalloc() ? "" : " (operator new only)");
    }
  }
}

// The signal tier (the audio front-end: FlexBuffer options, FFT twiddles, filter-bank state)
// with every operator registered, invoked twice so the stateful noise estimate is exercised.
TEST(NoHeap, SignalTierAllocatesNothing) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  static AllOpsResolver resolver;
  static const bool ready = kernels::addAllOps(resolver) == Status::kOk;
  ASSERT_TRUE(ready);
  const std::vector<std::string> names = test::modelsOfTier("signal");
  ASSERT_FALSE(names.empty());
  for (const std::string& name : names) {
    std::vector<uint8_t> model;
    ASSERT_TRUE(host::readBinaryFile(shared + "/models/" + name + ".tflite", &model, nullptr));
    std::vector<uint8_t> arena(256 * 1024);
    test::startCountingAllocations();
    {
      Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
      Status s = interp.allocate();
      for (int run = 0; run < 2 && s == Status::kOk; ++run) {
        std::memset(interp.input(0).data, 3 + run, interp.input(0).bytes);
        s = interp.invoke();
      }
      const long allocations = test::stopCountingAllocations();
      ASSERT_EQ(s, Status::kOk) << name;
      EXPECT_EQ(allocations, 0) << name << " allocated on the heap";
    }
  }
}

}  // namespace
}  // namespace tinyscope::runner
