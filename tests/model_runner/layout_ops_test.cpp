// MAX_POOL_2D, SQUEEZE, EXPAND_DIMS, SLICE, SPLIT, SPLIT_V, PACK, UNPACK, GATHER, SHAPE, FILL,
// ZEROS_LIKE, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN, PADV2, MIRROR_PAD, the resizes and the
// space/depth/batch moves, LOG_SOFTMAX, TRANSPOSE_CONV, BATCH_MATMUL against TensorFlow Lite
// Micro
// (../shared/tools/tflm_run): random one-operator models from the .tflite writer (random shapes,
// options, types, quantizations and inputs) must give byte-identical outputs, and the models TFLM
// refuses must be refused by both. Skips when tflm_run is absent.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model_runner/host/tflite_writer.h"
#include "model_runner/kernels/all_ops.h"
#include "tflm_oracle.h"

namespace tinyscope::runner {
namespace {

using host::QuantParams;
using host::TableOptions;
using host::TensorType;
using Kind = TableOptions::Field::Kind;
using Rng = std::mt19937;

int32_t uniform(Rng& rng, int32_t lo, int32_t hi) {
  return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
}

std::vector<uint8_t> randomBytes(size_t n, Rng& rng) {
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

size_t typeSize(TensorType t) {
  return schema::tensorTypeSize(t);
}

size_t elements(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

std::vector<int32_t> randomShape(Rng& rng, int32_t minRank, int32_t maxRank, int32_t maxDim) {
  std::vector<int32_t> shape(static_cast<size_t>(uniform(rng, minRank, maxRank)));
  for (int32_t& d : shape) d = uniform(rng, 1, maxDim);
  return shape;
}

// A quantization for data tensors of type t (int8/int16 quantized, others plain).
QuantParams quantFor(TensorType t, Rng& rng) {
  if (t == TensorType::kInt8)
    return QuantParams::perTensor(0.01f * static_cast<float>(uniform(rng, 1, 100)),
                                  uniform(rng, -128, 127));
  if (t == TensorType::kInt16)
    return QuantParams::perTensor(0.001f * static_cast<float>(uniform(rng, 1, 100)), 0);
  return {};
}

TensorType pick(Rng& rng, std::initializer_list<TensorType> types) {
  return *(types.begin() + uniform(rng, 0, static_cast<int32_t>(types.size()) - 1));
}

int32_t addConstant(host::TfliteWriter& w, const std::string& name, TensorType type,
                    std::vector<int32_t> shape, Rng& rng, QuantParams quant = {}) {
  host::TensorSpec spec;
  spec.name = name;
  spec.type = type;
  spec.data = randomBytes(elements(shape) * typeSize(type), rng);
  spec.shape = std::move(shape);
  spec.quant = std::move(quant);
  return w.addTensor(std::move(spec));
}

int32_t addInt64Constant(host::TfliteWriter& w, const std::string& name,
                         const std::vector<int64_t>& values) {
  host::TensorSpec spec;
  spec.name = name;
  spec.type = TensorType::kInt64;
  spec.shape = {static_cast<int32_t>(values.size())};
  spec.data.resize(values.size() * 8);
  std::memcpy(spec.data.data(), values.data(), spec.data.size());
  return w.addTensor(std::move(spec));
}

void addOp(host::TfliteWriter& w, schema::BuiltinOperator op, std::vector<int32_t> inputs,
           std::vector<int32_t> outputs, host::BuiltinOptions options = {}) {
  host::OperatorSpec spec;
  spec.op = op;
  spec.inputs = std::move(inputs);
  spec.outputs = std::move(outputs);
  spec.options = std::move(options);
  w.addOperator(std::move(spec));
}

// Runs the model through both engines with a random input 0 of `inputBytes`. Random models are
// valid ones: TFLM must run them (so a test cannot pass by both engines refusing).
void compareWith(host::TfliteWriter& w, int32_t input, std::vector<int32_t> outputs,
                 const std::vector<uint8_t>& input0, bool mustRun) {
  w.setInputs({input});
  w.setOutputs(std::move(outputs));
  const std::vector<uint8_t> model = w.serialize();
  if (mustRun) {
    const test::OracleRun tflm = test::runTflm(model, input0);
    ASSERT_TRUE(tflm.ok) << "TFLM: " << tflm.status;
  }
  test::expectSameAsTflm(model, input0);
}

void compare(host::TfliteWriter& w, int32_t input, std::vector<int32_t> outputs, size_t inputBytes,
             Rng& rng, bool mustRun = false) {
  compareWith(w, input, std::move(outputs), randomBytes(inputBytes, rng), mustRun);
}

// float32 input bytes: finite values in [-4, 4].
std::vector<uint8_t> finiteFloats(size_t count, Rng& rng) {
  std::vector<uint8_t> bytes(count * 4);
  for (size_t k = 0; k < count; ++k) {
    const float v = static_cast<float>(uniform(rng, -4000, 4000)) / 1000.0f;
    std::memcpy(&bytes[4 * k], &v, 4);
  }
  return bytes;
}

// Runs body(rng, caseNumber) `count` times on one random stream, tracing the case number.
template <typename Body>
void forCases(uint32_t seed, int count, Body body) {
  Rng rng(seed);
  for (int i = 0; i < count; ++i) {
    SCOPED_TRACE(i);
    body(rng, i);
  }
}

// tinyscope refuses the model in prepare with an error that contains every one of `needles`.
void expectRefusal(host::TfliteWriter& w, int32_t input, int32_t output,
                   std::initializer_list<const char*> needles) {
  w.setInputs({input});
  w.setOutputs({output});
  const test::OracleRun run = test::runTinyscope(w.serialize(), {});
  EXPECT_FALSE(run.ok);
  for (const char* needle : needles)
    EXPECT_NE(run.status.find(needle), std::string::npos) << run.status;
}

#define SKIP_WITHOUT_TFLM() \
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing

// ---- MAX_POOL_2D ----

struct PoolCase {
  TensorType type = TensorType::kInt8;
  std::vector<int32_t> in;
  host::Pool2DOptions options;
  QuantParams inQuant, outQuant;
};

int32_t outSize(host::Padding padding, int32_t in, int32_t filter, int32_t stride) {
  return padding == host::Padding::kSame ? (in + stride - 1) / stride
                                         : (in - filter + stride) / stride;
}

void runPool(const PoolCase& c, Rng& rng, bool mustRun = false) {
  host::TfliteWriter w;
  const int32_t oh = outSize(c.options.padding, c.in[1], c.options.filterHeight, c.options.strideH);
  const int32_t ow = outSize(c.options.padding, c.in[2], c.options.filterWidth, c.options.strideW);
  const int32_t in = w.addActivation("in", c.type, c.in, c.inQuant);
  const int32_t out = w.addActivation("out", c.type, {c.in[0], oh, ow, c.in[3]}, c.outQuant);
  addOp(w, schema::BuiltinOperator::kMaxPool2d, {in}, {out}, c.options);
  compare(w, in, {out}, elements(c.in) * typeSize(c.type), rng, mustRun);
}

PoolCase randomPool(Rng& rng) {
  PoolCase c;
  c.type = pick(rng, {TensorType::kInt8, TensorType::kInt16});
  c.options.padding = uniform(rng, 0, 1) ? host::Padding::kSame : host::Padding::kValid;
  c.options.filterWidth = uniform(rng, 1, 4);
  c.options.filterHeight = uniform(rng, 1, 4);
  c.options.strideW = uniform(rng, 1, 3);
  c.options.strideH = uniform(rng, 1, 3);
  const host::Activation acts[] = {host::Activation::kNone, host::Activation::kRelu,
                                   host::Activation::kRelu6, host::Activation::kReluN1To1};
  c.options.activation = acts[uniform(rng, 0, 3)];
  c.in = {uniform(rng, 1, 2), uniform(rng, c.options.filterHeight, 12),
          uniform(rng, c.options.filterWidth, 12), uniform(rng, 1, 9)};
  c.inQuant = quantFor(c.type, rng);
  c.outQuant = c.inQuant;
  return c;
}

TEST(LayoutOpsVsTflm, MaxPool2dRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(11, 40, [&](Rng& rng, int) { runPool(randomPool(rng), rng, true); });
}

TEST(LayoutOpsVsTflm, MaxPool2dEdgeCases) {
  SKIP_WITHOUT_TFLM();
  Rng rng(12);
  PoolCase c;
  // A window larger than the image with SAME padding; zero points at the extremes.
  c.in = {1, 3, 2, 5};
  c.options.padding = host::Padding::kSame;
  c.options.filterWidth = 7;
  c.options.filterHeight = 5;
  c.options.strideW = 2;
  c.options.strideH = 1;
  for (int64_t zp : {-128, 127}) {
    c.inQuant = c.outQuant = QuantParams::perTensor(0.05f, zp);
    for (auto act : {host::Activation::kNone, host::Activation::kRelu6}) {
      c.options.activation = act;
      runPool(c, rng);
    }
  }
  // int16 with RELU_N1_TO_1 clamps hard; strides larger than the filter skip input pixels.
  c.type = TensorType::kInt16;
  c.in = {2, 9, 9, 3};
  c.options = {};
  c.options.filterWidth = c.options.filterHeight = 2;
  c.options.strideW = c.options.strideH = 3;
  c.options.activation = host::Activation::kReluN1To1;
  c.inQuant = c.outQuant = QuantParams::perTensor(1.0f / 4096, 0);
  runPool(c, rng);
}

TEST(LayoutOpsVsTflm, MaxPool2dRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(13);
  PoolCase c;
  c.in = {1, 4, 4, 2};
  c.options.filterWidth = c.options.filterHeight = 2;
  c.options.strideW = c.options.strideH = 2;
  // Output quantization differing from the input's.
  c.inQuant = QuantParams::perTensor(0.1f, 3);
  c.outQuant = QuantParams::perTensor(0.2f, 3);
  runPool(c, rng);
  c.outQuant = QuantParams::perTensor(0.1f, 4);
  runPool(c, rng);
  // A type TFLM's kernel does not take (int32).
  c.type = TensorType::kInt32;
  c.inQuant = c.outQuant = {};
  runPool(c, rng);
}

TEST(LayoutOps, MaxPool2dRefusalNamesOperatorAndField) {
  host::TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(0.1f, 0);
  const int32_t in = w.addActivation("in", TensorType::kInt8, {1, 4, 4, 1}, q);
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {1, 2, 2, 1}, QuantParams::perTensor(0.3f, 0));
  host::Pool2DOptions o;
  o.filterWidth = o.filterHeight = o.strideW = o.strideH = 2;
  addOp(w, schema::BuiltinOperator::kMaxPool2d, {in}, {out}, o);
  expectRefusal(w, in, out, {"MAX_POOL_2D", "output scale"});
}

// ---- SQUEEZE, EXPAND_DIMS ----

TEST(LayoutOpsVsTflm, SqueezeRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(21, 25, [&](Rng& rng, int) {
    const TensorType type = pick(
        rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32});
    std::vector<int32_t> shape = randomShape(rng, 1, 5, 4);
    for (int32_t& d : shape) d = uniform(rng, 0, 1) ? 1 : d;
    std::vector<int32_t> dims, kept;
    const bool all = uniform(rng, 0, 2) == 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      const bool squeeze = shape[d] == 1 && (all || uniform(rng, 0, 1));
      if (squeeze && !all) {
        dims.push_back(uniform(rng, 0, 1)
                           ? static_cast<int32_t>(d)
                           : static_cast<int32_t>(d) - static_cast<int32_t>(shape.size()));
      }
      if (!squeeze) kept.push_back(shape[d]);
    }
    if (dims.empty()) {  // no squeeze_dims: every size-1 dimension goes
      kept.clear();
      for (int32_t d : shape)
        if (d != 1) kept.push_back(d);
    }
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, shape, q);
    const int32_t out = w.addActivation("out", type, kept, q);
    TableOptions o(schema::BuiltinOptionsType::kSqueezeOptions);
    if (!dims.empty()) o.addInt32Vector(0, dims);
    addOp(w, schema::BuiltinOperator::kSqueeze, {in}, {out}, o);
    compare(w, in, {out}, elements(shape) * typeSize(type), rng, true);
  });
}

