// Differential tests against TensorFlow Lite Micro (../shared/tools/tflm_run): small models from
// the .tflite writer run through both engines and must agree byte for byte, or both refuse.
// Kernel tests of new operators add their cases here or in a file of their own with the same
// oracle (tflm_oracle.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "model_runner/host/tflite_writer.h"
#include "tflm_oracle.h"

namespace tinyscope::runner {
namespace {

using host::QuantParams;
using host::TensorType;

std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// The oracle itself: an ADD with a constant operand, over several quantizations, agrees with
// TFLM; a model TFLM refuses (mismatched shapes without broadcasting) is refused by both.
TEST(TflmDifferential, AddWithConstantOperandMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  const float scales[][3] = {{0.5f, 0.25f, 0.75f}, {0.02f, 0.9f, 0.1f}, {1.0f, 1.0f, 1.0f}};
  uint32_t seed = 1;
  for (const auto& s : scales) {
    host::TfliteWriter w;
    const int32_t a =
        w.addActivation("a", TensorType::kInt8, {1, 4, 4, 3}, QuantParams::perTensor(s[0], -5));
    std::vector<int8_t> constant(3);
    for (int i = 0; i < 3; ++i) constant[i] = static_cast<int8_t>(i * 40 - 60);
    const int32_t b =
        w.addInt8Constant("b", {1, 1, 1, 3}, constant, QuantParams::perTensor(s[1], 7));
    const int32_t out =
        w.addActivation("out", TensorType::kInt8, {1, 4, 4, 3}, QuantParams::perTensor(s[2], 2));
    w.addAdd(a, b, out);
    w.setInputs({a});
    w.setOutputs({out});
    test::expectSameAsTflm(w.serialize(), randomBytes(48, seed++));
  }
}

}  // namespace
}  // namespace tinyscope::runner
