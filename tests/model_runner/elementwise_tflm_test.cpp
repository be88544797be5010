// SUB, DEQUANTIZE, RELU, RELU6, LEAKY_RELU, HARD_SWISH and PRELU against TensorFlow Lite Micro
// (../shared/tools/tflm_run): random one-op models from the .tflite writer over types, shapes
// (broadcasting included), quantizations (extreme scales and zero points) and inputs must give
// byte-identical outputs, and the models TFLM refuses must be refused too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "elementwise_test_models.h"
#include "tflm_oracle.h"

namespace tinyscope::runner {
namespace {

using host::TensorType;
using test::ElementwiseCase;
using test::Rng;

TEST(ElementwiseTflm, SubMatchesOverTypesShapesAndScales) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  Rng rng(11);
  int ran = 0;
  const TensorType types[] = {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32,
                              TensorType::kInt32};
  for (int i = 0; i < 48; ++i) {
    const TensorType type = types[i % 4];
    const auto activation = static_cast<host::Activation>(rng.uniform(0, 3));
    ElementwiseCase c = test::binaryCase(rng, type, i % 3 == 0 ? 6 : 4);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    host::TableOptions options(schema::BuiltinOptionsType::kSubOptions);
    options.add(schema::sub_options::kActivation, host::TableOptions::Field::Kind::kInt8,
                static_cast<int64_t>(activation));
    ran += test::expectSameAsTflmRan(c.binaryModel(host::BuiltinOperator::kSub, options), c.input);
  }
  EXPECT_GE(ran, 40) << "most random SUB models should run";
}

TEST(ElementwiseTflm, DequantizeMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  Rng rng(12);
  int ran = 0;
  for (int i = 0; i < 16; ++i) {
    ElementwiseCase c = test::unaryCase(rng, i % 2 ? TensorType::kInt16 : TensorType::kInt8,
                                        TensorType::kFloat32, false);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    ran += test::expectSameAsTflmRan(c.unaryModel(host::BuiltinOperator::kDequantize, {}), c.input);
  }
  EXPECT_EQ(ran, 16);
}

void checkUnaryOp(host::BuiltinOperator op, const std::vector<TensorType>& types, uint32_t seed,
                  bool symmetricInt16, const std::function<host::BuiltinOptions(Rng&)>& options) {
  Rng rng(seed);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    const TensorType type = types[static_cast<size_t>(i) % types.size()];
    ElementwiseCase c = test::unaryCase(rng, type, type, symmetricInt16);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    ran += test::expectSameAsTflmRan(c.unaryModel(op, options ? options(rng) : host::BuiltinOptions{}),
                           c.input);
  }
  EXPECT_GE(ran, 30) << "most random models should run";
}

TEST(ElementwiseTflm, ReluMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  checkUnaryOp(host::BuiltinOperator::kRelu,
               {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32}, 13, true, nullptr);
}

TEST(ElementwiseTflm, Relu6Matches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  checkUnaryOp(host::BuiltinOperator::kRelu6,
               {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32}, 14, false, nullptr);
}

TEST(ElementwiseTflm, LeakyReluMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  checkUnaryOp(host::BuiltinOperator::kLeakyRelu,
               {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32}, 15, false,
               [](Rng& rng) -> host::BuiltinOptions {
                 const float alphas[] = {0.2f, 0.01f, 0.0f, 1.5f, -0.3f, 0.3333f};
                 host::TableOptions o(schema::BuiltinOptionsType::kLeakyReluOptions);
                 o.addFloat(schema::leaky_relu_options::kAlpha, alphas[rng.uniform(0, 5)]);
                 return o;
               });
}

TEST(ElementwiseTflm, HardSwishMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  checkUnaryOp(host::BuiltinOperator::kHardSwish, {TensorType::kInt8, TensorType::kFloat32}, 16,
               false, nullptr);
}

TEST(ElementwiseTflm, PreluMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  Rng rng(17);
  int ran = 0;
  const TensorType types[] = {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32};
  for (int i = 0; i < 36; ++i) {
    const TensorType type = types[i % 3];
    ElementwiseCase c = test::binaryCase(rng, type, 4);
    if (type == TensorType::kInt16) c.setConstantType(TensorType::kInt8, rng);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    ran += test::expectSameAsTflmRan(c.binaryModel(host::BuiltinOperator::kPrelu, {}), c.input);
  }
  EXPECT_GE(ran, 30) << "most random PRELU models should run";
}

// The models TFLM's prepare refuses are refused too, with the operator named.
TEST(ElementwiseTflm, RefusesWhatTflmRefuses) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  Rng rng(18);
  // HARD_SWISH: an output scale finer than 1/128 of the input scale.
  ElementwiseCase hs = test::unaryCase(rng, TensorType::kInt8, TensorType::kInt8, false);
  hs.inputScale = 1.0f;
  hs.outputScale = 1.0f / 512.0f;
  // RELU int16 with a non-zero zero point.
  ElementwiseCase relu = test::unaryCase(rng, TensorType::kInt16, TensorType::kInt16, true);
  relu.inputZeroPoint = 5;
  // PRELU int16 with an int16 alpha.
  ElementwiseCase prelu = test::binaryCase(rng, TensorType::kInt16, 4);
  const std::pair<std::vector<uint8_t>, const char*> refused[] = {
      {hs.unaryModel(host::BuiltinOperator::kHardSwish, {}), "HARD_SWISH"},
      {relu.unaryModel(host::BuiltinOperator::kRelu, {}), "RELU"},
      {prelu.binaryModel(host::BuiltinOperator::kPrelu, {}), "PRELU"},
  };
  for (const auto& [model, op] : refused) {
    SCOPED_TRACE(op);
    const test::OracleRun tflm = test::runTflm(model, {});
    const test::OracleRun ours = test::runTinyscope(model, {});
    EXPECT_FALSE(tflm.ok) << tflm.status;
    EXPECT_FALSE(ours.ok);
    EXPECT_NE(ours.status.find(op), std::string::npos) << ours.status;
    EXPECT_NE(ours.status.find("operator 0"), std::string::npos) << ours.status;
  }
}

}  // namespace
}  // namespace tinyscope::runner