// TFLM checks SQUEEZE's output loosely: the same bytes, each kept dimension fitting.
TEST(LayoutOpsVsTflm, SqueezeOutputWithExtraSizeOneDimensionRuns) {
  SKIP_WITHOUT_TFLM();
  Rng rng(25);
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {1, 2, 1}, QuantParams::perTensor(0.5f, 0));
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {2, 1}, QuantParams::perTensor(0.5f, 0));
  addOp(w, schema::BuiltinOperator::kSqueeze, {in}, {out});
  compare(w, in, {out}, 2, rng);
}

TEST(LayoutOpsVsTflm, SqueezeOfADimensionThatIsNotOneIsRefused) {
  SKIP_WITHOUT_TFLM();
  Rng rng(22);
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {1, 3, 1}, QuantParams::perTensor(0.5f, 0));
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {1, 1}, QuantParams::perTensor(0.5f, 0));
  TableOptions o(schema::BuiltinOptionsType::kSqueezeOptions);
  o.addInt32Vector(0, {1});
  addOp(w, schema::BuiltinOperator::kSqueeze, {in}, {out}, o);
  compare(w, in, {out}, 3, rng);
}

TEST(LayoutOpsVsTflm, ExpandDimsRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(23, 25, [&](Rng& rng, int) {
    const TensorType type =
        pick(rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32});
    const std::vector<int32_t> shape = randomShape(rng, 0, 4, 4);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t axis = uniform(rng, -rank - 1, rank);
    std::vector<int32_t> expanded = shape;
    expanded.insert(expanded.begin() + (axis < 0 ? axis + rank + 1 : axis), 1);
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, shape, q);
    const int32_t a = w.addInt32Constant("axis", {1}, {axis});
    const int32_t out = w.addActivation("out", type, expanded, q);
    addOp(w, schema::BuiltinOperator::kExpandDims, {in, a}, {out});
    compare(w, in, {out}, elements(shape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, ExpandDimsRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(24);
  for (int32_t axis : {3, -4}) {  // out of [-rank-1, rank] for rank 2
    host::TfliteWriter w;
    const int32_t in =
        w.addActivation("in", TensorType::kInt8, {2, 3}, QuantParams::perTensor(0.5f, 0));
    const int32_t a = w.addInt32Constant("axis", {1}, {axis});
    const int32_t out =
        w.addActivation("out", TensorType::kInt8, {2, 3, 1}, QuantParams::perTensor(0.5f, 0));
    addOp(w, schema::BuiltinOperator::kExpandDims, {in, a}, {out});
    compare(w, in, {out}, 6, rng);
  }
  // int32 data is not among EXPAND_DIMS's types in TFLM.
  host::TfliteWriter w;
  const int32_t in = w.addActivation("in", TensorType::kInt32, {2, 3});
  const int32_t a = w.addInt32Constant("axis", {1}, {0});
  const int32_t out = w.addActivation("out", TensorType::kInt32, {1, 2, 3});
  addOp(w, schema::BuiltinOperator::kExpandDims, {in, a}, {out});
  compare(w, in, {out}, 24, rng);
}

// ---- SLICE ----

TEST(LayoutOpsVsTflm, SliceRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(31, 30, [&](Rng& rng, int) {
    const TensorType type = pick(
        rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32});
    const std::vector<int32_t> shape = randomShape(rng, 1, 5, 5);
    std::vector<int32_t> begin, size, outShape;
    for (int32_t d : shape) {
      const int32_t b = uniform(rng, 0, d - 1);
      const int32_t n = uniform(rng, 0, 3) == 0 ? -1 : uniform(rng, 1, d - b);
      begin.push_back(b);
      size.push_back(n);
      outShape.push_back(n == -1 ? d - b : n);
    }
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, shape, q);
    int32_t b = 0, s = 0;
    if (uniform(rng, 0, 1)) {
      b = w.addInt32Constant("begin", {static_cast<int32_t>(begin.size())}, begin);
      s = w.addInt32Constant("size", {static_cast<int32_t>(size.size())}, size);
    } else {
      b = addInt64Constant(w, "begin", std::vector<int64_t>(begin.begin(), begin.end()));
      s = addInt64Constant(w, "size", std::vector<int64_t>(size.begin(), size.end()));
    }
    const int32_t out = w.addActivation("out", type, outShape, q);
    addOp(w, schema::BuiltinOperator::kSlice, {in, b, s}, {out});
    compare(w, in, {out}, elements(shape) * typeSize(type), rng, true);
  });
}

// TFLM (at the tflm_run commit) runs these and reads or writes outside the tensors; tinyscope
// refuses each with an error naming the operator and the operand at fault.
TEST(LayoutOps, SliceOutOfBoundsIsRefused) {
  struct Bad {
    std::vector<int32_t> begin, size, out;
    const char* field;
  };
  const Bad cases[] = {
      {{0, 3}, {1, 2}, {1, 2}, "SLICE.size"},    // runs past the end
      {{-1, 0}, {1, 2}, {1, 2}, "SLICE.begin"},  // negative begin
      {{0, 0}, {1, -2}, {1, 1}, "SLICE.size"},   // negative size other than -1
      {{0, 0}, {1, 2}, {1, 3}, "SLICE.output"},  // output size does not match
  };
  for (const Bad& c : cases) {
    host::TfliteWriter w;
    const QuantParams q = QuantParams::perTensor(0.5f, 1);
    const int32_t in = w.addActivation("in", TensorType::kInt8, {2, 4}, q);
    const int32_t b = w.addInt32Constant("begin", {2}, c.begin);
    const int32_t s = w.addInt32Constant("size", {2}, c.size);
    const int32_t out = w.addActivation("out", TensorType::kInt8, c.out, q);
    addOp(w, schema::BuiltinOperator::kSlice, {in, b, s}, {out});
    expectRefusal(w, in, out, {"operator 0 SLICE", c.field});
  }
}

// ---- SPLIT, SPLIT_V, PACK, UNPACK ----

