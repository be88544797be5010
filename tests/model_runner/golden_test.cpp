// Every model of the core, extended, large and signal tiers x every golden case: every dumped
// tensor (or the outputs, for output-only cases) must match TFLM bit for bit.
#include <gtest/gtest.h>

#include <tuple>

#include "model_runner/host/host_runner.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_comparator.h"
#include "model_runner/host/tensor_dump.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

using test::GoldenCase;

// Every case runs with the reference kernels and, where built, with the optimized ones.
class GoldenTest : public ::testing::TestWithParam<std::tuple<GoldenCase, host::Kernels>> {};

std::vector<GoldenCase> casesOf(const char* tier) {
  std::vector<GoldenCase> cases = test::goldenCases(tier);
  if (cases.empty()) cases.push_back(GoldenCase{"", "", 0});  // one test that reports the skip
  return cases;
}

std::vector<host::Kernels> kernelSets() {
  std::vector<host::Kernels> sets = {host::Kernels::kReference};
  if (host::optimizedKernelsAvailable()) sets.push_back(host::Kernels::kOptimized);
  return sets;
}

auto casesWithKernels(const char* tier) {
  return ::testing::Combine(::testing::ValuesIn(casesOf(tier)), ::testing::ValuesIn(kernelSets()));
}

std::string caseName(const ::testing::TestParamInfo<std::tuple<GoldenCase, host::Kernels>>& info) {
  const GoldenCase& c = std::get<0>(info.param);
  return (c.model.empty() ? std::string("shared_missing") : c.model + "_" + c.caseName) + "_" +
         host::kernelsName(std::get<1>(info.param));
}

TEST_P(GoldenTest, EveryTensorBitExact) {
  const GoldenCase& gc = std::get<0>(GetParam());
  const std::string shared = test::sharedDir();
  if (shared.empty() || gc.model.empty()) GTEST_SKIP() << test::kSharedMissing;

  host::ModelFile model;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/" + gc.model + ".tflite", &model, &error))
      << error;
  host::TensorDump golden;
  const std::string caseDir = shared + "/golden/" + gc.model + "/" + gc.caseName;
  ASSERT_TRUE(host::readDump(caseDir, &golden, &error)) << error;

  // Cases with an output-only dump (mobilenet seed2/seed3) skip the tensor capture.
  host::RunOptions options;
  options.captureTensors = golden.manifest.tensorsDumped;
  options.kernels = std::get<1>(GetParam());
  host::RunResult run;
  ASSERT_TRUE(host::runModel(model, {golden.input}, options, &run, &error)) << error;

  // Outputs.
  ASSERT_EQ(run.outputs.size(), golden.outputs.size());
  for (size_t k = 0; k < run.outputs.size(); ++k)
    EXPECT_EQ(run.outputs[k], golden.outputs[k]) << "output " << k;

  // Every dumped tensor, byte for byte.
  size_t checked = 0;
  for (const host::DumpTensor& t : golden.manifest.tensors) {
    const auto it = golden.data.find(t.index);
    if (it == golden.data.end()) continue;
    ASSERT_TRUE(run.captured[static_cast<size_t>(t.index)])
        << "tensor " << t.index << " (" << t.name << ") not produced";
    const std::vector<uint8_t>& ours = run.tensorBytes[static_cast<size_t>(t.index)];
    if (ours != it->second) {
      const host::TensorComparison c = host::compareTensorBytes(t, it->second, ours);
      ADD_FAILURE() << "tensor " << t.index << " (" << t.name << ", from op " << t.producerOp << " "
                    << t.producerOpName << "): " << (c.elements - c.exactMatches) << " of "
                    << c.elements << " elements differ, max |d| " << c.maxAbsDiff;
    }
    ++checked;
  }
  if (golden.manifest.tensorsDumped) {
    EXPECT_GT(checked, 0u);
    EXPECT_EQ(checked, golden.data.size());
  }

  // The arena must not exceed TFLM's (which also holds TFLM's own bookkeeping), with either
  // kernel set: the optimized kernels keep their scratch (packed panels, im2col rows, weight
  // sums) small enough to stay under it. GoldenSummary checks the reference arena of every model.
  EXPECT_LE(run.arenaUsedBytes, static_cast<size_t>(gc.tflmArenaBytes))
      << host::kernelsName(options.kernels);
  RecordProperty("arena_used_bytes", static_cast<int>(run.arenaUsedBytes));
  RecordProperty("tflm_arena_used_bytes", static_cast<int>(gc.tflmArenaBytes));

  // Seed inputs come from the xorshift32 generator.
  if (golden.manifest.inputGenerator == "xorshift32") {
    EXPECT_EQ(host::xorshift32Bytes(static_cast<uint32_t>(golden.manifest.inputSeed),
                                    golden.input.size()),
              golden.input);
  }

  if (!golden.manifest.tensorsDumped) return;  // outputs compared above

  // Our dump of the run compares identical to the golden dump through the comparator.
  host::TensorDump ours;
  ASSERT_TRUE(host::makeDump(model, gc.caseName, golden.manifest.inputSource,
                             golden.manifest.inputSeed, golden.input, run, &ours, &error))
      << error;
  EXPECT_EQ(ours.manifest.modelSha256, golden.manifest.modelSha256);
  host::DumpComparison cmp;
  ASSERT_TRUE(host::compareDumps(golden, ours, &cmp, &error)) << error;
  EXPECT_TRUE(cmp.identical()) << "first diverging op " << cmp.firstDivergingOp << " "
                               << cmp.firstDivergingOpName;
  EXPECT_EQ(cmp.comparedTensors, checked);
}

INSTANTIATE_TEST_SUITE_P(Core, GoldenTest, casesWithKernels("core"), caseName);
INSTANTIATE_TEST_SUITE_P(Extended, GoldenTest, casesWithKernels("extended"), caseName);
INSTANTIATE_TEST_SUITE_P(Large, GoldenTest, casesWithKernels("large"), caseName);
INSTANTIATE_TEST_SUITE_P(Signal, GoldenTest, casesWithKernels("signal"), caseName);

TEST(GoldenSummary, MacsMatchModelsJson) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  std::vector<std::string> names;
  for (const char* tier : {"core", "extended", "large", "signal"}) {
    for (const std::string& name : test::modelsOfTier(tier)) names.push_back(name);
  }
  for (const std::string& name : names) {
    host::ModelFile model;
    std::string error;
    ASSERT_TRUE(host::loadModelFile(shared + "/models/" + name + ".tflite", &model, &error))
        << error;
    host::ModelSummary s;
    ASSERT_TRUE(host::buildModelSummary(model.bytes.data(), model.bytes.size(), &s, &error))
        << error;
    const host::JsonValue* entry = test::modelsJson().find(name);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(s.totalMacs, static_cast<uint64_t>(entry->intOr("macs", -1))) << name;
    EXPECT_EQ(s.operators.size(), static_cast<size_t>(entry->intOr("num_operators", -1))) << name;
    EXPECT_EQ(s.tensors.size(), static_cast<size_t>(entry->intOr("num_tensors", -1))) << name;
    EXPECT_TRUE(s.runnable) << name << ": " << s.allocateError;
    EXPECT_LE(s.arenaBytes, static_cast<uint64_t>(entry->intOr("arena_used_bytes", 0))) << name;
  }
}

}  // namespace
}  // namespace tinyscope::runner
