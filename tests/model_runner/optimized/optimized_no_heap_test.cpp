// The optimized kernels allocate nothing on the heap in prepare or invoke: this binary replaces
// the global allocators (counting_allocator.cpp) and checks the count around allocate() +
// invoke() of every core and extended model.
#include <gtest/gtest.h>

#include <cstring>

#include "counting_allocator.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/optimized/optimized_ops.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

TEST(OptimizedNoHeap, AllocateAndInvokeAllocateNothing) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  test::startCountingAllocations();
  void* probe = ::operator new(16);
  const long probes = test::stopCountingAllocations();
  ::operator delete(probe);
  ASSERT_GE(probes, 1);

  static AllOpsResolver resolver;
  ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
  ASSERT_EQ(optimized::addOptimizedOps(resolver), Status::kOk);
  std::vector<std::string> names = test::modelsOfTier("core");
  for (const std::string& n : test::modelsOfTier("extended")) names.push_back(n);
  ASSERT_GE(names.size(), 10u);
  std::vector<uint8_t> arena(size_t{4} << 20);
  for (const std::string& name : names) {
    std::vector<uint8_t> model;
    ASSERT_TRUE(host::readBinaryFile(shared + "/models/" + name + ".tflite", &model, nullptr));
    test::startCountingAllocations();
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
    const long allocations = test::stopCountingAllocations();
    EXPECT_EQ(s, Status::kOk) << name;
    EXPECT_EQ(allocations, 0) << name << " allocated on the heap";
  }
}

}  // namespace
}  // namespace tinyscope::runner