TEST(LayoutOpsVsTflm, SplitRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(41, 25, [&](Rng& rng, int) {
    const TensorType type = pick(
        rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32});
    std::vector<int32_t> shape = randomShape(rng, 1, 4, 4);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t axis = uniform(rng, 0, rank - 1);
    const int32_t parts = uniform(rng, 1, 4);
    shape[static_cast<size_t>(axis)] *= parts;
    std::vector<int32_t> partShape = shape;
    partShape[static_cast<size_t>(axis)] /= parts;
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t a = w.addInt32Constant("axis", {}, {uniform(rng, 0, 1) ? axis : axis - rank});
    const int32_t in = w.addActivation("in", type, shape, q);
    std::vector<int32_t> outs;
    for (int32_t k = 0; k < parts; ++k)
      outs.push_back(w.addActivation("out" + std::to_string(k), type, partShape, q));
    addOp(w, schema::BuiltinOperator::kSplit, {a, in}, outs,
          TableOptions(schema::BuiltinOptionsType::kSplitOptions).add(0, Kind::kInt32, parts));
    compare(w, in, outs, elements(shape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, SplitVRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(42, 25, [&](Rng& rng, int) {
    const TensorType type = pick(
        rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32});
    std::vector<int32_t> shape = randomShape(rng, 1, 4, 4);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t axis = uniform(rng, 0, rank - 1);
    std::vector<int32_t> sizes(static_cast<size_t>(uniform(rng, 1, 4)));
    int32_t total = 0;
    for (int32_t& s : sizes) total += (s = uniform(rng, 1, 3));
    shape[static_cast<size_t>(axis)] = total;
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, shape, q);
    const int32_t sz = w.addInt32Constant("sizes", {static_cast<int32_t>(sizes.size())}, sizes);
    const int32_t a = w.addInt32Constant("axis", {1}, {uniform(rng, 0, 1) ? axis : axis - rank});
    std::vector<int32_t> outs;
    for (size_t k = 0; k < sizes.size(); ++k) {
      std::vector<int32_t> partShape = shape;
      partShape[static_cast<size_t>(axis)] = sizes[k];
      outs.push_back(w.addActivation("out" + std::to_string(k), type, partShape, q));
    }
    addOp(w, schema::BuiltinOperator::kSplitV, {in, sz, a}, outs,
          TableOptions(schema::BuiltinOptionsType::kSplitVOptions)
              .add(0, Kind::kInt32, static_cast<int64_t>(sizes.size())));
    compare(w, in, outs, elements(shape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, SplitAxisOutOfRangeIsRefused) {
  SKIP_WITHOUT_TFLM();
  Rng rng(43);
  for (int32_t axis : {2, -3}) {
    host::TfliteWriter w;
    const QuantParams q = QuantParams::perTensor(0.5f, 0);
    const int32_t a = w.addInt32Constant("axis", {}, {axis});
    const int32_t in = w.addActivation("in", TensorType::kInt8, {2, 4}, q);
    const int32_t o0 = w.addActivation("o0", TensorType::kInt8, {1, 4}, q);
    const int32_t o1 = w.addActivation("o1", TensorType::kInt8, {1, 4}, q);
    addOp(w, schema::BuiltinOperator::kSplit, {a, in}, {o0, o1},
          TableOptions(schema::BuiltinOptionsType::kSplitOptions).add(0, Kind::kInt32, 2));
    compare(w, in, {o0, o1}, 8, rng);
  }
}

TEST(LayoutOpsVsTflm, PackRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(44, 25, [&](Rng& rng, int) {
    const TensorType type = pick(
        rng, {TensorType::kInt8, TensorType::kInt32, TensorType::kFloat32, TensorType::kInt64});
    const std::vector<int32_t> shape = randomShape(rng, 0, 3, 4);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t count = uniform(rng, 1, 4);
    const int32_t axis = uniform(rng, 0, rank);
    std::vector<int32_t> outShape = shape;
    outShape.insert(outShape.begin() + axis, count);
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    std::vector<int32_t> ins{w.addActivation("in", type, shape, q)};
    for (int32_t k = 1; k < count; ++k)
      ins.push_back(addConstant(w, "c" + std::to_string(k), type, shape, rng, q));
    const int32_t out = w.addActivation("out", type, outShape, q);
    addOp(w, schema::BuiltinOperator::kPack, ins, {out},
          TableOptions(schema::BuiltinOptionsType::kPackOptions)
              .add(0, Kind::kInt32, count)
              .add(1, Kind::kInt32, uniform(rng, 0, 1) ? axis : axis - rank - 1));
    compare(w, ins[0], {out}, elements(shape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, UnpackRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(45, 25, [&](Rng& rng, int) {
    const TensorType type =
        pick(rng, {TensorType::kInt8, TensorType::kInt32, TensorType::kFloat32});
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 4);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t axis = uniform(rng, 0, rank - 1);
    std::vector<int32_t> partShape = shape;
    partShape.erase(partShape.begin() + axis);
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, shape, q);
    std::vector<int32_t> outs;
    for (int32_t k = 0; k < shape[static_cast<size_t>(axis)]; ++k)
      outs.push_back(w.addActivation("out" + std::to_string(k), type, partShape, q));
    addOp(w, schema::BuiltinOperator::kUnpack, {in}, outs,
          TableOptions(schema::BuiltinOptionsType::kUnpackOptions)
              .add(0, Kind::kInt32, static_cast<int64_t>(outs.size()))
              .add(1, Kind::kInt32, uniform(rng, 0, 1) ? axis : axis - rank));
    compare(w, in, outs, elements(shape) * typeSize(type), rng, true);
  });
}

// int16 PACK/UNPACK: whatever TFLM's kernels decide (run or refuse), tinyscope decides the same.
TEST(LayoutOpsVsTflm, PackAndUnpackInt16FollowTflm) {
  SKIP_WITHOUT_TFLM();
  Rng rng(46);
  const QuantParams q = QuantParams::perTensor(0.001f, 0);
  {
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", TensorType::kInt16, {2, 3}, q);
    const int32_t c = addConstant(w, "c", TensorType::kInt16, {2, 3}, rng, q);
    const int32_t out = w.addActivation("out", TensorType::kInt16, {2, 2, 3}, q);
    addOp(w, schema::BuiltinOperator::kPack, {in, c}, {out},
          TableOptions(schema::BuiltinOptionsType::kPackOptions)
              .add(0, Kind::kInt32, 2)
              .add(1, Kind::kInt32, 1));
    compare(w, in, {out}, 12, rng);
  }
  {
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", TensorType::kInt16, {2, 3}, q);
    const int32_t o0 = w.addActivation("o0", TensorType::kInt16, {3}, q);
    const int32_t o1 = w.addActivation("o1", TensorType::kInt16, {3}, q);
    addOp(w, schema::BuiltinOperator::kUnpack, {in}, {o0, o1},
          TableOptions(schema::BuiltinOptionsType::kUnpackOptions).add(0, Kind::kInt32, 2));
    compare(w, in, {o0, o1}, 12, rng);
  }
}

// ---- GATHER, SHAPE, FILL, ZEROS_LIKE ----

// A random GATHER: params shape, axis, batch_dims, in-range positions and the output shape.
struct GatherCase {
  std::vector<int32_t> shape, coordsShape, positions, outShape;
  int32_t axis = 0, batchDims = 0;
};

GatherCase randomGather(Rng& rng, int32_t minCoordDims) {
  GatherCase c;
  c.shape = randomShape(rng, 1, 4, 5);
  const auto rank = static_cast<int32_t>(c.shape.size());
  c.axis = uniform(rng, 0, rank - 1);
  c.batchDims = uniform(rng, 0, c.axis < 2 ? c.axis : 2);
  c.coordsShape.assign(c.shape.begin(), c.shape.begin() + c.batchDims);
  for (int32_t k = uniform(rng, minCoordDims, 2); k > 0; --k)
    c.coordsShape.push_back(uniform(rng, 1, 4));
  c.positions.resize(elements(c.coordsShape));
  for (int32_t& p : c.positions) p = uniform(rng, 0, c.shape[static_cast<size_t>(c.axis)] - 1);
  c.outShape.assign(c.shape.begin(), c.shape.begin() + c.axis);
  c.outShape.insert(c.outShape.end(), c.coordsShape.begin() + c.batchDims, c.coordsShape.end());
  c.outShape.insert(c.outShape.end(), c.shape.begin() + c.axis + 1, c.shape.end());
  return c;
}

TableOptions gatherOptions(int32_t axis, int32_t batchDims) {
  return TableOptions(schema::BuiltinOptionsType::kGatherOptions)
      .add(0, Kind::kInt32, axis)
      .add(1, Kind::kInt32, batchDims);
}

TEST(LayoutOpsVsTflm, GatherRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(51, 30, [&](Rng& rng, int) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
    const GatherCase c = randomGather(rng, 0);
    const auto rank = static_cast<int32_t>(c.shape.size());
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, c.shape, q);
    const int32_t pos = w.addInt32Constant("positions", c.coordsShape, c.positions);
    const int32_t out = w.addActivation("out", type, c.outShape, q);
    addOp(w, schema::BuiltinOperator::kGather, {in, pos}, {out},
          gatherOptions(uniform(rng, 0, 1) ? c.axis : c.axis - rank, c.batchDims));
    compare(w, in, {out}, elements(c.shape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, GatherRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(52);
  // int16 data (not a GATHER type in TFLM), and an axis out of range.
  for (int k = 0; k < 2; ++k) {
    host::TfliteWriter w;
    const TensorType type = k == 0 ? TensorType::kInt16 : TensorType::kInt8;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, {3, 2}, q);
    const int32_t pos = w.addInt32Constant("positions", {2}, {2, 0});
    const int32_t out = w.addActivation("out", type, {2, 2}, q);
    addOp(w, schema::BuiltinOperator::kGather, {in, pos}, {out},
          TableOptions(schema::BuiltinOptionsType::kGatherOptions)
              .add(0, Kind::kInt32, k == 0 ? 0 : 2));
    compare(w, in, {out}, 6 * typeSize(type), rng);
  }
}

TEST(LayoutOps, GatherPositionOutOfRangeIsRefused) {
  host::TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(0.5f, 0);
  const int32_t in = w.addActivation("in", TensorType::kInt8, {3, 2}, q);
  const int32_t pos = w.addInt32Constant("positions", {2}, {3, 0});
  const int32_t out = w.addActivation("out", TensorType::kInt8, {2, 2}, q);
  addOp(w, schema::BuiltinOperator::kGather, {in, pos}, {out},
        TableOptions(schema::BuiltinOptionsType::kGatherOptions));
  expectRefusal(w, in, out, {"operator 0 GATHER", "GATHER.positions"});
}

// Positions computed at run time (here: the model's input 0, params a constant): positions
// inside the axis give TFLM's output; one outside gives a slice of zero bytes, and the others
// are still gathered (the oracle's release build reads outside the params there; later TFLM
// stops the inference).
TEST(LayoutOpsVsTflm, GatherComputedPositions) {
  SKIP_WITHOUT_TFLM();
  forCases(54, 24, [&](Rng& rng, int) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
    const GatherCase c = randomGather(rng, 1);
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t params = addConstant(w, "params", type, c.shape, rng, q);
    const int32_t pos = w.addActivation("positions", TensorType::kInt32, c.coordsShape);
    const int32_t out = w.addActivation("out", type, c.outShape, q);
    addOp(w, schema::BuiltinOperator::kGather, {params, pos}, {out},
          gatherOptions(c.axis, c.batchDims));
    std::vector<uint8_t> input(c.positions.size() * 4);
    std::memcpy(input.data(), c.positions.data(), input.size());
    compareWith(w, pos, {out}, input, true);
  });
}

TEST(LayoutOps, GatherComputedPositionOutsideTheAxisGivesZeros) {
  host::TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(0.5f, 3);
  host::TensorSpec spec;
  spec.name = "params";
  spec.type = TensorType::kInt8;
  spec.shape = {3, 2};
  spec.data = {1, 2, 3, 4, 5, 6};
  spec.quant = q;
  const int32_t params = w.addTensor(std::move(spec));
  const int32_t pos = w.addActivation("positions", TensorType::kInt32, {3});
  const int32_t out = w.addActivation("out", TensorType::kInt8, {3, 2}, q);
  addOp(w, schema::BuiltinOperator::kGather, {params, pos}, {out},
        TableOptions(schema::BuiltinOptionsType::kGatherOptions));
  w.setInputs({pos});
  w.setOutputs({out});
  const std::vector<uint8_t> model = w.serialize();
  for (const int32_t bad : {3, -1, 1 << 30}) {
    SCOPED_TRACE(bad);
    const std::vector<int32_t> positions = {2, bad, 0};
    std::vector<uint8_t> input(12);
    std::memcpy(input.data(), positions.data(), 12);
    const test::OracleRun ours = test::runTinyscope(model, input);
    ASSERT_TRUE(ours.ok) << ours.status;
    EXPECT_EQ(ours.outputs[0], (std::vector<uint8_t>{5, 6, 0, 0, 1, 2}));
  }
}

TEST(LayoutOpsVsTflm, ShapeFillZerosLike) {
  SKIP_WITHOUT_TFLM();
  forCases(53, 20, [&](Rng& rng, int) {
    const std::vector<int32_t> shape = randomShape(rng, 0, 5, 4);
    const int32_t rank = static_cast<int32_t>(shape.size());
    if (rank > 0) {  // SHAPE of any tensor type (a scalar's would be a zero-sized output)
      const TensorType type =
          pick(rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32});
      host::TfliteWriter w;
      const int32_t in = w.addActivation("in", type, shape, quantFor(type, rng));
      const int32_t out = w.addActivation("out", TensorType::kInt32, {rank});
      addOp(w, schema::BuiltinOperator::kShape, {in}, {out},
            TableOptions(schema::BuiltinOptionsType::kShapeOptions).add(0, Kind::kInt8, 2));
      compare(w, in, {out}, elements(shape) * typeSize(type), rng, true);
    }
    if (rank > 0) {  // FILL: the value is the model's input, dims a constant
      const TensorType type =
          pick(rng, {TensorType::kInt8, TensorType::kInt32, TensorType::kFloat32});
      host::TfliteWriter w;
      const QuantParams q = quantFor(type, rng);
      const int32_t dims = w.addInt32Constant("dims", {rank}, shape);
      const int32_t value = w.addActivation("value", type, {}, q);
      const int32_t out = w.addActivation("out", type, shape, q);
      addOp(w, schema::BuiltinOperator::kFill, {dims, value}, {out});
      compare(w, value, {out}, typeSize(type), rng, true);
    }
    {  // ZEROS_LIKE
      const TensorType type = pick(
          rng, {TensorType::kInt8, TensorType::kInt32, TensorType::kFloat32, TensorType::kInt64});
      host::TfliteWriter w;
      const QuantParams q = quantFor(type, rng);
      const int32_t in = w.addActivation("in", type, shape, q);
      const int32_t out = w.addActivation("out", type, shape, q);
      addOp(w, schema::BuiltinOperator::kZerosLike, {in}, {out});
      compare(w, in, {out}, elements(shape) * typeSize(type), rng, true);
    }
  });
}

TEST(LayoutOpsVsTflm, FillAndZerosLikeRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(54);
  {  // dims that differ from the output's shape
    host::TfliteWriter w;
    const QuantParams q = QuantParams::perTensor(0.5f, 0);
    const int32_t dims = w.addInt32Constant("dims", {2}, {2, 4});
    const int32_t value = w.addActivation("value", TensorType::kInt8, {}, q);
    const int32_t out = w.addActivation("out", TensorType::kInt8, {2, 3}, q);
    addOp(w, schema::BuiltinOperator::kFill, {dims, value}, {out});
    compare(w, value, {out}, 1, rng);
  }
  {  // a scalar output: a zero-element dims, which TFLM counts as not constant
    host::TfliteWriter w;
    const QuantParams q = QuantParams::perTensor(0.5f, 0);
    const int32_t dims = w.addInt32Constant("dims", {0}, {});
    const int32_t value = w.addActivation("value", TensorType::kInt8, {}, q);
    const int32_t out = w.addActivation("out", TensorType::kInt8, {}, q);
    addOp(w, schema::BuiltinOperator::kFill, {dims, value}, {out});
    compare(w, value, {out}, 1, rng);
  }
  {  // a value that is not a scalar
    host::TfliteWriter w;
    const QuantParams q = QuantParams::perTensor(0.5f, 0);
    const int32_t dims = w.addInt32Constant("dims", {1}, {3});
    const int32_t value = w.addActivation("value", TensorType::kInt8, {1}, q);
    const int32_t out = w.addActivation("out", TensorType::kInt8, {3}, q);
    addOp(w, schema::BuiltinOperator::kFill, {dims, value}, {out});
    compare(w, value, {out}, 1, rng);
  }
  for (TensorType type : {TensorType::kInt16}) {  // FILL and ZEROS_LIKE follow TFLM on int16
    host::TfliteWriter w;
    const QuantParams q = QuantParams::perTensor(0.001f, 0);
    const int32_t dims = w.addInt32Constant("dims", {1}, {3});
    const int32_t value = w.addActivation("value", type, {}, q);
    const int32_t out = w.addActivation("out", type, {3}, q);
    addOp(w, schema::BuiltinOperator::kFill, {dims, value}, {out});
    compare(w, value, {out}, 2, rng);
    host::TfliteWriter z;
    const int32_t in = z.addActivation("in", type, {3}, q);
    const int32_t zout = z.addActivation("out", type, {3}, q);
    addOp(z, schema::BuiltinOperator::kZerosLike, {in}, {zout});
    compare(z, in, {zout}, 6, rng);
  }
}

// ---- SUM, REDUCE_MAX, ARG_MAX, ARG_MIN ----

struct ReduceCase {
  std::vector<int32_t> shape, axes, outShape;
  bool keepDims = false;
};

ReduceCase randomReduce(Rng& rng) {
  ReduceCase c;
  c.shape = randomShape(rng, 1, 4, 5);
  const int32_t rank = static_cast<int32_t>(c.shape.size());
  c.keepDims = uniform(rng, 0, 1) == 1;
  std::vector<bool> reduced(c.shape.size(), false);
  for (int32_t k = uniform(rng, 1, rank); k > 0; --k) {
    const int32_t a = uniform(rng, 0, rank - 1);
    reduced[static_cast<size_t>(a)] = true;
    c.axes.push_back(uniform(rng, 0, 1) ? a : a - rank);  // duplicates allowed
  }
  for (size_t d = 0; d < c.shape.size(); ++d) {
    if (!reduced[d])
      c.outShape.push_back(c.shape[d]);
    else if (c.keepDims)
      c.outShape.push_back(1);
  }
  return c;
}

void runReduce(schema::BuiltinOperator op, TensorType type, const ReduceCase& c,
               const QuantParams& inQ, const QuantParams& outQ, Rng& rng, bool mustRun = false) {
  host::TfliteWriter w;
  const int32_t in = w.addActivation("in", type, c.shape, inQ);
  const int32_t axes = w.addInt32Constant("axes", {static_cast<int32_t>(c.axes.size())}, c.axes);
  const int32_t out = w.addActivation("out", type, c.outShape, outQ);
  addOp(w, op, {in, axes}, {out},
        TableOptions(schema::BuiltinOptionsType::kReducerOptions).add(0, Kind::kBool, c.keepDims));
  compare(w, in, {out}, elements(c.shape) * typeSize(type), rng, mustRun);
}

TEST(LayoutOpsVsTflm, SumRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(61, 30, [&](Rng& rng, int) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kInt16});
    const ReduceCase c = randomReduce(rng);
    // Output scales from much finer to much coarser than the input's (saturation both ways).
    const float ratio = 0.05f * static_cast<float>(uniform(rng, 1, 400));
    QuantParams inQ = quantFor(type, rng);
    QuantParams outQ = QuantParams::perTensor(
        inQ.scales[0] * ratio, type == TensorType::kInt8 ? uniform(rng, -128, 127) : 0);
    runReduce(schema::BuiltinOperator::kSum, type, c, inQ, outQ, rng, true);
  });
}

// float32 MEAN and SUM: float sums in input order (so any change of order shows in the last
// bits), MEAN divided by the count; finite inputs of mixed magnitudes.
TEST(LayoutOpsVsTflm, FloatMeanSumRandomModels) {
  SKIP_WITHOUT_TFLM();
  uint32_t seed = 65;
  for (const auto op : {schema::BuiltinOperator::kMean, schema::BuiltinOperator::kSum}) {
    forCases(seed++, 30, [&](Rng& rng, int) {
      const ReduceCase c = randomReduce(rng);
      host::TfliteWriter w;
      const int32_t in = w.addActivation("in", TensorType::kFloat32, c.shape);
      const int32_t axes =
          w.addInt32Constant("axes", {static_cast<int32_t>(c.axes.size())}, c.axes);
      const int32_t out = w.addActivation("out", TensorType::kFloat32, c.outShape);
      addOp(w, op, {in, axes}, {out},
            TableOptions(schema::BuiltinOptionsType::kReducerOptions)
                .add(0, Kind::kBool, c.keepDims));
      std::vector<uint8_t> input = finiteFloats(elements(c.shape), rng);
      for (size_t k = 0; k + 3 < input.size(); k += 12) input[k + 3] ^= 0x20;  // other exponents
      compareWith(w, in, {out}, input, true);
    });
  }
}

// REDUCE_MAX and REDUCE_MIN (the latter from the rest of TFLM's list): float32 (random bit
// patterns, NaNs included) and int8.
TEST(LayoutOpsVsTflm, ReduceMaxMinRandomModels) {
  SKIP_WITHOUT_TFLM();
  uint32_t seed = 62;
  for (const auto op : {schema::BuiltinOperator::kReduceMax, schema::BuiltinOperator::kReduceMin}) {
    forCases(seed++, 30, [&](Rng& rng, int) {
      const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
      const ReduceCase c = randomReduce(rng);
      const QuantParams q = quantFor(type, rng);
      runReduce(op, type, c, q, q, rng, true);
    });
  }
}

TEST(LayoutOpsVsTflm, ReduceMaxMinRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(63);
  ReduceCase c;
  c.shape = {2, 3};
  c.axes = {1};
  c.outShape = {2};
  for (const auto op : {schema::BuiltinOperator::kReduceMax, schema::BuiltinOperator::kReduceMin}) {
    // Output quantization differing from the input's; int16 data.
    runReduce(op, TensorType::kInt8, c, QuantParams::perTensor(0.1f, 0),
              QuantParams::perTensor(0.2f, 0), rng);
    runReduce(op, TensorType::kInt8, c, QuantParams::perTensor(0.1f, 0),
              QuantParams::perTensor(0.1f, 5), rng);
    runReduce(op, TensorType::kInt16, c, QuantParams::perTensor(0.1f, 0),
              QuantParams::perTensor(0.1f, 0), rng);
  }
}

TEST(LayoutOpsVsTflm, ArgMaxArgMinRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(64, 40, [&](Rng& rng, int i) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 6);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t axis = uniform(rng, 0, rank - 1);
    std::vector<int32_t> outShape = shape;
    outShape.erase(outShape.begin() + axis);
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", type, shape, quantFor(type, rng));
    const int32_t a = w.addInt32Constant("axis", {1}, {uniform(rng, 0, 1) ? axis : axis - rank});
    const int32_t out = w.addActivation("out", TensorType::kInt32, outShape);
    const bool isMax = i % 2 == 0;
    addOp(w, isMax ? schema::BuiltinOperator::kArgMax : schema::BuiltinOperator::kArgMin, {in, a},
          {out},
          TableOptions(isMax ? 40 : 57)
              .add(0, Kind::kInt8, static_cast<int64_t>(TensorType::kInt32)));
    // int8 inputs from a narrow range, so ties (the first index wins) are common.
    std::vector<uint8_t> input = randomBytes(elements(shape) * typeSize(type), rng);
    if (type == TensorType::kInt8)
      for (uint8_t& b : input) b = static_cast<uint8_t>(b % 4);
    compareWith(w, in, {out}, input, true);
  });
}

// ---- PADV2 ----

TEST(LayoutOpsVsTflm, PadV2RandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(71, 30, [&](Rng& rng, int) {
    const TensorType type = pick(
        rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32});
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 4);
    std::vector<int32_t> paddings, outShape;
    for (int32_t d : shape) {
      const int32_t before = uniform(rng, 0, 2), after = uniform(rng, 0, 2);
      paddings.push_back(before);
      paddings.push_back(after);
      outShape.push_back(before + d + after);
    }
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const int32_t in = w.addActivation("in", type, shape, q);
    const int32_t pad =
        w.addInt32Constant("paddings", {static_cast<int32_t>(shape.size()), 2}, paddings);
    const int32_t value = addConstant(w, "value", type, {}, rng, q);
    const int32_t out = w.addActivation("out", type, outShape, q);
    addOp(w, schema::BuiltinOperator::kPadv2, {in, pad, value}, {out});
    compare(w, in, {out}, elements(shape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, PadV2Refusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(72);
  const QuantParams q = QuantParams::perTensor(0.5f, 3);
  for (int k = 0; k < 3; ++k) {
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", TensorType::kInt8, {2, 3}, q);
    const int32_t pad = w.addInt32Constant("paddings", {2, 2}, {1, 0, 0, 1});
    // 0: value quantized unlike the output; 1: two values; 2: a value of another type.
    const int32_t value = k == 0   ? addConstant(w, "value", TensorType::kInt8, {}, rng,
                                                 QuantParams::perTensor(0.25f, 3))
                          : k == 1 ? addConstant(w, "value", TensorType::kInt8, {2}, rng, q)
                                   : addConstant(w, "value", TensorType::kInt16, {}, rng, q);
    const int32_t out = w.addActivation("out", TensorType::kInt8, {3, 4}, q);
    addOp(w, schema::BuiltinOperator::kPadv2, {in, pad, value}, {out});
    compare(w, in, {out}, 6, rng);
  }
}

// ---- RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR ----

void runResize(bool bilinear, TensorType type, std::vector<int32_t> in, int32_t oh, int32_t ow,
               bool align, bool half, Rng& rng, bool mustRun) {
  host::TfliteWriter w;
  const QuantParams q = quantFor(type, rng);
  const int32_t input = w.addActivation("in", type, in, q);
  const int32_t size = w.addInt32Constant("size", {2}, {oh, ow});
  const int32_t out = w.addActivation("out", type, {in[0], oh, ow, in[3]}, q);
  TableOptions o(bilinear ? schema::BuiltinOptionsType::kResizeBilinearOptions
                          : schema::BuiltinOptionsType::kResizeNearestNeighborOptions);
  const uint16_t first = bilinear ? 2 : 0;
  o.add(first, Kind::kBool, align).add(static_cast<uint16_t>(first + 1), Kind::kBool, half);
  addOp(w,
        bilinear ? schema::BuiltinOperator::kResizeBilinear
                 : schema::BuiltinOperator::kResizeNearestNeighbor,
        {input, size}, {out}, o);
  compare(w, input, {out}, elements(in) * typeSize(type), rng, mustRun);
}

TEST(LayoutOpsVsTflm, ResizeRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(81, 60, [&](Rng& rng, int i) {
    const bool bilinear = i % 2 == 1;
    const TensorType type =
        bilinear ? pick(rng, {TensorType::kInt8, TensorType::kFloat32})
                 : pick(rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32});
    const std::vector<int32_t> in = {uniform(rng, 1, 2), uniform(rng, 1, 7), uniform(rng, 1, 7),
                                     uniform(rng, 1, 3)};
    const int32_t mode = uniform(rng, 0, 2);  // plain, align_corners, half_pixel_centers
    runResize(bilinear, type, in, uniform(rng, 1, 15), uniform(rng, 1, 15), mode == 1, mode == 2,
              rng, true);
  });
}

TEST(LayoutOpsVsTflm, ResizeEdgeCases) {
  SKIP_WITHOUT_TFLM();
  Rng rng(82);
  // A single-pixel image with half_pixel_centers (negative source positions), downscaling,
  // align_corners with a one-pixel output and with odd upscaling.
  for (bool bilinear : {false, true}) {
    runResize(bilinear, TensorType::kInt8, {1, 1, 1, 4}, 5, 3, false, true, rng, true);
    runResize(bilinear, TensorType::kInt8, {1, 9, 8, 2}, 2, 3, false, false, rng, true);
    runResize(bilinear, TensorType::kInt8, {1, 4, 4, 1}, 1, 1, true, false, rng, true);
    runResize(bilinear, TensorType::kInt8, {1, 3, 5, 1}, 7, 11, true, false, rng, true);
  }
  // Refused by both: bilinear with align_corners and half_pixel_centers; int16 bilinear.
  runResize(true, TensorType::kInt8, {1, 2, 2, 1}, 4, 4, true, true, rng, false);
  runResize(true, TensorType::kInt16, {1, 2, 2, 1}, 4, 4, false, false, rng, false);
}

// ---- DEPTH_TO_SPACE, SPACE_TO_DEPTH, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND ----

TEST(LayoutOpsVsTflm, DepthSpaceRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(91, 30, [&](Rng& rng, int i) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
    const bool toSpace = i % 2 == 0;
    const int32_t b = uniform(rng, 1, 3);
    const int32_t n = uniform(rng, 1, 2), h = uniform(rng, 1, 4), w = uniform(rng, 1, 4),
                  c = uniform(rng, 1, 3);
    // The space-side shape [n, h*b, w*b, c] and the depth-side one [n, h, w, c*b*b].
    const std::vector<int32_t> space = {n, h * b, w * b, c}, depth = {n, h, w, c * b * b};
    host::TfliteWriter w8;
    const QuantParams q = quantFor(type, rng);
    const std::vector<int32_t>& inShape = toSpace ? depth : space;
    const int32_t in = w8.addActivation("in", type, inShape, q);
    const int32_t out = w8.addActivation("out", type, toSpace ? space : depth, q);
    addOp(w8,
          toSpace ? schema::BuiltinOperator::kDepthToSpace : schema::BuiltinOperator::kSpaceToDepth,
          {in}, {out},
          TableOptions(toSpace ? schema::BuiltinOptionsType::kDepthToSpaceOptions
                               : schema::BuiltinOptionsType::kSpaceToDepthOptions)
              .add(0, Kind::kInt32, b));
    compare(w8, in, {out}, elements(inShape) * typeSize(type), rng, true);
  });
}

TEST(LayoutOpsVsTflm, BatchSpaceRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(92, 40, [&](Rng& rng, int i) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
    const bool toSpace = i % 2 == 0;
    const bool rank4 = uniform(rng, 0, 2) != 0;
    const int32_t spatial = rank4 ? 2 : 1;
    std::vector<int32_t> block(static_cast<size_t>(spatial)), pads;
    for (int32_t& v : block) v = uniform(rng, 1, 3);
    const int32_t n = uniform(rng, 1, 2), c = uniform(rng, 1, 3);
    // The space side [n, H, W, c] (W only in rank 4) and the batch side
    // [n * prod(block), (H + pads) / bh, (W + pads) / bw, c]; crops mirror the pads.
    std::vector<int32_t> spaceShape{n}, batchShape{n * block[0] * (rank4 ? block[1] : 1)};
    for (int32_t k = 0; k < spatial; ++k) {
      const int32_t cells = uniform(rng, 1, 4);
      const int32_t padded = cells * block[static_cast<size_t>(k)];
      const int32_t before = uniform(rng, 0, padded - 1);
      const int32_t after = uniform(rng, 0, padded - 1 - before);
      pads.push_back(before);
      pads.push_back(after);
      spaceShape.push_back(padded - before - after);
      batchShape.push_back(cells);
    }
    spaceShape.push_back(c);
    batchShape.push_back(c);
    host::TfliteWriter w;
    const QuantParams q = quantFor(type, rng);
    const std::vector<int32_t>& inShape = toSpace ? batchShape : spaceShape;
    const int32_t in = w.addActivation("in", type, inShape, q);
    const int32_t bs = w.addInt32Constant("block", {spatial}, block);
    const int32_t ps = w.addInt32Constant("pads", {spatial, 2}, pads);
    const int32_t out = w.addActivation("out", type, toSpace ? spaceShape : batchShape, q);
    addOp(w,
          toSpace ? schema::BuiltinOperator::kBatchToSpaceNd
                  : schema::BuiltinOperator::kSpaceToBatchNd,
          {in, bs, ps}, {out});
    compare(w, in, {out}, elements(inShape) * typeSize(type), rng, true);
  });
}

