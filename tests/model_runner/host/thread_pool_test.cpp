// The desktop thread pool and `threads` runs: every task runs once with a private aligned
// scratch, and large models give the golden outputs and the same tensors with 1, 2 and 3 threads.
#include "model_runner/host/thread_pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "model_runner/host/file_io.h"
#include "model_runner/host/host_cache.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

struct Tally {
  std::vector<int> runs;
  size_t scratchBytes = 0;
  bool scratchOk = true;
};

void countTask(void* arg, int32_t index, int8_t* scratch) {
  auto* t = static_cast<Tally*>(arg);
  ++t->runs[static_cast<size_t>(index)];  // each index is run by exactly one thread
  if (reinterpret_cast<uintptr_t>(scratch) % 64 != 0) t->scratchOk = false;
  // The scratch is this thread's alone while the task runs: a pattern written stays intact.
  std::memset(scratch, static_cast<int>(index & 0x7f), t->scratchBytes);
  for (size_t i = 0; i < t->scratchBytes; ++i) {
    if (scratch[i] != static_cast<int8_t>(index & 0x7f)) t->scratchOk = false;
  }
}

TEST(ThreadPool, RunsEveryTaskOnceWithPrivateScratch) {
  for (int threads : {1, 2, 3, 5}) {
    host::ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int32_t tasks : {1, 2, 3, 7, 64}) {
      for (int repeat = 0; repeat < 20; ++repeat) {
        Tally t;
        t.runs.assign(static_cast<size_t>(tasks), 0);
        t.scratchBytes = 1000 + static_cast<size_t>(repeat) * 37;
        pool.run(tasks, t.scratchBytes, countTask, &t);
        for (int32_t i = 0; i < tasks; ++i)
          EXPECT_EQ(t.runs[static_cast<size_t>(i)], 1) << threads << " threads, task " << i;
        EXPECT_TRUE(t.scratchOk);
      }
    }
  }
  EXPECT_EQ(host::ThreadPool(0).threads(), 1);
  EXPECT_EQ(host::ThreadPool(1000).threads(), host::kMaxThreads);
}

class ThreadsGolden : public ::testing::TestWithParam<const char*> {};

// The golden case seed1 of a large model: outputs as TFLM's, every tensor identical for 1, 2
// and 3 threads, on the same ModelInstance twice (the pool is kept between invokes).
TEST_P(ThreadsGolden, BitIdenticalForAnyThreadCount) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  if (!host::optimizedKernelsAvailable()) GTEST_SKIP() << "the optimized kernels are not built";
  const std::string name = GetParam();
  const std::string dir = shared + "/golden/" + name + "/seed1/";
  host::ModelFile model;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/" + name + ".tflite", &model, &error)) << error;
  std::vector<uint8_t> input, golden;
  ASSERT_TRUE(host::readBinaryFile(dir + "input.bin", &input, &error)) << error;
  ASSERT_TRUE(host::readBinaryFile(dir + "output.bin", &golden, &error)) << error;
  host::RunResult single;
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    host::RunOptions options;
    options.kernels = host::Kernels::kOptimized;
    options.threads = threads;
    host::ModelInstance instance;
    ASSERT_TRUE(instance.open(model, options, &error)) << error;
    for (int run = 0; run < 2; ++run) {
      host::RunResult r;
      ASSERT_TRUE(instance.run({input}, &r, &error)) << error;
      ASSERT_EQ(r.outputs.size(), 1u);
      EXPECT_TRUE(r.outputs[0] == golden) << "output differs from the golden output";
      if (threads == 1 && run == 0) {
        single = r;
        continue;
      }
      ASSERT_EQ(r.tensorBytes.size(), single.tensorBytes.size());
      for (size_t t = 0; t < r.tensorBytes.size(); ++t)
        EXPECT_TRUE(r.tensorBytes[t] == single.tensorBytes[t]) << "tensor " << t;
    }
  }
}

// The pool really takes the layers: an interpreter invoked under ThreadPool::Use hands the
// large convolutions of MobileNetV2 to the pool in bands, and still gives the golden output.
TEST(ThreadsBands, LargeLayersRunOnThePool) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  if (!host::optimizedKernelsAvailable()) GTEST_SKIP() << "the optimized kernels are not built";
  const std::string dir = shared + "/golden/mobilenet_v2_quantized/seed1/";
  host::ModelFile model;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/mobilenet_v2_quantized.tflite", &model, &error))
      << error;
  std::vector<uint8_t> input, golden;
  ASSERT_TRUE(host::readBinaryFile(dir + "input.bin", &input, &error)) << error;
  ASSERT_TRUE(host::readBinaryFile(dir + "output.bin", &golden, &error)) << error;
  AllOpsResolver resolver;
  ASSERT_EQ(host::addKernels(resolver, host::Kernels::kOptimized), Status::kOk);
  host::HostCache cache;
  std::vector<uint8_t> arena(size_t{8} << 20);
  Interpreter interp(model.bytes.data(), model.bytes.size(), resolver, arena.data(), arena.size());
  interp.setHostCache(host::HostCache::allocate, &cache);
  ASSERT_EQ(interp.allocate(), Status::kOk);
  host::ThreadPool pool(3);
  const host::ThreadPool::Use use(&pool);
  ASSERT_EQ(interp.input(0).bytes, input.size());
  std::memcpy(interp.input(0).data, input.data(), input.size());
  ASSERT_EQ(interp.invoke(), Status::kOk);
  EXPECT_GT(pool.tasksRun(), 0u);
  const TensorView out = interp.output(0);
  const auto* p = static_cast<const uint8_t*>(out.data);
  EXPECT_TRUE(std::vector<uint8_t>(p, p + out.bytes) == golden);
}

INSTANTIATE_TEST_SUITE_P(Large, ThreadsGolden,
                         ::testing::Values("mobilenet_v2_quantized",
                                           "pretrainedResnet_large_int8"));

}  // namespace
}  // namespace tinyscope::runner
