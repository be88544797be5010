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
#include <random>
#include <string>
#include <vector>

#include "elementwise_test_models.h"
#include "model_runner/kernels/audio_ops.h"
#include "model_runner/kernels/core_ops.h"
#include "model_runner/kernels/elementwise_ops.h"
#include "model_runner/kernels/extended_ops.h"
#include "model_runner/kernels/extra_ops.h"
#include "model_runner/kernels/large_ops.h"
#include "model_runner/kernels/layout_ops.h"
#include "model_runner/kernels/signal/signal_ops.h"
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

// float32 MUL and DIV at the edges: zero and infinite divisors and factors, signed zeros, NaN,
// products that overflow (TFLM runs float DIV by zero: infinities and NaN).
TEST(ExtraOpsTflm, FloatMulDivEdgeValuesMatch) {
  SKIP_WITHOUT_TFLM();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> a = {1.0f, -1.0f, 0.0f, -0.0f, inf, 3e38f, 1e-45f, std::nanf(""), 7.0f};
  const std::vector<float> b = {0.0f, -0.0f, 0.0f, 5.0f, inf, 10.0f, 0.5f, 2.0f, -inf};
  ElementwiseCase c;
  c.inputType = c.constType = c.outputType = TensorType::kFloat32;
  c.inputShape = c.constShape = c.outputShape = {static_cast<int32_t>(a.size())};
  c.input = floatBytes(a);
  c.constBytes = floatBytes(b);
  for (const BuiltinOperator op : {BuiltinOperator::kMul, BuiltinOperator::kDiv}) {
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
  for (const auto& [model, op] : refused) test::expectBothRefuse(model, op);
}

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
  for (const std::vector<uint8_t>& model : models) test::expectBothRefuse(model, "ADD_N");
}

// ---- BROADCAST_TO, BROADCAST_ARGS, GATHER_ND, REVERSE_V2 ----

struct OneOp {
  host::TfliteWriter w;
  int32_t input = -1;
  std::vector<int32_t> outputs;

  int32_t constant(const std::string& name, TensorType type, std::vector<int32_t> shape,
                   std::vector<uint8_t> bytes, host::QuantParams q = {}) {
    host::TensorSpec t;
    t.name = name;
    t.type = type;
    t.shape = std::move(shape);
    t.data = std::move(bytes);
    t.quant = std::move(q);
    return w.addTensor(std::move(t));
  }
  std::vector<uint8_t> build(BuiltinOperator op, std::vector<int32_t> inputs,
                             host::BuiltinOptions options = {}) {
    host::OperatorSpec spec;
    spec.op = op;
    spec.inputs = std::move(inputs);
    spec.outputs = outputs;
    spec.options = std::move(options);
    w.addOperator(std::move(spec));
    w.setInputs({input});
    w.setOutputs(outputs);
    return w.serialize();
  }
};

