// The rest of TFLite Micro's operator list (kernels/extra_ops.h) against TFLM itself
// (../shared/tools/tflm_run): random one-op models from the .tflite writer over the types TFLM
// has, shapes (broadcasting up to TFLM's rank limit), options and inputs (float specials
// included) must give byte-identical outputs; the models TFLM refuses are refused too, with the
// operator named. Each random sweep counts the models both engines ran, so it cannot pass on
// models both refuse. Skips when tflm_run is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "elementwise_test_models.h"
#include "tflm_oracle.h"

namespace tinyscope::runner {
namespace {

using host::BuiltinOperator;
using host::TensorType;
using test::ElementwiseCase;
using test::Rng;

#define SKIP_WITHOUT_TFLM() \
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing

std::vector<uint8_t> floatBytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// float32 in and out, 40 random shapes and inputs.
void checkFloatUnary(BuiltinOperator op, uint32_t seed) {
  Rng rng(seed);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    ElementwiseCase c = test::unaryCase(rng, TensorType::kFloat32, TensorType::kFloat32, false);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    ran += test::expectSameAsTflmRan(c.unaryModel(op, {}), c.input);
  }
  EXPECT_EQ(ran, 40);
}

TEST(ExtraOpsTflm, CeilRoundSquareSinCosMatch) {
  SKIP_WITHOUT_TFLM();
  const BuiltinOperator ops[] = {BuiltinOperator::kCeil, BuiltinOperator::kRound,
                                 BuiltinOperator::kSquare, BuiltinOperator::kSin,
                                 BuiltinOperator::kCos};
  uint32_t seed = 201;
  for (const BuiltinOperator op : ops) {
    SCOPED_TRACE(schema::builtinOperatorName(static_cast<int32_t>(op)));
    checkFloatUnary(op, seed++);
  }
}

// Halves (ROUND goes to the even neighbour), signed zeros, the largest non-integers, huge,
// tiny, infinite and NaN inputs.
TEST(ExtraOpsTflm, UnaryEdgeValuesMatch) {
  SKIP_WITHOUT_TFLM();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> values = {
      0.5f,       -0.5f,       1.5f,          -1.5f,       2.5f,    -2.5f,        0.0f,   -0.0f,
      8388607.5f, -8388607.5f, 4194303.5f,    0.49999997f, 1e30f,   -1e30f,       1e-40f, -1e-40f,
      inf,        -inf,        std::nanf(""), 3.0e9f,      -0.999f, 105414357.0f, 1e20f,  -2.0f};
  ElementwiseCase c;
  c.inputType = c.outputType = TensorType::kFloat32;
  c.inputShape = c.outputShape = {static_cast<int32_t>(values.size())};
  c.input = floatBytes(values);
  for (const BuiltinOperator op :
       {BuiltinOperator::kCeil, BuiltinOperator::kRound, BuiltinOperator::kSquare,
        BuiltinOperator::kSin, BuiltinOperator::kCos, BuiltinOperator::kFloor}) {
    SCOPED_TRACE(schema::builtinOperatorName(static_cast<int32_t>(op)));
    EXPECT_TRUE(test::expectSameAsTflmRan(c.unaryModel(op, {}), c.input));
  }
}

// float32 with a constant second operand (broadcast up to 4 dimensions); FLOOR_DIV models
// whose divisor holds a 0 are refused by both engines.
void checkFloatBinary(BuiltinOperator op, uint32_t seed, int minRan) {
  Rng rng(seed);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    ElementwiseCase c = test::binaryCase(rng, TensorType::kFloat32, 4);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    ran += test::expectSameAsTflmRan(c.binaryModel(op, {}), c.input);
  }
  EXPECT_GE(ran, minRan);
}

TEST(ExtraOpsTflm, FloorDivMatches) {
  SKIP_WITHOUT_TFLM();
  checkFloatBinary(BuiltinOperator::kFloorDiv, 211, 30);
}

TEST(ExtraOpsTflm, FloorModMatches) {
  SKIP_WITHOUT_TFLM();
  checkFloatBinary(BuiltinOperator::kFloorMod, 212, 40);
}

// Quotients just below an integer (where a float division would round up first), signs on
// either side, zero and infinite operands.
TEST(ExtraOpsTflm, FloorDivModEdgeValuesMatch) {
  SKIP_WITHOUT_TFLM();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> a = {7.0f,  -7.0f, 7.0f,  -7.0f,      0.3f, 1.0f,  -0.0f, 16777215.0f,
                                1e30f, inf,   -5.5f, 3.0000002f, 9.0f, -9.0f, 0.1f,  1e-30f};
  const std::vector<float> b = {2.0f, 2.0f, -2.0f, -2.0f, 0.1f,        0.1f, 3.0f, 0.99999994f,
                                7.0f, 3.0f, inf,   3.0f,  0.30000001f, 3.0f, -inf, 1e30f};
  ElementwiseCase c;
  c.inputType = c.constType = c.outputType = TensorType::kFloat32;
  c.inputShape = c.constShape = c.outputShape = {static_cast<int32_t>(a.size())};
  c.input = floatBytes(a);
  c.constBytes = floatBytes(b);
  for (const BuiltinOperator op : {BuiltinOperator::kFloorDiv, BuiltinOperator::kFloorMod}) {
    SCOPED_TRACE(schema::builtinOperatorName(static_cast<int32_t>(op)));
    EXPECT_TRUE(test::expectSameAsTflmRan(c.binaryModel(op, {}), c.input));
  }
}