// ---- MIRROR_PAD ----

void runMirrorPad(TensorType type, const std::vector<int32_t>& shape,
                  const std::vector<int32_t>& pads, uint8_t mode, Rng& rng, bool mustRun) {
  std::vector<int32_t> outShape;
  for (size_t d = 0; d < shape.size(); ++d)
    outShape.push_back(pads[2 * d] + shape[d] + pads[2 * d + 1]);
  host::TfliteWriter w;
  const QuantParams q = quantFor(type, rng);
  const int32_t in = w.addActivation("in", type, shape, q);
  const int32_t p = w.addInt32Constant("paddings", {static_cast<int32_t>(shape.size()), 2}, pads);
  const int32_t out = w.addActivation("out", type, outShape, q);
  addOp(w, schema::BuiltinOperator::kMirrorPad, {in, p}, {out},
        TableOptions(schema::BuiltinOptionsType::kMirrorPadOptions).add(0, Kind::kInt8, mode));
  compare(w, in, {out}, elements(shape) * typeSize(type), rng, mustRun);
}

TEST(LayoutOpsVsTflm, MirrorPadRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(101, 30, [&](Rng& rng, int i) {
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kFloat32});
    const uint8_t mode = static_cast<uint8_t>(i % 2);  // REFLECT, SYMMETRIC
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 4);
    std::vector<int32_t> pads;
    for (int32_t d : shape) {
      const int32_t limit = d - (mode == 0 ? 1 : 0);  // up to the largest pad each mode allows
      pads.push_back(uniform(rng, 0, limit));
      pads.push_back(uniform(rng, 0, limit));
    }
    runMirrorPad(type, shape, pads, mode, rng, true);
  });
}