size_t countOf(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

template <typename T>
std::vector<uint8_t> bytesOf(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

TensorType anyDataType(Rng& rng) {
  const TensorType types[] = {TensorType::kFloat32, TensorType::kInt8,  TensorType::kInt16,
                              TensorType::kInt32,   TensorType::kInt64, TensorType::kBool,
                              TensorType::kUInt8};
  return types[rng.uniform(0, 6)];
}

host::QuantParams randomQuant(TensorType type, Rng& rng) {
  float scale = 0.0f;
  int32_t zp = 0;
  test::randomQuantization(type, true, rng, &scale, &zp);
  return quantOf(type, scale, zp);
}

TEST(ExtraOpsTflm, BroadcastToMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(231);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    const TensorType type = anyDataType(rng);
    const int rank = rng.uniform(1, 4);
    const int outRank = rng.uniform(rank, 5);
    std::vector<int32_t> in(static_cast<size_t>(rank)), out(static_cast<size_t>(outRank));
    for (int k = 0; k < outRank; ++k) out[static_cast<size_t>(k)] = rng.uniform(1, 4);
    for (int k = 0; k < rank; ++k) {
      const int32_t o = out[static_cast<size_t>(outRank - rank + k)];
      in[static_cast<size_t>(k)] = rng.uniform(0, 1) ? 1 : o;
    }
    OneOp m;
    const host::QuantParams q = randomQuant(type, rng);
    m.input = m.w.addActivation("in", type, in, q);
    const bool wide = rng.uniform(0, 1) == 1;
    const int32_t shape = wide ? m.constant("shape", TensorType::kInt64, {outRank},
                                            bytesOf(std::vector<int64_t>(out.begin(), out.end())))
                               : m.w.addInt32Constant("shape", {outRank}, out);
    m.outputs = {m.w.addActivation("out", type, out, q)};
    SCOPED_TRACE("case " + std::to_string(i));
    const std::vector<uint8_t> input = test::randomTensorBytes(type, countOf(in), rng);
    ran +=
        test::expectSameAsTflmRan(m.build(BuiltinOperator::kBroadcastTo, {m.input, shape}), input);
  }
  EXPECT_EQ(ran, 40);
}

// shape1 is the model's input (computed at run time), shape2 a constant; outputs as long as
// the longer operand, sometimes shorter or longer (TFLM fills what the output's length asks).
TEST(ExtraOpsTflm, BroadcastArgsMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(232);
  int ran = 0;
  for (int i = 0; i < 30; ++i) {
    const bool wide = i % 2 == 1;
    const TensorType type = wide ? TensorType::kInt64 : TensorType::kInt32;
    const int n1 = rng.uniform(1, 5), n2 = rng.uniform(1, 5);
    const int n = n1 > n2 ? n1 : n2;
    std::vector<int64_t> full(static_cast<size_t>(n));
    for (int64_t& v : full) v = rng.uniform(1, 9);
    std::vector<int64_t> a(full.end() - n1, full.end()), b(full.end() - n2, full.end());
    for (int64_t& v : a) v = rng.uniform(0, 2) == 0 ? 1 : v;
    for (int64_t& v : b) v = rng.uniform(0, 2) == 0 ? 1 : v;
    int outLength = n;
    if (i % 5 == 4) outLength = rng.uniform(1, n + 2);
    OneOp m;
    m.input = m.w.addActivation("shape1", type, {n1});
    const int32_t s2 =
        wide ? m.constant("shape2", type, {n2}, bytesOf(b))
             : m.constant("shape2", type, {n2}, bytesOf(std::vector<int32_t>(b.begin(), b.end())));
    m.outputs = {m.w.addActivation("out", type, {outLength})};
    const std::vector<uint8_t> input =
        wide ? bytesOf(a) : bytesOf(std::vector<int32_t>(a.begin(), a.end()));
    SCOPED_TRACE("case " + std::to_string(i));
    ran +=
        test::expectSameAsTflmRan(m.build(BuiltinOperator::kBroadcastArgs, {m.input, s2}), input);
  }
  EXPECT_EQ(ran, 30);
}

// params the model's input and constant indices, or constant params and indices computed at
// run time (the model's input, in range).
TEST(ExtraOpsTflm, GatherNdMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(233);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    const TensorType type = i % 2 ? TensorType::kInt8 : TensorType::kFloat32;
    const int rank = rng.uniform(1, 4);
    std::vector<int32_t> params(static_cast<size_t>(rank));
    for (int32_t& d : params) d = rng.uniform(1, 4);
    const int depth = rng.uniform(1, rank);
    std::vector<int32_t> indicesShape;
    for (int k = rng.uniform(0, 2); k > 0; --k) indicesShape.push_back(rng.uniform(1, 3));
    indicesShape.push_back(depth);
    std::vector<int32_t> indices(countOf(indicesShape));
    for (size_t k = 0; k < indices.size(); ++k)
      indices[k] = rng.uniform(0, params[k % static_cast<size_t>(depth)] - 1);
    std::vector<int32_t> outShape(indicesShape.begin(), indicesShape.end() - 1);
    outShape.insert(outShape.end(), params.begin() + depth, params.end());
    OneOp m;
    const host::QuantParams q = randomQuant(type, rng);
    const std::vector<uint8_t> paramBytes = test::randomTensorBytes(type, countOf(params), rng);
    int32_t p = 0, idx = 0;
    std::vector<uint8_t> input;
    if (i % 4 < 2) {
      p = m.input = m.w.addActivation("params", type, params, q);
      idx = m.w.addInt32Constant("indices", indicesShape, indices);
      input = paramBytes;
    } else {
      p = m.constant("params", type, params, paramBytes, q);
      idx = m.input = m.w.addActivation("indices", TensorType::kInt32, indicesShape);
      input = bytesOf(indices);
    }
    m.outputs = {m.w.addActivation("out", type, outShape, q)};
    SCOPED_TRACE("case " + std::to_string(i));
    ran += test::expectSameAsTflmRan(m.build(BuiltinOperator::kGatherNd, {p, idx}), input);
  }
  EXPECT_EQ(ran, 40);
}