// TFLM has these operators for float32 only: int8 and int32 models are refused by both, and
// FLOOR_DIV by a constant 0 (TFLM stops at invoke; tinyscope refuses in prepare).
TEST(ExtraOpsTflm, RefusesWhatTflmRefuses) {
  SKIP_WITHOUT_TFLM();
  Rng rng(213);
  const ElementwiseCase i8 = test::unaryCase(rng, TensorType::kInt8, TensorType::kInt8, false);
  ElementwiseCase i32 = test::binaryCase(rng, TensorType::kInt32, 4);
  ElementwiseCase zero = test::binaryCase(rng, TensorType::kFloat32, 4);
  std::fill(zero.constBytes.begin(), zero.constBytes.begin() + 4, uint8_t{0});
  const std::pair<std::vector<uint8_t>, const char*> refused[] = {
      {i8.unaryModel(BuiltinOperator::kCeil, {}), "CEIL"},
      {i8.unaryModel(BuiltinOperator::kRound, {}), "ROUND"},
      {i8.unaryModel(BuiltinOperator::kSquare, {}), "SQUARE"},
      {i8.unaryModel(BuiltinOperator::kSin, {}), "SIN"},
      {i8.unaryModel(BuiltinOperator::kCos, {}), "COS"},
      {i32.binaryModel(BuiltinOperator::kFloorDiv, {}), "FLOOR_DIV"},
      {i32.binaryModel(BuiltinOperator::kFloorMod, {}), "FLOOR_MOD"},
      {zero.binaryModel(BuiltinOperator::kFloorDiv, {}), "FLOOR_DIV"},
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

namespace tinyscope::runner {
namespace {

host::QuantParams quantOf(TensorType type, float scale, int32_t zeroPoint) {
  if (type != TensorType::kInt8 && type != TensorType::kInt16) return {};
  return host::QuantParams::perTensor(scale, zeroPoint);
}

// ADD_N over 2-5 inputs: input 0 is the model's input, the others constants of its shape,
// type and quantization; int8 outputs from much finer to much coarser scales.
std::vector<uint8_t> addNModel(const ElementwiseCase& c, int inputs, Rng& rng) {
  host::TfliteWriter w;
  const host::QuantParams q = quantOf(c.inputType, c.inputScale, c.inputZeroPoint);
  std::vector<int32_t> ins = {w.addActivation("in", c.inputType, c.inputShape, q)};
  for (int k = 1; k < inputs; ++k) {
    host::TensorSpec t;
    t.name = "addend" + std::to_string(k);
    t.type = c.inputType;
    t.shape = c.inputShape;
    t.quant = q;
    t.data = test::randomTensorBytes(c.inputType,
                                     c.input.size() / schema::tensorTypeSize(c.inputType), rng);
    ins.push_back(w.addTensor(std::move(t)));
  }
  const int32_t out = w.addActivation("out", c.outputType, c.outputShape,
                                      quantOf(c.outputType, c.outputScale, c.outputZeroPoint));
  host::OperatorSpec spec;
  spec.op = BuiltinOperator::kAddN;
  spec.inputs = ins;
  spec.outputs = {out};
  w.addOperator(std::move(spec));
  w.setInputs({ins[0]});
  w.setOutputs({out});
  return w.serialize();
}

TEST(ExtraOpsTflm, AddNMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(221);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    const TensorType type = i % 2 ? TensorType::kInt8 : TensorType::kFloat32;
    ElementwiseCase c = test::unaryCase(rng, type, type, false);
    if (type == TensorType::kInt8 && i % 4 == 1)
      c.outputScale = c.inputScale * rng.logUniform(0.01f, 100.0f);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.describe());
    ran += test::expectSameAsTflmRan(addNModel(c, rng.uniform(2, 5), rng), c.input);
  }
  EXPECT_GE(ran, 36);
}

// int8 addends quantized unlike input 0, int16 data, and mismatched shapes are refused by both.
TEST(ExtraOpsTflm, AddNRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(222);
  const ElementwiseCase i16 = test::unaryCase(rng, TensorType::kInt16, TensorType::kInt16, true);
  ElementwiseCase i8 = test::unaryCase(rng, TensorType::kInt8, TensorType::kInt8, false);
  i8.outputScale = i8.inputScale;
  std::vector<std::vector<uint8_t>> models = {addNModel(i16, 2, rng)};
  {  // addend with another zero point
    ElementwiseCase other = i8;
    other.inputZeroPoint = i8.inputZeroPoint == 0 ? 1 : 0;
    host::TfliteWriter w;
    const int32_t a = w.addActivation("in", TensorType::kInt8, i8.inputShape,
                                      quantOf(TensorType::kInt8, i8.inputScale, i8.inputZeroPoint));
    host::TensorSpec t;
    t.name = "addend";
    t.type = TensorType::kInt8;
    t.shape = i8.inputShape;
    t.quant = quantOf(TensorType::kInt8, i8.inputScale, other.inputZeroPoint);
    t.data = i8.input;
    const int32_t b = w.addTensor(std::move(t));
    const int32_t out = w.addActivation("out", TensorType::kInt8, i8.outputShape,
                                        quantOf(TensorType::kInt8, i8.outputScale, 0));
    host::OperatorSpec spec;
    spec.op = BuiltinOperator::kAddN;
    spec.inputs = {a, b};
    spec.outputs = {out};
    w.addOperator(std::move(spec));
    w.setInputs({a});
    w.setOutputs({out});
    models.push_back(w.serialize());
  }
  for (size_t k = 0; k < models.size(); ++k) {
    SCOPED_TRACE(k);
    const test::OracleRun tflm = test::runTflm(models[k], {});
    const test::OracleRun ours = test::runTinyscope(models[k], {});
    EXPECT_FALSE(tflm.ok) << tflm.status;
    EXPECT_FALSE(ours.ok);
    EXPECT_NE(ours.status.find("operator 0 ADD_N"), std::string::npos) << ours.status;
  }
}

}  // namespace
}  // namespace tinyscope::runner