// TFLM reads outside the input for pads beyond what the mode allows; tinyscope refuses them.
TEST(LayoutOps, MirrorPadTooWideIsRefused) {
  Rng rng(102);
  host::TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(0.5f, 0);
  const int32_t in = w.addActivation("in", TensorType::kInt8, {3}, q);
  const int32_t p = w.addInt32Constant("paddings", {1, 2}, {3, 0});
  const int32_t out = w.addActivation("out", TensorType::kInt8, {6}, q);
  addOp(w, schema::BuiltinOperator::kMirrorPad, {in, p}, {out},
        TableOptions(schema::BuiltinOptionsType::kMirrorPadOptions).add(0, Kind::kInt8, 0));
  expectRefusal(w, in, out, {"operator 0 MIRROR_PAD", "MIRROR_PAD.paddings"});
}

// ---- L2_NORMALIZATION ----

TEST(LayoutOpsVsTflm, L2NormalizationRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(111, 40, [&](Rng& rng, int i) {
    const TensorType type = i % 4 == 3 ? TensorType::kFloat32 : TensorType::kInt8;
    std::vector<int32_t> shape = randomShape(rng, 1, 4, 6);
    if (i % 5 == 0) shape.back() = uniform(rng, 100, 300);  // long rows
    host::TfliteWriter w;
    const QuantParams inQ = quantFor(type, rng);
    const QuantParams outQ =
        type == TensorType::kInt8 ? QuantParams::perTensor(1.0f / 128, 0) : QuantParams();
    const int32_t in = w.addActivation("in", type, shape, inQ);
    const int32_t out = w.addActivation("out", type, shape, outQ);
    addOp(w, schema::BuiltinOperator::kL2Normalization, {in}, {out},
          TableOptions(schema::BuiltinOptionsType::kL2NormOptions));
    std::vector<uint8_t> input = type == TensorType::kFloat32 ? finiteFloats(elements(shape), rng)
                                                              : randomBytes(elements(shape), rng);
    if (type == TensorType::kInt8 && i % 7 == 0) {  // rows equal to the zero point: sum 0
      for (uint8_t& b : input) b = static_cast<uint8_t>(inQ.zeroPoints[0]);
    }
    compareWith(w, in, {out}, input, true);
  });
}