// Contiguous axes in any order and sign, every type TFLM has.
TEST(ExtraOpsTflm, ReverseV2Matches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(234);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    const TensorType type = anyDataType(rng);
    const int rank = rng.uniform(1, 5);
    std::vector<int32_t> shape(static_cast<size_t>(rank));
    for (int32_t& d : shape) d = rng.uniform(1, 4);
    const int first = rng.uniform(0, rank - 1);
    const int count = rng.uniform(1, rank - first);
    std::vector<int32_t> axes;
    for (int a = first; a < first + count; ++a) axes.push_back(rng.uniform(0, 1) ? a : a - rank);
    std::shuffle(axes.begin(), axes.end(), rng.gen);
    OneOp m;
    const host::QuantParams q = randomQuant(type, rng);
    m.input = m.w.addActivation("in", type, shape, q);
    const int32_t axis = m.w.addInt32Constant("axis", {count}, axes);
    m.outputs = {m.w.addActivation("out", type, shape, q)};
    SCOPED_TRACE("case " + std::to_string(i));
    ran += test::expectSameAsTflmRan(m.build(BuiltinOperator::kReverseV2, {m.input, axis}),
                                     test::randomTensorBytes(type, countOf(shape), rng));
  }
  EXPECT_EQ(ran, 40);
}

// L2_POOL_2D (float32): both paddings, strides 1-3, windows up to larger than the image, every
// fused activation.
TEST(ExtraOpsTflm, L2Pool2dMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(235);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    host::Pool2DOptions o;
    o.padding = rng.uniform(0, 1) ? host::Padding::kSame : host::Padding::kValid;
    o.strideW = rng.uniform(1, 3);
    o.strideH = rng.uniform(1, 3);
    o.filterWidth = rng.uniform(1, 4);
    o.filterHeight = rng.uniform(1, 4);
    o.activation = static_cast<host::Activation>(rng.uniform(0, 3));
    const int32_t n = rng.uniform(1, 2), c = rng.uniform(1, 4);
    const int32_t h = rng.uniform(o.padding == host::Padding::kValid ? o.filterHeight : 1, 7);
    const int32_t w = rng.uniform(o.padding == host::Padding::kValid ? o.filterWidth : 1, 7);
    auto outSize = [&](int32_t size, int32_t filter, int32_t stride) {
      return o.padding == host::Padding::kSame ? (size + stride - 1) / stride
                                               : (size - filter + stride) / stride;
    };
    const std::vector<int32_t> in = {n, h, w, c};
    const std::vector<int32_t> out = {n, outSize(h, o.filterHeight, o.strideH),
                                      outSize(w, o.filterWidth, o.strideW), c};
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kFloat32, in);
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, out)};
    SCOPED_TRACE("case " + std::to_string(i));
    ran +=
        test::expectSameAsTflmRan(m.build(BuiltinOperator::kL2Pool2d, {m.input}, o),
                                  test::randomTensorBytes(TensorType::kFloat32, countOf(in), rng));
  }
  EXPECT_EQ(ran, 40);
}

