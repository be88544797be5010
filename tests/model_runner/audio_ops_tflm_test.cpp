// MUL, DIV, MAXIMUM, MINIMUM, CONCATENATION, STRIDED_SLICE, CAST and int16/int32 ADD against
// TensorFlow Lite Micro (../shared/tools/tflm_run): random one-operator models from the
// .tflite writer over every type TFLM has for them, random shapes with broadcasting on either
// side, random quantization and fused activations; both engines must agree byte for byte or
// both refuse the model. Input 0 is the activation fed by both engines, other operands are
// constants.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "model_runner/host/tflite_writer.h"
#include "tflm_oracle.h"

namespace tinyscope::runner {
namespace {

using host::OperatorSpec;
using host::QuantParams;
using host::TableOptions;
using host::TensorSpec;
using host::TensorType;
using schema::BuiltinOperator;
using schema::BuiltinOptionsType;
using Kind = TableOptions::Field::Kind;

size_t typeSize(TensorType t) {
  return schema::tensorTypeSize(t);
}

size_t countOf(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

// Random values of `type` in [lo, hi] (integers) as little-endian bytes.
std::vector<uint8_t> randomValues(std::mt19937& rng, TensorType type, size_t n, int64_t lo,
                                  int64_t hi) {
  std::vector<uint8_t> out;
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  for (size_t i = 0; i < n; ++i) {
    if (type == TensorType::kFloat32) {
      const float f = static_cast<float>(dist(rng)) / 8.0f;
      uint8_t b[4];
      std::memcpy(b, &f, 4);
      out.insert(out.end(), b, b + 4);
      continue;
    }
    const auto v = static_cast<uint64_t>(dist(rng));
    for (size_t k = 0; k < typeSize(type); ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
  }
  return out;
}

std::vector<int32_t> randomShape(std::mt19937& rng, int rank, int maxDim) {
  std::vector<int32_t> s(static_cast<size_t>(rank));
  for (int32_t& d : s) d = 1 + static_cast<int32_t>(rng() % static_cast<uint32_t>(maxDim));
  return s;
}

// A shape broadcastable to `full`: a suffix of it with some dims set to 1.
std::vector<int32_t> broadcastShapeOf(std::mt19937& rng, const std::vector<int32_t>& full) {
  const size_t rank = 1 + rng() % full.size();
  std::vector<int32_t> s(full.end() - static_cast<std::ptrdiff_t>(rank), full.end());
  for (int32_t& d : s) {
    if (rng() % 2 == 0) d = 1;
  }
  return s;
}

QuantParams quantFor(std::mt19937& rng, TensorType type) {
  std::uniform_real_distribution<float> scale(0.002f, 0.5f);
  if (type == TensorType::kInt8) {
    return QuantParams::perTensor(scale(rng), static_cast<int64_t>(rng() % 256) - 128);
  }
  if (type == TensorType::kInt16) return QuantParams::perTensor(scale(rng) / 64, 0);
  return {};
}

struct Range {
  int64_t lo, hi;
};
Range rangeOf(TensorType t) {
  switch (t) {
    case TensorType::kInt8:
      return {-128, 127};
    case TensorType::kUInt8:
    case TensorType::kBool:
      return {0, t == TensorType::kBool ? 1 : 255};
    case TensorType::kInt16:
      return {-32768, 32767};
    case TensorType::kUInt16:
      return {0, 65535};
    case TensorType::kInt32:
      return {-2147483647LL - 1, 2147483647};
    case TensorType::kUInt32:
      return {0, 4294967295LL};
    case TensorType::kInt64:
      return {-(1LL << 40), 1LL << 40};
    default:
      return {-1000, 1000};
  }
}

// One binary elementwise op: activation input 0 of `aShape`, a constant of `bShape` (operand
// order swapped when `constantFirst`), output of `outShape`.
std::vector<uint8_t> binaryModel(std::mt19937& rng, BuiltinOperator op, TensorType type,
                                 const std::vector<int32_t>& aShape,
                                 const std::vector<int32_t>& bShape,
                                 const std::vector<int32_t>& outShape, bool constantFirst,
                                 const TableOptions& options, int64_t constLo, int64_t constHi,
                                 QuantParams qa, QuantParams qb, QuantParams qo) {
  host::TfliteWriter w;
  const int32_t a = w.addActivation("a", type, aShape, qa);
  TensorSpec c;
  c.name = "b";
  c.type = type;
  c.shape = bShape;
  c.quant = qb;
  c.data = randomValues(rng, type, countOf(bShape), constLo, constHi);
  const int32_t b = w.addTensor(c);
  const int32_t out = w.addActivation("out", type, outShape, qo);
  OperatorSpec spec;
  spec.op = op;
  spec.inputs = constantFirst ? std::vector<int32_t>{b, a} : std::vector<int32_t>{a, b};
  spec.outputs = std::vector<int32_t>{out};
  spec.options = options;
  w.addOperator(spec);
  w.setInputs({a});
  w.setOutputs({out});
  return w.serialize();
}

std::vector<int32_t> broadcastOut(std::vector<int32_t> a, std::vector<int32_t> b) {
  while (a.size() < b.size()) a.insert(a.begin(), 1);
  while (b.size() < a.size()) b.insert(b.begin(), 1);
  for (size_t i = 0; i < a.size(); ++i) a[i] = a[i] == 1 ? b[i] : a[i];
  return a;
}

TableOptions activationOptions(BuiltinOptionsType type, uint8_t activation) {
  TableOptions o(type);
  o.add(0, Kind::kInt8, activation);
  return o;
}

// Runs `cases` random binary-op models of `op` over `types`.
void binaryOpSweep(BuiltinOperator op, BuiltinOptionsType optionsType,
                   const std::vector<TensorType>& types, int maxRank, int cases, uint32_t seed,
                   bool nonZeroOperands) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  std::mt19937 rng(seed);
  std::map<TensorType, int> ran;
  for (int k = 0; k < cases; ++k) {
    const TensorType type = types[rng() % types.size()];
    const int rank = 1 + static_cast<int>(rng() % static_cast<uint32_t>(maxRank));
    const std::vector<int32_t> full = randomShape(rng, rank, 5);
    const bool broadcast = rng() % 2 == 0;
    const std::vector<int32_t> other = broadcast ? broadcastShapeOf(rng, full) : full;
    const bool constantFirst = rng() % 3 == 0;
    const std::vector<int32_t> out = broadcastOut(full, other);
    const uint8_t activation = static_cast<uint8_t>(rng() % 4);  // none, relu, relu_n1_to_1, relu6
    Range r = rangeOf(type);
    QuantParams qa = quantFor(rng, type), qb = quantFor(rng, type), qo = quantFor(rng, type);
    // int16 zero points other than 0: TFLM's MUL refuses them, its ADD takes them.
    if (type == TensorType::kInt16 && rng() % 4 == 0) {
      qa.zeroPoints[0] = static_cast<int64_t>(rng() % 200) - 100;
      qo.zeroPoints[0] = static_cast<int64_t>(rng() % 200) - 100;
    }
    SCOPED_TRACE("case " + std::to_string(k) + " type " + schema::tensorTypeName(type) + " rank " +
                 std::to_string(rank) + (broadcast ? " broadcast" : ""));
    const auto optionsFor = [&]() {
      return optionsType == BuiltinOptionsType::kMaximumMinimumOptions
                 ? TableOptions(optionsType)
                 : activationOptions(optionsType, activation);
    };
    if (nonZeroOperands) {
      // Either operand may be the divisor: keep both clear of zero (for int8, of the zero
      // point: values 1..60 with zero point -70). Division by zero is tested on its own.
      r = type == TensorType::kInt8 ? Range{1, 60} : Range{1, 100000};
      if (type == TensorType::kInt8) {
        qa = QuantParams::perTensor(qa.scales[0], -70);
        qb = QuantParams::perTensor(qb.scales[0], -70);
      }
    }
    const std::vector<uint8_t> model = binaryModel(rng, op, type, full, other, out, constantFirst,
                                                   optionsFor(), r.lo, r.hi, qa, qb, qo);
    std::vector<uint8_t> input = randomValues(rng, type, countOf(full), r.lo, r.hi);
    if (nonZeroOperands && type == TensorType::kInt32) {
      // Negative dividends too.
      for (size_t i = 0; i + 3 < input.size(); i += 8) input[i + 3] |= 0x80;
    }
    test::expectSameAsTflm(model, input);
    if (test::runTinyscope(model, input).ok) ++ran[type];
  }
  // Most cases must run (not both refuse), in every type.
  for (TensorType t : types) EXPECT_GT(ran[t], 0) << schema::tensorTypeName(t);
}

TEST(AudioOpsTflm, MulMatchesInt8Int16Int32Float32) {
  binaryOpSweep(BuiltinOperator::kMul, BuiltinOptionsType::kMulOptions,
                {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32},
                4, 80, 11, false);
}

TEST(AudioOpsTflm, AddMatchesInt16Int32) {
  binaryOpSweep(BuiltinOperator::kAdd, BuiltinOptionsType::kAddOptions,
                {TensorType::kInt16, TensorType::kInt32}, 4, 40, 12, false);
}

TEST(AudioOpsTflm, DivMatchesInt32Int8Float32) {
  binaryOpSweep(BuiltinOperator::kDiv, BuiltinOptionsType::kDivOptions,
                {TensorType::kInt32, TensorType::kInt8, TensorType::kFloat32}, 4, 60, 13, true);
}

TEST(AudioOpsTflm, MaximumMinimumMatchEveryType) {
  const std::vector<TensorType> types = {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32,
                                         TensorType::kInt64, TensorType::kFloat32};
  binaryOpSweep(BuiltinOperator::kMaximum, BuiltinOptionsType::kMaximumMinimumOptions, types, 5, 30,
                14, false);
  binaryOpSweep(BuiltinOperator::kMinimum, BuiltinOptionsType::kMaximumMinimumOptions, types, 5, 30,
                15, false);
}

}  // namespace
}  // namespace tinyscope::runner

namespace tinyscope::runner {
namespace {

std::vector<uint8_t> castModel(TensorType from, TensorType to, const std::vector<int32_t>& shape) {
  host::TfliteWriter w;
  const int32_t in = w.addActivation("in", from, shape);
  const int32_t out = w.addActivation("out", to, shape);
  OperatorSpec spec;
  spec.op = BuiltinOperator::kCast;
  spec.inputs = std::vector<int32_t>{in};
  spec.outputs = std::vector<int32_t>{out};
  TableOptions o(BuiltinOptionsType::kCastOptions);
  o.add(schema::cast_options::kInDataType, Kind::kInt8, static_cast<int64_t>(from));
  o.add(schema::cast_options::kOutDataType, Kind::kInt8, static_cast<int64_t>(to));
  spec.options = o;
  w.addOperator(spec);
  w.setInputs({in});
  w.setOutputs({out});
  return w.serialize();
}

// Every pair of nine types: TFLM's supported pairs run identically (including floats out of
// the target's range), the others are refused by both.
TEST(AudioOpsTflm, CastMatchesEveryTypePair) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  const std::vector<TensorType> types = {
      TensorType::kInt8,   TensorType::kUInt8,   TensorType::kInt16,
      TensorType::kUInt16, TensorType::kInt32,   TensorType::kUInt32,
      TensorType::kInt64,  TensorType::kFloat32, TensorType::kBool};
  std::mt19937 rng(3);
  int ran = 0;
  for (TensorType from : types) {
    for (TensorType to : types) {
      SCOPED_TRACE(std::string(schema::tensorTypeName(from)) + " -> " + schema::tensorTypeName(to));
      std::vector<uint8_t> input;
      if (from == TensorType::kFloat32) {
        const float values[] = {0.0f,           -0.0f,         1.5f,      -1.5f,    127.9f,
                                -128.9f,        300.7f,        -40000.2f, 70000.5f, 2147483520.0f,
                                -2147483648.0f, 3e9f,          -3e9f,     1e20f,    -1e20f,
                                5e18f,          4294967296.0f, 65535.9f,  0.4f,     -0.6f,
                                1e-30f,         -33000.0f,     32767.5f,  255.5f};
        for (float f : values) {
          uint8_t b[4];
          std::memcpy(b, &f, 4);
          input.insert(input.end(), b, b + 4);
        }
      } else {
        const Range r = rangeOf(from);
        input = randomValues(rng, from, 24, r.lo, r.hi);
      }
      const auto model = castModel(from, to, {2, 12});
      test::expectSameAsTflm(model, input);
      if (test::runTinyscope(model, input).ok) ++ran;
    }
  }
  EXPECT_EQ(ran, 6 * 5);  // from int8/int16/int32/uint32/float32/bool to all but bool
}

std::vector<uint8_t> int32Bytes(const std::vector<int32_t>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

TEST(AudioOpsTflm, ConcatenationMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  const std::vector<TensorType> types = {TensorType::kInt8,    TensorType::kInt16,
                                         TensorType::kInt32,   TensorType::kInt64,
                                         TensorType::kFloat32, TensorType::kBool};
  std::mt19937 rng(21);
  int ran = 0;
  for (int k = 0; k < 50; ++k) {
    const TensorType type = types[rng() % types.size()];
    const int rank = 1 + static_cast<int>(rng() % 6);
    const std::vector<int32_t> base = randomShape(rng, rank, 4);
    const int inputs = 1 + static_cast<int>(rng() % 4);
    const int32_t axis = static_cast<int32_t>(rng() % static_cast<uint32_t>(2 * rank)) - rank;
    const int32_t a = axis < 0 ? axis + rank : axis;
    const uint8_t activation = rng() % 8 == 0 ? 1 : 0;  // a fused RELU is refused by both
    SCOPED_TRACE("case " + std::to_string(k) + " " + schema::tensorTypeName(type) + " rank " +
                 std::to_string(rank) + " inputs " + std::to_string(inputs) + " axis " +
                 std::to_string(axis) + " activation " + std::to_string(activation));
    host::TfliteWriter w;
    std::vector<int32_t> ins;
    std::vector<int32_t> outShape = base;
    outShape[static_cast<size_t>(a)] = 0;
    // int8 must share the output's quantization and int16 be symmetric, or both refuse: mostly
    // keep to that, sometimes not.
    const QuantParams shared = quantFor(rng, type);
    const bool mixedQuant = rng() % 6 == 0;
    size_t firstCount = 0;
    for (int i = 0; i < inputs; ++i) {
      std::vector<int32_t> shape = base;
      shape[static_cast<size_t>(a)] = 1 + static_cast<int32_t>(rng() % 3);
      outShape[static_cast<size_t>(a)] += shape[static_cast<size_t>(a)];
      QuantParams q = shared;
      if (mixedQuant && !q.empty()) q.zeroPoints[0] = (q.zeroPoints[0] + 3) % 100;
      if (i == 0) {
        firstCount = countOf(shape);
        ins.push_back(w.addActivation("in0", type, shape, q));
      } else {
        TensorSpec c;
        c.name = "c" + std::to_string(i);
        c.type = type;
        c.shape = shape;
        c.quant = q;
        const Range r = rangeOf(type);
        c.data = randomValues(rng, type, countOf(shape), r.lo, r.hi);
        ins.push_back(w.addTensor(c));
      }
    }
    if (inputs > 1 && rng() % 2 == 0) std::swap(ins[0], ins[1]);
    const int32_t out = w.addActivation("out", type, outShape, shared);
    OperatorSpec spec;
    spec.op = BuiltinOperator::kConcatenation;
    spec.inputs = ins;
    spec.outputs = std::vector<int32_t>{out};
    TableOptions o(BuiltinOptionsType::kConcatenationOptions);
    o.add(schema::concatenation_options::kAxis, Kind::kInt32, axis);
    o.add(schema::concatenation_options::kActivation, Kind::kInt8, activation);
    spec.options = o;
    w.addOperator(spec);
    w.setInputs({0});
    w.setOutputs({out});
    const auto model = w.serialize();
    const Range r = rangeOf(type);
    const auto input = randomValues(rng, type, firstCount, r.lo, r.hi);
    test::expectSameAsTflm(model, input);
    if (test::runTinyscope(model, input).ok) ++ran;
  }
  EXPECT_GT(ran, 25);
}

// The slice TFLite computes along one axis (StridedSliceStartForAxis / EndForAxis).
struct AxisSlice {
  int32_t start, stop, count;
};
AxisSlice sliceAxis(int32_t size, int32_t begin, int32_t end, int32_t stride, bool beginMask,
                    bool endMask, bool shrink) {
  auto clampTo = [](int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); };
  int32_t start = begin < 0 ? begin + size : begin;
  start = stride > 0 ? clampTo(start, 0, size) : clampTo(start, -1, size - 1);
  if (beginMask) start = stride > 0 ? 0 : size - 1;
  int32_t stop = end < 0 ? end + size : end;
  stop = stride > 0 ? clampTo(stop, 0, size) : clampTo(stop, -1, size - 1);
  if (endMask) stop = stride > 0 ? size : -1;
  if (shrink) stop = start + 1;
  int32_t count = 0;
  for (int32_t i = start; stride > 0 ? i < stop : i > stop; i += stride) ++count;
  return {start, stop, count};
}

TEST(AudioOpsTflm, StridedSliceMatches) {
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing;
  const std::vector<TensorType> types = {TensorType::kInt8, TensorType::kInt16, TensorType::kInt32,
                                         TensorType::kFloat32, TensorType::kBool};
  std::mt19937 rng(31);
  int ran = 0;
  for (int k = 0; k < 250; ++k) {
    const TensorType type = types[rng() % types.size()];
    const int rank = 1 + static_cast<int>(rng() % 5);  // rank 5 is refused by both
    const std::vector<int32_t> shape = randomShape(rng, rank, 6);
    std::vector<int32_t> begin, end, strides, outShape;
    int32_t beginMask = 0, endMask = 0, shrinkMask = 0;
    bool empty = false;  // tinyscope's loader refuses zero-sized tensors: skip those slices
    for (int d = 0; d < rank; ++d) {
      const int32_t size = shape[static_cast<size_t>(d)];
      const bool shrink = rng() % 6 == 0;
      // A shrunk axis with a negative stride is refused (TFLM leaves the output unwritten).
      int32_t stride =
          shrink ? 1 + static_cast<int32_t>(rng() % 2) : static_cast<int32_t>(rng() % 7) - 3;
      if (stride == 0) stride = 1;
      // A shrunk axis starts inside the input (outside it TFLM reads past the tensor).
      const int32_t b =
          shrink ? static_cast<int32_t>(rng() % static_cast<uint32_t>(2 * size)) - size
                 : static_cast<int32_t>(rng() % static_cast<uint32_t>(2 * size + 5)) - size - 2;
      const int32_t e =
          static_cast<int32_t>(rng() % static_cast<uint32_t>(2 * size + 5)) - size - 2;
      const bool bm = !shrink && rng() % 4 == 0, em = !shrink && rng() % 4 == 0;
      beginMask |= bm ? 1 << d : 0;
      endMask |= em ? 1 << d : 0;
      shrinkMask |= shrink ? 1 << d : 0;
      begin.push_back(b);
      end.push_back(e);
      strides.push_back(stride);
      const AxisSlice s = sliceAxis(size, b, e, stride, bm, em, shrink);
      if (!shrink) outShape.push_back(s.count);
      empty = empty || s.count == 0;
    }
    if (empty) continue;
    std::string desc = "case " + std::to_string(k) + " " + schema::tensorTypeName(type) +
                       " masks " + std::to_string(beginMask) + "/" + std::to_string(endMask) + "/" +
                       std::to_string(shrinkMask);
    for (int d = 0; d < rank; ++d) {
      const auto u = static_cast<size_t>(d);
      desc += " [" + std::to_string(shape[u]) + ": " + std::to_string(begin[u]) + "," +
              std::to_string(end[u]) + "," + std::to_string(strides[u]) + "]";
    }
    SCOPED_TRACE(desc);
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", type, shape);
    const int32_t bt = w.addInt32Constant("begin", {rank}, begin);
    const int32_t et = w.addInt32Constant("end", {rank}, end);
    const int32_t st = w.addInt32Constant("strides", {rank}, strides);
    const int32_t out = w.addActivation("out", type, outShape);
    OperatorSpec spec;
    spec.op = BuiltinOperator::kStridedSlice;
    spec.inputs = std::vector<int32_t>{in, bt, et, st};
    spec.outputs = std::vector<int32_t>{out};
    TableOptions o(BuiltinOptionsType::kStridedSliceOptions);
    o.add(schema::strided_slice_options::kBeginMask, Kind::kInt32, beginMask);
    o.add(schema::strided_slice_options::kEndMask, Kind::kInt32, endMask);
    o.add(schema::strided_slice_options::kShrinkAxisMask, Kind::kInt32, shrinkMask);
    spec.options = o;
    w.addOperator(spec);
    w.setInputs({in});
    w.setOutputs({out});
    const auto model = w.serialize();
    const Range r = rangeOf(type);
    const auto input = randomValues(rng, type, countOf(shape), r.lo, r.hi);
    test::expectSameAsTflm(model, input);
    if (test::runTinyscope(model, input).ok) ++ran;
  }
  EXPECT_GT(ran, 50);
}

// What TFLM cannot do safely, tinyscope refuses with an error naming the operand: a constant
// divisor holding 0, a shrunk axis starting past the input or walked with a negative stride.
TEST(AudioOpsRefusals, ZeroDivisorAndOutOfRangeShrink) {
  {
    host::TfliteWriter w;
    const int32_t a = w.addActivation("a", TensorType::kInt32, {4});
    const int32_t b = w.addInt32Constant("b", {4}, {3, 0, -2, 5});
    const int32_t out = w.addActivation("out", TensorType::kInt32, {4});
    OperatorSpec spec;
    spec.op = BuiltinOperator::kDiv;
    spec.inputs = std::vector<int32_t>{a, b};
    spec.outputs = std::vector<int32_t>{out};
    w.addOperator(spec);
    w.setInputs({a});
    w.setOutputs({out});
    const test::OracleRun run = test::runTinyscope(w.serialize(), int32Bytes({1, 2, 3, 4}));
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("divisor is 0"), std::string::npos) << run.status;
  }
  // Shrinking axis 0 of a 3x2 int32 input: begin past the input, then a negative stride.
  const auto shrinkModel = [](int32_t begin0, int32_t end0, int32_t stride0) {
    host::TfliteWriter w;
    const int32_t in = w.addActivation("in", TensorType::kInt32, {3, 2});
    const int32_t bt = w.addInt32Constant("begin", {2}, {begin0, 0});
    const int32_t et = w.addInt32Constant("end", {2}, {end0, 2});
    const int32_t st = w.addInt32Constant("strides", {2}, {stride0, 1});
    const int32_t out = w.addActivation("out", TensorType::kInt32, {2});
    OperatorSpec spec;
    spec.op = BuiltinOperator::kStridedSlice;
    spec.inputs = std::vector<int32_t>{in, bt, et, st};
    spec.outputs = std::vector<int32_t>{out};
    TableOptions o(BuiltinOptionsType::kStridedSliceOptions);
    o.add(schema::strided_slice_options::kShrinkAxisMask, Kind::kInt32, 1);
    spec.options = o;
    w.addOperator(spec);
    w.setInputs({in});
    w.setOutputs({out});
    return test::runTinyscope(w.serialize(), int32Bytes({1, 2, 3, 4, 5, 6}));
  };
  const test::OracleRun pastEnd = shrinkModel(3, 4, 1);
  EXPECT_FALSE(pastEnd.ok);
  EXPECT_NE(pastEnd.status.find("begin"), std::string::npos) << pastEnd.status;
  const test::OracleRun backwards = shrinkModel(1, 0, -1);
  EXPECT_FALSE(backwards.ok);
  EXPECT_NE(backwards.status.find("strides"), std::string::npos) << backwards.status;
}

// A divisor that becomes 0 at run time (TFLM crashes): int32 gives 0, int8 the activation
// bound on the dividend's side.
TEST(AudioOpsRefusals, RuntimeZeroDivisorIsDefined) {
  host::TfliteWriter w;
  const int32_t a = w.addActivation("a", TensorType::kInt32, {3});
  const int32_t b = w.addInt32Constant("b", {3}, {7, -7, 100});
  const int32_t out = w.addActivation("out", TensorType::kInt32, {3});
  OperatorSpec spec;
  spec.op = BuiltinOperator::kDiv;
  spec.inputs = std::vector<int32_t>{b, a};  // the activation is the divisor
  spec.outputs = std::vector<int32_t>{out};
  w.addOperator(spec);
  w.setInputs({a});
  w.setOutputs({out});
  const test::OracleRun run = test::runTinyscope(w.serialize(), int32Bytes({0, -1, 3}));
  ASSERT_TRUE(run.ok) << run.status;
  EXPECT_EQ(run.outputs[0], int32Bytes({0, 7, 33}));
}

}  // namespace
}  // namespace tinyscope::runner