TEST(LayoutOpsVsTflm, L2NormalizationWithActivationIsRefused) {
  SKIP_WITHOUT_TFLM();
  Rng rng(112);
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {2, 5}, QuantParams::perTensor(0.1f, 3));
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {2, 5}, QuantParams::perTensor(1.0f / 128, 0));
  addOp(w, schema::BuiltinOperator::kL2Normalization, {in}, {out},
        TableOptions(schema::BuiltinOptionsType::kL2NormOptions).add(0, Kind::kInt8, 1));
  compare(w, in, {out}, 10, rng);
}

// ---- CUMSUM ----

TEST(LayoutOpsVsTflm, CumsumRandomModels) {
  SKIP_WITHOUT_TFLM();
  forCases(121, 40, [&](Rng& rng, int i) {
    const TensorType type = i % 4 == 3 ? TensorType::kFloat32 : TensorType::kInt8;
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 6);
    const int32_t rank = static_cast<int32_t>(shape.size());
    const int32_t axis = uniform(rng, 0, rank - 1);
    host::TfliteWriter w;
    const QuantParams inQ = quantFor(type, rng);
    // Output scales around the sum's range, so sums both fit and saturate.
    const QuantParams outQ =
        type == TensorType::kInt8
            ? QuantParams::perTensor(inQ.scales[0] * static_cast<float>(uniform(rng, 1, 8)),
                                     uniform(rng, -128, 127))
            : QuantParams();
    const int32_t in = w.addActivation("in", type, shape, inQ);
    const int32_t a = w.addInt32Constant("axis", {}, {uniform(rng, 0, 1) ? axis : axis - rank});
    const int32_t out = w.addActivation("out", type, shape, outQ);
    addOp(w, schema::BuiltinOperator::kCumsum, {in, a}, {out},
          TableOptions(schema::BuiltinOptionsType::kCumsumOptions)
              .add(0, Kind::kBool, uniform(rng, 0, 1))
              .add(1, Kind::kBool, uniform(rng, 0, 1)));
    compareWith(w, in, {out},
                type == TensorType::kFloat32 ? finiteFloats(elements(shape), rng)
                                             : randomBytes(elements(shape), rng),
                true);
  });
}

// Both engines on the model with input 0 = `input0`; true when both ran it (tests count these
// so they cannot pass on refusals alone).
bool compareRan(host::TfliteWriter& w, int32_t input, int32_t output,
                const std::vector<uint8_t>& input0) {
  w.setInputs({input});
  w.setOutputs({output});
  return test::expectSameAsTflmRan(w.serialize(), input0);
}