// EMBEDDING_LOOKUP: float32 rows, int8 rows copied, int8 rows dequantized (zero point 0); the
// lookup vector computed (the model's input, in range) or constant with the value as input.
TEST(ExtraOpsTflm, EmbeddingLookupMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(236);
  int ran = 0;
  for (int i = 0; i < 36; ++i) {
    const int kind = i % 3;  // 0 float, 1 int8 copy, 2 int8 -> float
    const TensorType valueType = kind == 0 ? TensorType::kFloat32 : TensorType::kInt8;
    const TensorType outType = kind == 1 ? TensorType::kInt8 : TensorType::kFloat32;
    std::vector<int32_t> value = {rng.uniform(1, 6)};
    for (int k = rng.uniform(1, 3); k > 0; --k) value.push_back(rng.uniform(1, 4));
    const int32_t lookups = rng.uniform(1, 5);
    std::vector<int32_t> rows(static_cast<size_t>(lookups));
    for (int32_t& r : rows) r = rng.uniform(0, value[0] - 1);
    std::vector<int32_t> out = value;
    out[0] = lookups;
    const host::QuantParams vq =
        valueType == TensorType::kInt8
            ? host::QuantParams::perTensor(rng.logUniform(0.001f, 2.0f),
                                           kind == 2 ? 0 : rng.uniform(-128, 127))
            : host::QuantParams{};
    OneOp m;
    const std::vector<uint8_t> valueBytes = test::randomTensorBytes(valueType, countOf(value), rng);
    int32_t l = 0, v = 0;
    std::vector<uint8_t> input;
    if (i % 2 == 0) {
      l = m.input = m.w.addActivation("lookup", TensorType::kInt32, {lookups});
      v = m.constant("value", valueType, value, valueBytes, vq);
      input = bytesOf(rows);
    } else {
      l = m.w.addInt32Constant("lookup", {lookups}, rows);
      v = m.input = m.w.addActivation("value", valueType, value, vq);
      input = valueBytes;
    }
    m.outputs = {m.w.addActivation("out", outType, out, kind == 1 ? vq : host::QuantParams{})};
    SCOPED_TRACE("case " + std::to_string(i));
    ran += test::expectSameAsTflmRan(m.build(BuiltinOperator::kEmbeddingLookup, {l, v}), input);
  }
  EXPECT_EQ(ran, 36);
}

// DYNAMIC_UPDATE_SLICE: start indices constant or computed (the model's input), int32 or int64,
// inside, negative and past the end (clamped by both engines).
TEST(ExtraOpsTflm, DynamicUpdateSliceMatches) {
  SKIP_WITHOUT_TFLM();
  Rng rng(237);
  int ran = 0;
  for (int i = 0; i < 40; ++i) {
    const TensorType types[] = {TensorType::kFloat32, TensorType::kInt8, TensorType::kInt32};
    const TensorType type = types[i % 3];
    const int rank = rng.uniform(1, 5);
    std::vector<int32_t> operand(static_cast<size_t>(rank)), update(static_cast<size_t>(rank));
    std::vector<int64_t> start(static_cast<size_t>(rank));
    for (size_t k = 0; k < operand.size(); ++k) {
      operand[k] = rng.uniform(1, 5);
      update[k] = rng.uniform(1, operand[k]);
      start[k] = rng.uniform(-3, operand[k] + 2);
    }
    const bool wide = rng.uniform(0, 1) == 1;
    const TensorType indexType = wide ? TensorType::kInt64 : TensorType::kInt32;
    const std::vector<uint8_t> startBytes =
        wide ? bytesOf(start) : bytesOf(std::vector<int32_t>(start.begin(), start.end()));
    const host::QuantParams q = randomQuant(type, rng);
    OneOp m;
    const std::vector<uint8_t> operandBytes = test::randomTensorBytes(type, countOf(operand), rng);
    const int32_t u =
        m.constant("update", type, update, test::randomTensorBytes(type, countOf(update), rng), q);
    int32_t op = 0, st = 0;
    std::vector<uint8_t> input;
    if (i % 2 == 0) {
      op = m.input = m.w.addActivation("operand", type, operand, q);
      st = m.constant("start", indexType, {rank}, startBytes);
      input = operandBytes;
    } else {
      op = m.constant("operand", type, operand, operandBytes, q);
      st = m.input = m.w.addActivation("start", indexType, {rank});
      input = startBytes;
    }
    m.outputs = {m.w.addActivation("out", type, operand, q)};
    SCOPED_TRACE("case " + std::to_string(i));
    ran += test::expectSameAsTflmRan(m.build(BuiltinOperator::kDynamicUpdateSlice, {op, u, st}),
                                     input);
  }
  EXPECT_EQ(ran, 40);
}

// Refused by both: REVERSE_V2 over non-contiguous axes, GATHER_ND on int16 params, BROADCAST_TO
// a shape the input does not broadcast to, BROADCAST_ARGS on float shapes, int8 L2_POOL_2D.
TEST(ExtraOpsTflm, LayoutRefusals) {
  SKIP_WITHOUT_TFLM();
  std::vector<std::pair<std::vector<uint8_t>, const char*>> models;
  {
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kFloat32, {2, 3, 4});
    const int32_t axis = m.w.addInt32Constant("axis", {2}, {0, 2});
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {2, 3, 4})};
    models.emplace_back(m.build(BuiltinOperator::kReverseV2, {m.input, axis}), "REVERSE_V2");
  }
  {
    OneOp m;
    m.input = m.w.addActivation("params", TensorType::kInt16, {3, 2},
                                host::QuantParams::perTensor(0.1f, 0));
    const int32_t idx = m.w.addInt32Constant("indices", {1, 1}, {2});
    m.outputs = {m.w.addActivation("out", TensorType::kInt16, {1, 2},
                                   host::QuantParams::perTensor(0.1f, 0))};
    models.emplace_back(m.build(BuiltinOperator::kGatherNd, {m.input, idx}), "GATHER_ND");
  }
  {
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kFloat32, {3});
    const int32_t shape = m.w.addInt32Constant("shape", {2}, {2, 4});
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {2, 4})};
    models.emplace_back(m.build(BuiltinOperator::kBroadcastTo, {m.input, shape}), "BROADCAST_TO");
  }
  {
    OneOp m;
    m.input = m.w.addActivation("shape1", TensorType::kFloat32, {2});
    const int32_t s2 =
        m.constant("shape2", TensorType::kFloat32, {2}, bytesOf(std::vector<float>{1.0f, 2.0f}));
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {2})};
    models.emplace_back(m.build(BuiltinOperator::kBroadcastArgs, {m.input, s2}), "BROADCAST_ARGS");
  }
  {
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kInt8, {1, 4, 4, 2},
                                host::QuantParams::perTensor(0.1f, 0));
    m.outputs = {m.w.addActivation("out", TensorType::kInt8, {1, 2, 2, 2},
                                   host::QuantParams::perTensor(0.1f, 0))};
    host::Pool2DOptions o;
    o.strideW = o.strideH = o.filterWidth = o.filterHeight = 2;
    models.emplace_back(m.build(BuiltinOperator::kL2Pool2d, {m.input}, o), "L2_POOL_2D");
  }
  {  // int8 rows dequantized with a non-zero zero point
    OneOp m;
    const int32_t l = m.w.addInt32Constant("lookup", {1}, {0});
    m.input = m.w.addActivation("value", TensorType::kInt8, {2, 3},
                                host::QuantParams::perTensor(0.1f, 4));
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {1, 3})};
    models.emplace_back(m.build(BuiltinOperator::kEmbeddingLookup, {l, m.input}),
                        "EMBEDDING_LOOKUP");
  }
  {  // an update larger than the operand
    OneOp m;
    m.input = m.w.addActivation("operand", TensorType::kFloat32, {2, 3});
    const int32_t u = m.constant("update", TensorType::kFloat32, {3, 1},
                                 bytesOf(std::vector<float>{1.0f, 2.0f, 3.0f}));
    const int32_t st = m.w.addInt32Constant("start", {2}, {0, 0});
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {2, 3})};
    models.emplace_back(m.build(BuiltinOperator::kDynamicUpdateSlice, {m.input, u, st}),
                        "DYNAMIC_UPDATE_SLICE");
  }
  for (const auto& [model, op] : models) test::expectBothRefuse(model, op);
}