// `n` float32 values in [-range, range] as raw bytes.
std::vector<uint8_t> randomFloats(size_t n, float range, Rng& rng) {
  std::vector<float> values(n);
  std::uniform_real_distribution<float> dist(-range, range);
  for (float& f : values) f = dist(rng);
  std::vector<uint8_t> bytes(n * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// ---- LOG_SOFTMAX ----

TEST(LayoutOpsVsTflm, LogSoftmaxInt8RandomModels) {
  SKIP_WITHOUT_TFLM();
  Rng rng(71);
  int ran = 0;
  const int kCases = 60;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(i);
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 9);
    host::TfliteWriter w;
    const int32_t in =
        w.addActivation("in", TensorType::kInt8, shape, quantFor(TensorType::kInt8, rng));
    // One model in six gets an output quantization TFLM refuses.
    QuantParams outQuant = QuantParams::perTensor(16.0f / 256.0f, 127);
    const int32_t variant = uniform(rng, 0, 11);
    if (variant == 0) outQuant = QuantParams::perTensor(1.0f / 16.0f + 1e-6f, 127);
    if (variant == 1) outQuant = QuantParams::perTensor(16.0f / 256.0f, 0);
    const int32_t out = w.addActivation("out", TensorType::kInt8, shape, outQuant);
    addOp(w, schema::BuiltinOperator::kLogSoftmax, {in}, {out});
    ran += compareRan(w, in, out, randomBytes(elements(shape), rng)) ? 1 : 0;
  }
  EXPECT_GE(ran, kCases * 3 / 4);
}

TEST(LayoutOpsVsTflm, LogSoftmaxFloatRandomModels) {
  SKIP_WITHOUT_TFLM();
  Rng rng(72);
  int ran = 0;
  const int kCases = 40;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(i);
    const std::vector<int32_t> shape = randomShape(rng, 1, 4, 9);
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", TensorType::kFloat32, shape);
    // One model in eight declares an output of another shape, which TFLM refuses.
    std::vector<int32_t> outShape = shape;
    if (uniform(rng, 0, 7) == 0) outShape.back() += 1;
    const int32_t out = w.addActivation("out", TensorType::kFloat32, outShape);
    addOp(w, schema::BuiltinOperator::kLogSoftmax, {in}, {out});
    const float range = static_cast<float>(uniform(rng, 1, 40));
    ran += compareRan(w, in, out, randomFloats(elements(shape), range, rng)) ? 1 : 0;
  }
  EXPECT_GE(ran, kCases * 3 / 4);
}

TEST(LayoutOpsVsTflm, LogSoftmaxEdgeCases) {
  SKIP_WITHOUT_TFLM();
  Rng rng(73);
  // Rows of equal values, rows with one dominant value and long rows; input scales from tiny
  // (every difference counts) to large (only the maximum survives).
  for (float scale : {0.001f, 0.05f, 1.0f, 8.0f}) {
    for (int32_t depth : {1, 2, 200}) {
      SCOPED_TRACE(scale);
      SCOPED_TRACE(depth);
      host::TfliteWriter w;
      const int32_t in =
          w.addActivation("in", TensorType::kInt8, {3, depth}, QuantParams::perTensor(scale, 0));
      const int32_t out = w.addActivation("out", TensorType::kInt8, {3, depth},
                                          QuantParams::perTensor(16.0f / 256.0f, 127));
      addOp(w, schema::BuiltinOperator::kLogSoftmax, {in}, {out});
      std::vector<uint8_t> input0(static_cast<size_t>(3 * depth));
      for (int32_t c = 0; c < depth; ++c) {
        input0[static_cast<size_t>(c)] = 7;  // all equal
        input0[static_cast<size_t>(depth + c)] = static_cast<uint8_t>(c == depth / 2 ? 127 : -128);
        input0[static_cast<size_t>(2 * depth + c)] = static_cast<uint8_t>(rng());
      }
      EXPECT_TRUE(compareRan(w, in, out, input0));
    }
  }
  // int16 and mismatched types are refused by both.
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt16, {2, 4}, QuantParams::perTensor(0.01f, 0));
  const int32_t out =
      w.addActivation("out", TensorType::kInt16, {2, 4}, QuantParams::perTensor(0.01f, 0));
  addOp(w, schema::BuiltinOperator::kLogSoftmax, {in}, {out});
  EXPECT_FALSE(compareRan(w, in, out, {}));
}

// ---- TRANSPOSE_CONV ----

int32_t addInt32Constant(host::TfliteWriter& w, const std::string& name,
                         const std::vector<int32_t>& values) {
  host::TensorSpec spec;
  spec.name = name;
  spec.type = TensorType::kInt32;
  spec.shape = {static_cast<int32_t>(values.size())};
  spec.data.resize(values.size() * 4);
  std::memcpy(spec.data.data(), values.data(), spec.data.size());
  return w.addTensor(std::move(spec));
}

// Random TRANSPOSE_CONV geometry: input [n, h, w, ic], filter [oc, fh, fw, ic], strides, padding
// and the output size as TensorFlow gives it, sometimes one larger (TFLM pads for it).
struct TransposeConvShape {
  int32_t n = 1, h = 1, w = 1, ic = 1, oc = 1, fh = 1, fw = 1, sh = 1, sw = 1, oh = 1, ow = 1;
  bool same = false;
};

TransposeConvShape randomTransposeConvShape(Rng& rng) {
  TransposeConvShape t;
  t.n = uniform(rng, 1, 2);
  t.h = uniform(rng, 1, 5);
  t.w = uniform(rng, 1, 5);
  t.ic = uniform(rng, 1, 6);
  t.oc = uniform(rng, 1, 6);
  t.fh = uniform(rng, 1, 4);
  t.fw = uniform(rng, 1, 4);
  t.sh = uniform(rng, 1, 3);
  t.sw = uniform(rng, 1, 3);
  t.same = uniform(rng, 0, 1) == 1;
  t.oh = t.same ? t.h * t.sh : (t.h - 1) * t.sh + t.fh;
  t.ow = t.same ? t.w * t.sw : (t.w - 1) * t.sw + t.fw;
  if (uniform(rng, 0, 4) == 0) ++t.oh;
  if (uniform(rng, 0, 4) == 0) ++t.ow;
  return t;
}

TableOptions transposeConvOptions(const TransposeConvShape& t, int32_t activation) {
  return TableOptions(schema::BuiltinOptionsType::kTransposeConvOptions)
      .add(0, Kind::kInt8, t.same ? 0 : 1)
      .add(1, Kind::kInt32, t.sw)
      .add(2, Kind::kInt32, t.sh)
      .add(3, Kind::kInt8, activation);
}

TEST(LayoutOpsVsTflm, TransposeConvRandomModels) {
  SKIP_WITHOUT_TFLM();
  Rng rng(81);
  int ran = 0;
  const int kCases = 80;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(i);
    const TransposeConvShape t = randomTransposeConvShape(rng);
    const auto [n, h, wd, ic, oc, fh, fw, sh, sw, oh, ow, same] = t;
    host::TfliteWriter w;
    const int32_t shape = addInt32Constant(w, "output_shape", {n, oh, ow, oc});
    std::vector<float> scales(static_cast<size_t>(uniform(rng, 0, 1) ? oc : 1));
    for (float& sc : scales) sc = 0.001f * static_cast<float>(uniform(rng, 1, 50));
    const int32_t filter = addConstant(w, "filter", TensorType::kInt8, {oc, fh, fw, ic}, rng,
                                       QuantParams::perChannel(scales, 0));
    // int8 data with an int32 bias, or int16 data with an int64 or int16 bias.
    const TensorType type = pick(rng, {TensorType::kInt8, TensorType::kInt16});
    const int32_t in = w.addActivation("in", type, {n, h, wd, ic}, quantFor(type, rng));
    const int32_t out = w.addActivation("out", type, {n, oh, ow, oc}, quantFor(type, rng));
    std::vector<int32_t> inputs = {shape, filter, in};
    if (uniform(rng, 0, 2) != 0) {
      std::vector<int32_t> bias(static_cast<size_t>(oc));
      for (int32_t& b : bias) b = uniform(rng, -5000, 5000);
      if (type == TensorType::kInt8) {
        inputs.push_back(addInt32Constant(w, "bias", bias));
      } else if (uniform(rng, 0, 1) == 0) {
        inputs.push_back(
            addInt64Constant(w, "bias", std::vector<int64_t>(bias.begin(), bias.end())));
      } else {
        host::TensorSpec spec;
        spec.name = "bias";
        spec.type = TensorType::kInt16;
        spec.shape = {oc};
        for (int32_t b : bias) {
          spec.data.push_back(static_cast<uint8_t>(b & 0xff));
          spec.data.push_back(static_cast<uint8_t>((b >> 8) & 0xff));
        }
        inputs.push_back(w.addTensor(std::move(spec)));
      }
    }
    addOp(w, schema::BuiltinOperator::kTransposeConv, inputs, {out},
          transposeConvOptions(t, uniform(rng, 0, 3)));
    const size_t inBytes = static_cast<size_t>(n * h * wd * ic) * typeSize(type);
    ran += compareRan(w, in, out, randomBytes(inBytes, rng)) ? 1 : 0;
  }
  EXPECT_GE(ran, kCases * 3 / 4);
}