// What tinyscope defines where TFLM cannot answer: computed GATHER_ND indices and
// EMBEDDING_LOOKUP rows outside the params give zeros; a computed BROADCAST_ARGS pair that does
// not broadcast gives -1.
TEST(ExtraOps, ComputedOperandsOutOfRangeAreDefined) {
  {
    OneOp m;
    m.input = m.w.addActivation("lookup", TensorType::kInt32, {3});
    const int32_t v =
        m.constant("value", TensorType::kFloat32, {2, 1}, bytesOf(std::vector<float>{1.5f, -2.0f}));
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {3, 1})};
    const std::vector<uint8_t> model = m.build(BuiltinOperator::kEmbeddingLookup, {m.input, v});
    const test::OracleRun run = test::runTinyscope(model, bytesOf(std::vector<int32_t>{1, 2, 0}));
    ASSERT_TRUE(run.ok) << run.status;
    EXPECT_EQ(run.outputs[0], bytesOf(std::vector<float>{-2.0f, 0.0f, 1.5f}));
  }
  {
    OneOp m;
    const int32_t p = m.constant("params", TensorType::kInt8, {2, 2}, {1, 2, 3, 4},
                                 host::QuantParams::perTensor(0.5f, 0));
    m.input = m.w.addActivation("indices", TensorType::kInt32, {3, 1});
    m.outputs = {
        m.w.addActivation("out", TensorType::kInt8, {3, 2}, host::QuantParams::perTensor(0.5f, 0))};
    const std::vector<uint8_t> model = m.build(BuiltinOperator::kGatherNd, {p, m.input});
    const test::OracleRun run = test::runTinyscope(model, bytesOf(std::vector<int32_t>{1, 2, -1}));
    ASSERT_TRUE(run.ok) << run.status;
    EXPECT_EQ(run.outputs[0], (std::vector<uint8_t>{3, 4, 0, 0, 0, 0}));
  }
  {
    OneOp m;
    m.input = m.w.addActivation("shape1", TensorType::kInt32, {2});
    const int32_t s2 = m.w.addInt32Constant("shape2", {2}, {3, 4});
    m.outputs = {m.w.addActivation("out", TensorType::kInt32, {2})};
    const std::vector<uint8_t> model = m.build(BuiltinOperator::kBroadcastArgs, {m.input, s2});
    const test::OracleRun run = test::runTinyscope(model, bytesOf(std::vector<int32_t>{5, 1}));
    ASSERT_TRUE(run.ok) << run.status;
    EXPECT_EQ(run.outputs[0], bytesOf(std::vector<int32_t>{-1, 4}));
  }
}

// Hostile variants of one model per operator of this tier: random bytes flipped anywhere
// (shapes, options, constant indices and axes). Each is refused or runs; none may read or
// write outside its tensors (run under the asan preset to prove it).
TEST(ExtraOps, BitFlippedModelsAreRefusedOrRun) {
  std::vector<std::vector<uint8_t>> models;
  {
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kInt8, {2, 1, 3},
                                host::QuantParams::perTensor(0.1f, 1));
    const int32_t shape = m.w.addInt32Constant("shape", {4}, {2, 2, 4, 3});
    m.outputs = {m.w.addActivation("out", TensorType::kInt8, {2, 2, 4, 3},
                                   host::QuantParams::perTensor(0.1f, 1))};
    models.push_back(m.build(BuiltinOperator::kBroadcastTo, {m.input, shape}));
  }
  {
    OneOp m;
    m.input = m.w.addActivation("params", TensorType::kFloat32, {3, 4, 2});
    const int32_t idx = m.w.addInt32Constant("indices", {2, 2}, {2, 3, 0, 1});
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {2, 2})};
    models.push_back(m.build(BuiltinOperator::kGatherNd, {m.input, idx}));
  }
  {
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kInt16, {2, 3, 4});
    const int32_t axis = m.w.addInt32Constant("axis", {2}, {1, 2});
    m.outputs = {m.w.addActivation("out", TensorType::kInt16, {2, 3, 4})};
    models.push_back(m.build(BuiltinOperator::kReverseV2, {m.input, axis}));
  }
  {
    OneOp m;
    m.input = m.w.addActivation("operand", TensorType::kInt32, {4, 5});
    const int32_t u = m.w.addInt32Constant("update", {2, 3}, {1, 2, 3, 4, 5, 6});
    const int32_t st = m.w.addInt32Constant("start", {2}, {1, 9});
    m.outputs = {m.w.addActivation("out", TensorType::kInt32, {4, 5})};
    models.push_back(m.build(BuiltinOperator::kDynamicUpdateSlice, {m.input, u, st}));
  }
  {
    OneOp m;
    m.input = m.w.addActivation("lookup", TensorType::kInt32, {3});
    const int32_t v = m.constant("value", TensorType::kInt8, {4, 2}, {1, 2, 3, 4, 5, 6, 7, 8},
                                 host::QuantParams::perTensor(0.5f, 0));
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {3, 2})};
    models.push_back(m.build(BuiltinOperator::kEmbeddingLookup, {m.input, v}));
  }
  {
    OneOp m;
    m.input = m.w.addActivation("in", TensorType::kFloat32, {1, 5, 5, 2});
    m.outputs = {m.w.addActivation("out", TensorType::kFloat32, {1, 3, 3, 2})};
    host::Pool2DOptions o;
    o.padding = host::Padding::kSame;
    o.strideW = o.strideH = 2;
    o.filterWidth = o.filterHeight = 3;
    models.push_back(m.build(BuiltinOperator::kL2Pool2d, {m.input}, o));
  }
  std::mt19937 rng(241);
  int ran = 0, refused = 0;
  for (int k = 0; k < 600; ++k) {
    std::vector<uint8_t> model = models[static_cast<size_t>(k) % models.size()];
    for (int f = rng() % 4 + 1; f > 0; --f)
      model[rng() % model.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    const test::OracleRun run = test::runTinyscope(model, {});
    (run.ok ? ran : refused) += 1;
  }
  EXPECT_GT(ran, 50);
  EXPECT_GT(refused, 50);
}

// A firmware image gives each op group room for 32 registrations (firmware_agent's CMake), so
// every group must fit in that on its own.
TEST(ExtraOps, EveryOpGroupFitsAFirmwareOpTable) {
  using AddOps = Status (*)(OpResolver&);
  const std::pair<const char*, AddOps> groups[] = {
      {"core", kernels::addCoreOps},
      {"extended", kernels::addExtendedOps},
      {"large", kernels::addLargeOps},
      {"layout", kernels::addLayoutOps},
      {"elementwise", kernels::addElementwiseOps},
      {"audio", kernels::addAudioOps},
      {"signal", kernels::addSignalOps},
      {"extra", kernels::addExtraOps},
  };
  for (const auto& [name, add] : groups) {
    MutableOpResolver<32> resolver;
    EXPECT_EQ(add(resolver), Status::kOk) << name << " has more than 32 registrations";
  }
}

}  // namespace
}  // namespace tinyscope::runner