// float32 data, filter and bias: every fused activation, both paddings, strides 1-3.
TEST(LayoutOpsVsTflm, TransposeConvFloatRandomModels) {
  SKIP_WITHOUT_TFLM();
  Rng rng(83);
  int ran = 0;
  const int kCases = 60;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(i);
    const TransposeConvShape t = randomTransposeConvShape(rng);
    const auto [n, h, wd, ic, oc, fh, fw, sh, sw, oh, ow, same] = t;
    host::TfliteWriter w;
    const int32_t shape = addInt32Constant(w, "output_shape", {n, oh, ow, oc});
    host::TensorSpec filterSpec;
    filterSpec.name = "filter";
    filterSpec.type = TensorType::kFloat32;
    filterSpec.shape = {oc, fh, fw, ic};
    filterSpec.data = finiteFloats(static_cast<size_t>(oc * fh * fw * ic), rng);
    const int32_t filter = w.addTensor(std::move(filterSpec));
    const int32_t in = w.addActivation("in", TensorType::kFloat32, {n, h, wd, ic});
    const int32_t out = w.addActivation("out", TensorType::kFloat32, {n, oh, ow, oc});
    std::vector<int32_t> inputs = {shape, filter, in};
    if (uniform(rng, 0, 2) != 0) {
      host::TensorSpec biasSpec;
      biasSpec.name = "bias";
      biasSpec.type = TensorType::kFloat32;
      biasSpec.shape = {oc};
      biasSpec.data = finiteFloats(static_cast<size_t>(oc), rng);
      inputs.push_back(w.addTensor(std::move(biasSpec)));
    }
    addOp(w, schema::BuiltinOperator::kTransposeConv, inputs, {out},
          transposeConvOptions(t, uniform(rng, 0, 3)));
    ran += compareRan(w, in, out, finiteFloats(static_cast<size_t>(n * h * wd * ic), rng)) ? 1 : 0;
  }
  EXPECT_EQ(ran, kCases);
}

// An int8 filter without quantization, and float data with an int8 filter (a hybrid model),
// are refused by both engines.
TEST(LayoutOpsVsTflm, TransposeConvRefusals) {
  SKIP_WITHOUT_TFLM();
  Rng rng(82);
  for (int variant = 0; variant < 2; ++variant) {
    SCOPED_TRACE(variant);
    host::TfliteWriter w;
    const TensorType type = variant == 0 ? TensorType::kInt8 : TensorType::kFloat32;
    const int32_t shape = addInt32Constant(w, "output_shape", {1, 4, 4, 3});
    const int32_t filter = addConstant(
        w, "filter", TensorType::kInt8, {3, 2, 2, 2}, rng,
        variant == 0 ? QuantParams{} : QuantParams::perChannel({0.01f, 0.02f, 0.03f}, 0));
    const int32_t in = w.addActivation("in", type, {1, 2, 2, 2}, quantFor(type, rng));
    const int32_t out = w.addActivation("out", type, {1, 4, 4, 3}, quantFor(type, rng));
    addOp(w, schema::BuiltinOperator::kTransposeConv, {shape, filter, in}, {out},
          TableOptions(schema::BuiltinOptionsType::kTransposeConvOptions)
              .add(0, Kind::kInt8, 1)
              .add(1, Kind::kInt32, 2)
              .add(2, Kind::kInt32, 2));
    EXPECT_FALSE(compareRan(w, in, out, randomBytes(8 * typeSize(type), rng)));
  }
}

// ---- BATCH_MATMUL ----

// lhs (input 0) times a constant rhs; ranks 2-5, broadcast batches, random adjoint flags.
TEST(LayoutOpsVsTflm, BatchMatmulRandomModels) {
  SKIP_WITHOUT_TFLM();
  Rng rng(91);
  int ran = 0;
  const int kCases = 90;
  for (int i = 0; i < kCases; ++i) {
    SCOPED_TRACE(i);
    const TensorType type =
        pick(rng, {TensorType::kInt8, TensorType::kInt16, TensorType::kFloat32});
    const int32_t rows = uniform(rng, 1, 5), cols = uniform(rng, 1, 5), depth = uniform(rng, 1, 7);
    const bool adjX = uniform(rng, 0, 1) == 1, adjY = uniform(rng, 0, 1) == 1;
    const int32_t lhsRank = uniform(rng, 2, 5), rhsRank = uniform(rng, 2, 5);
    const int32_t outRank = lhsRank > rhsRank ? lhsRank : rhsRank;
    std::vector<int32_t> outBatch = randomShape(rng, outRank - 2, outRank - 2, 3);
    std::vector<int32_t> lhsShape(outBatch.end() - (lhsRank - 2), outBatch.end());
    std::vector<int32_t> rhsShape(outBatch.end() - (rhsRank - 2), outBatch.end());
    for (int32_t& d : lhsShape) d = uniform(rng, 0, 2) == 0 ? 1 : d;
    for (int32_t& d : rhsShape) d = uniform(rng, 0, 2) == 0 ? 1 : d;
    for (size_t b = 0; b < outBatch.size(); ++b) {
      const size_t fromEnd = outBatch.size() - b;
      const int32_t l = fromEnd <= lhsShape.size() ? lhsShape[lhsShape.size() - fromEnd] : 1;
      const int32_t r = fromEnd <= rhsShape.size() ? rhsShape[rhsShape.size() - fromEnd] : 1;
      outBatch[b] = l > r ? l : r;
    }
    lhsShape.push_back(adjX ? depth : rows);
    lhsShape.push_back(adjX ? rows : depth);
    rhsShape.push_back(adjY ? cols : depth);
    rhsShape.push_back(adjY ? depth : cols);
    // One model in ten has mismatched accumulation sizes, which TFLM refuses.
    if (uniform(rng, 0, 9) == 0) rhsShape[rhsShape.size() - (adjY ? 1 : 2)] += 1;
    std::vector<int32_t> outShape = outBatch;
    outShape.push_back(rows);
    outShape.push_back(cols);
    host::TfliteWriter w;
    const int32_t in = w.addActivation("lhs", type, lhsShape, quantFor(type, rng));
    int32_t rhs = 0;
    if (type == TensorType::kFloat32) {
      host::TensorSpec spec;
      spec.name = "rhs";
      spec.type = type;
      spec.data = randomFloats(elements(rhsShape), 4.0f, rng);
      spec.shape = rhsShape;
      rhs = w.addTensor(std::move(spec));
    } else {
      rhs = addConstant(w, "rhs", type, rhsShape, rng, quantFor(type, rng));
    }
    const int32_t out = w.addActivation("out", type, outShape, quantFor(type, rng));
    addOp(w, schema::BuiltinOperator::kBatchMatmul, {in, rhs}, {out},
          TableOptions(schema::BuiltinOptionsType::kBatchMatMulOptions)
              .add(0, Kind::kBool, adjX ? 1 : 0)
              .add(1, Kind::kBool, adjY ? 1 : 0));
    const std::vector<uint8_t> input0 = type == TensorType::kFloat32
                                            ? randomFloats(elements(lhsShape), 4.0f, rng)
                                            : randomBytes(elements(lhsShape) * typeSize(type), rng);
    ran += compareRan(w, in, out, input0) ? 1 : 0;
  }
  EXPECT_GE(ran, kCases * 3 / 4);
}

TEST(LayoutOpsVsTflm, BatchMatmulInt16NeedsZeroZeroPoints) {
  SKIP_WITHOUT_TFLM();
  Rng rng(92);
  for (int operand = 0; operand < 3; ++operand) {
    SCOPED_TRACE(operand);
    host::TfliteWriter w;
    auto quant = [&](int which) { return QuantParams::perTensor(0.01f, which == operand ? 3 : 0); };
    const int32_t in = w.addActivation("lhs", TensorType::kInt16, {2, 3}, quant(0));
    const int32_t rhs = addConstant(w, "rhs", TensorType::kInt16, {3, 4}, rng, quant(1));
    const int32_t out = w.addActivation("out", TensorType::kInt16, {2, 4}, quant(2));
    addOp(w, schema::BuiltinOperator::kBatchMatmul, {in, rhs}, {out},
          TableOptions(schema::BuiltinOptionsType::kBatchMatMulOptions));
    EXPECT_FALSE(compareRan(w, in, out, randomBytes(12, rng)));
  }
}

// ---- docs ----

// docs/RUNNER.md's op-table rows (lines "| `kernels/..._ops.h` | ...") name every operator
// addAllOps() registers, and the addAllOps row gives the registration count.
TEST(LayoutOps, DocsListEveryRegisteredOperator) {
  std::ifstream file(std::string(TINYSCOPE_SOURCE_DIR) + "/docs/RUNNER.md");
  ASSERT_TRUE(file.good());
  std::string rows, line;
  while (std::getline(file, line)) {
    if (line.rfind("| `kernels/", 0) == 0 && line.find("_ops.h`") != std::string::npos)
      rows += line + "\n";
  }
  AllOpsResolver resolver;
  ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
  auto isNameChar = [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
  };
  for (uint32_t i = 0; i < resolver.size(); ++i) {
    const OpRegistration& r = resolver.at(i);
    const std::string name = r.customName != nullptr ? std::string(r.customName)
                                                     : schema::builtinOperatorName(r.builtinCode);
    bool found = false;
    for (size_t at = rows.find(name); !found && at != std::string::npos;
         at = rows.find(name, at + 1)) {
      const size_t end = at + name.size();
      found =
          (at == 0 || !isNameChar(rows[at - 1])) && (end >= rows.size() || !isNameChar(rows[end]));
    }
    EXPECT_TRUE(found) << name << " is registered but not listed in docs/RUNNER.md";
  }
  std::ostringstream count;
  count << "(" << resolver.size() << " of `kAllOpsCapacity` = " << kAllOpsCapacity << ")";
  EXPECT_NE(rows.find(count.str()), std::string::npos)
      << "docs/RUNNER.md should say " << count.str();
}

}  // namespace
}  // namespace tinyscope::runner
