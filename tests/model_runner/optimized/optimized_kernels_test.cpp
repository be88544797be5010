// Optimized CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED against the reference kernels on
// random single-operator models: shapes, strides, SAME/VALID padding, dilation, depth
// multipliers, per-channel and per-tensor scales, zero points, fused activations and channel
// counts that leave vector tails. Every output byte must be identical, on every instruction
// set this CPU supports. The vector requantization is also checked alone on random and
// extreme accumulators, multipliers and shifts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "model_runner/host/host_cache.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/json.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/kernels/core_ops.h"
#include "model_runner/optimized/optimized_ops.h"
#include "model_runner/optimized/simd_kernels.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::optimized {
namespace {

using host::Activation;
using host::Padding;
using host::QuantParams;
using host::TfliteWriter;

std::vector<Isa> supportedIsas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::kReference, Isa::kAvx2, Isa::kAvxVnni, Isa::kAvx512Vnni}) {
    if (isaSupported(isa)) out.push_back(isa);
  }
  return out;
}

struct Rng {
  std::mt19937 gen;
  explicit Rng(uint32_t seed) : gen(seed) {}
  int32_t uniform(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(gen);
  }
  float uniformF(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(gen); }
  bool chance(double p) { return std::bernoulli_distribution(p)(gen); }
  std::vector<int8_t> bytes(size_t n) {
    std::vector<int8_t> v(n);
    for (auto& b : v) b = static_cast<int8_t>(uniform(-128, 127));
    return v;
  }
};

Activation randomActivation(Rng& rng) {
  switch (rng.uniform(0, 3)) {
    case 0:
      return Activation::kRelu;
    case 1:
      return Activation::kRelu6;
    case 2:
      return Activation::kReluN1To1;
    default:
      return Activation::kNone;
  }
}

QuantParams filterQuant(Rng& rng, int32_t channels, int32_t dimension, bool perChannel) {
  if (!perChannel) return QuantParams::perTensor(rng.uniformF(0.001f, 0.05f), 0);
  std::vector<float> scales(static_cast<size_t>(channels));
  for (auto& s : scales) s = rng.uniformF(0.0005f, 0.05f);
  return QuantParams::perChannel(scales, dimension);
}

struct Counts {
  int models = 0;
  int comparisons = 0;
};

// Runs `model` on each input in turn (state carried between invokes); all outputs, concatenated.
std::vector<uint8_t> runSequence(const std::vector<uint8_t>& model, const OpResolver& resolver,
                                 const std::vector<std::vector<int8_t>>& inputs, std::string* error,
                                 host::HostCache* cache) {
  std::vector<uint8_t> arena(size_t{8} << 20);
  Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
  if (cache != nullptr) interp.setHostCache(host::HostCache::allocate, cache);
  if (interp.allocate() != Status::kOk) {
    *error = std::string("allocate failed: ") + statusMessage(interp.error().status) + " at " +
             (interp.error().field != nullptr ? interp.error().field : "?");
    return {};
  }
  std::vector<uint8_t> all;
  for (const auto& input : inputs) {
    if (interp.input(0).bytes != input.size()) {
      *error = "input size";
      return {};
    }
    std::memcpy(interp.input(0).data, input.data(), input.size());
    interp.invoke();
    const TensorView out = interp.output(0);
    const auto* p = static_cast<const uint8_t*>(out.data);
    all.insert(all.end(), p, p + out.bytes);
  }
  return all;
}

// A sequence of invokes: reference vs every instruction set, with and without a host cache.
void expectSequenceSameAsReference(const std::vector<uint8_t>& model,
                                   const std::vector<std::vector<int8_t>>& inputs,
                                   const std::string& what, Counts* counts) {
  AllOpsResolver reference;
  ASSERT_EQ(kernels::addAllOps(reference), Status::kOk);
  std::string error;
  const std::vector<uint8_t> expected = runSequence(model, reference, inputs, &error, nullptr);
  ASSERT_FALSE(expected.empty()) << what << ": " << error;
  ++counts->models;
  for (Isa isa : supportedIsas()) {
    AllOpsResolver optimized;
    ASSERT_EQ(kernels::addAllOps(optimized), Status::kOk);
    ASSERT_EQ(addOptimizedOps(optimized, isa), Status::kOk);
    for (bool useCache : {false, true}) {
      host::HostCache cache;
      const std::vector<uint8_t> got =
          runSequence(model, optimized, inputs, &error, useCache ? &cache : nullptr);
      ASSERT_EQ(got, expected) << what << " [" << isaName(isa) << (useCache ? ", host cache" : "")
                               << "] " << error;
      ++counts->comparisons;
    }
  }
}

// One invoke of `model` on `input`: returns the output bytes (empty on failure).
std::vector<uint8_t> runOnce(const std::vector<uint8_t>& model, const OpResolver& resolver,
                             const std::vector<int8_t>& input, std::string* error,
                             host::HostCache* cache = nullptr) {
  return runSequence(model, resolver, {input}, error, cache);
}

// Reference output vs every optimized instruction set, with and without a host cache.
void expectSameAsReference(const std::vector<uint8_t>& model, const std::vector<int8_t>& input,
                           const std::string& what, Counts* counts) {
  expectSequenceSameAsReference(model, {input}, what, counts);
}

int32_t outSize(Padding padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation) {
  const int32_t effective = (filter - 1) * dilation + 1;
  return padding == Padding::kSame ? (in + stride - 1) / stride
                                   : (in + stride - effective) / stride;
}

std::string describe(const char* op, const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                     int32_t stride, int32_t dilation, Padding padding) {
  std::string s = op;
  s += " in[";
  for (int32_t v : a) s += std::to_string(v) + ",";
  s += "] filter[";
  for (int32_t v : b) s += std::to_string(v) + ",";
  s += "] stride " + std::to_string(stride) + " dilation " + std::to_string(dilation) +
       (padding == Padding::kSame ? " SAME" : " VALID");
  return s;
}

// `large`: larger images and more output channels, so that the scratch plan (packed panels of
// 32+ channels, the whole layer, or weights in place with one im2col row) varies.
// `window`: filter rows of a multiple of 4 bytes (input channels x filter width), which the
// GEMM reads straight from the input for interior pixels, with zero points at the extremes.
int32_t extremeZeroPoint(Rng& rng) {
  return rng.chance(0.5) ? -128 : 127;
}

// `firstLayer`: 1-3 input channels on larger images (RGB or mono first layers); with 3 the GEMM
// pads them to 4 channels in a strip of input rows.
void randomConv(Rng& rng, Counts* counts, bool pointwise, bool large = false, bool window = false,
                bool firstLayer = false) {
  const int32_t n = rng.chance(0.2) ? 2 : 1;
  const int32_t h = firstLayer ? rng.uniform(6, 40)
                    : large    ? rng.uniform(10, 24)
                               : rng.uniform(1, 14),
                w = firstLayer ? rng.uniform(6, 40)
                    : large    ? rng.uniform(10, 24)
                               : rng.uniform(1, 14);
  const int32_t ic = firstLayer ? (rng.chance(0.7) ? 3 : rng.uniform(1, 2))
                     : window   ? (rng.chance(0.3) ? 1 : 4 * rng.uniform(1, 8))
                     : large    ? rng.uniform(1, 12)
                                : (rng.chance(0.3) ? rng.uniform(1, 4) : rng.uniform(1, 70));
  const int32_t oc = large ? rng.uniform(33, 130) : rng.uniform(1, 70);
  const int32_t fh = pointwise ? 1 : rng.uniform(1, large ? 3 : 5),
                fw = pointwise ? 1
                               : (window && ic == 1 ? 4 * rng.uniform(1, 2)
                                                    : rng.uniform(1, large ? 3 : 5));
  const int32_t sh = rng.uniform(1, 3), sw = rng.chance(0.7) ? sh : rng.uniform(1, 3);
  const int32_t dil = !pointwise && rng.chance(0.2) ? 2 : 1;
  const Padding padding = rng.chance(0.5) ? Padding::kSame : Padding::kValid;
  const int32_t oh = outSize(padding, h, fh, sh, dil), ow = outSize(padding, w, fw, sw, dil);
  if (oh <= 0 || ow <= 0) return;
  TfliteWriter wr;
  const float inScale = rng.uniformF(0.005f, 0.1f), outScale = rng.uniformF(0.01f, 0.5f);
  const int32_t in = wr.addActivation(
      "in", host::TensorType::kInt8, {n, h, w, ic},
      QuantParams::perTensor(inScale, window ? extremeZeroPoint(rng) : rng.uniform(-128, 127)));
  const QuantParams fq = filterQuant(rng, oc, 0, rng.chance(0.8));
  const int32_t filter =
      wr.addInt8Constant("filter", {oc, fh, fw, ic}, rng.bytes(size_t(oc * fh * fw * ic)), fq);
  int32_t bias = -1;
  if (rng.chance(0.85)) {
    std::vector<int32_t> b(static_cast<size_t>(oc));
    for (auto& v : b) v = rng.uniform(-20000, 20000);
    bias = wr.addInt32Constant("bias", {oc}, b);
  }
  const int32_t out = wr.addActivation(
      "out", host::TensorType::kInt8, {n, oh, ow, oc},
      QuantParams::perTensor(outScale, window ? extremeZeroPoint(rng) : rng.uniform(-128, 127)));
  host::Conv2DOptions o;
  o.padding = padding;
  o.strideH = sh;
  o.strideW = sw;
  o.dilationH = o.dilationW = dil;
  o.activation = randomActivation(rng);
  wr.addConv2D(in, filter, bias, out, o);
  wr.setInputs({in});
  wr.setOutputs({out});
  expectSameAsReference(wr.serialize(), rng.bytes(size_t(n * h * w * ic)),
                        describe("CONV_2D", {n, h, w, ic}, {oc, fh, fw, ic}, sh, dil, padding),
                        counts);
}

// `common`: the shapes real models use most (3x3, multiples of 8 channels, multiplier 1),
// which take the interior fast path.
// `wide`: a single input channel and large filters (micro_speech's first layer): the GEMM form
// with panels of 8 channels and fewer im2col rows.
// `rows3x3` (with `common`): larger images, strides 1 and 2 across and extreme zero points, for
// the 3x3 row loop that shares tap pairs between neighbouring pixels (and images too large for
// the padded copy, whose border pixels take the per-tap path).
// `anyFilter` (with `wide`): every filter size from 1x1 to 10x10 (each width modulo 4 of the
// broadcast kernel's groups of 4 taps), multipliers from 1 and extreme zero points.
// column: one-pixel-wide images under Kx1 filters (temporal filters of streaming audio models).
void randomDepthwise(Rng& rng, Counts* counts, bool common = false, bool wide = false,
                     bool rows3x3 = false, bool anyFilter = false, bool column = false) {
  const int32_t n = rng.chance(0.2) ? 2 : 1;
  const int32_t h = wide     ? rng.uniform(anyFilter ? 1 : 12, 50)
                    : column ? rng.uniform(1, 50)
                             : rng.uniform(1, rows3x3 ? 40 : 16),
                w = wide     ? rng.uniform(anyFilter ? 1 : 10, 40)
                    : column ? 1
                             : rng.uniform(1, rows3x3 ? 30 : 16);
  const int32_t ic = wide     ? 1
                     : common ? 8 * rng.uniform(1, 6)
                     : column ? (rng.chance(0.6) ? 8 * rng.uniform(1, 17) : rng.uniform(2, 70))
                              : (rng.chance(0.15) ? 1 : rng.uniform(1, 40));
  const int32_t mult = wide                         ? rng.uniform(anyFilter ? 1 : 2, 20)
                       : !common && rng.chance(0.3) ? rng.uniform(2, ic == 1 ? 12 : 4)
                                                    : 1;
  const int32_t oc = ic * mult;
  const int32_t fh = common      ? 3
                     : column    ? rng.uniform(1, 15)
                     : anyFilter ? rng.uniform(1, 10)
                     : wide      ? rng.uniform(6, 12)
                                 : rng.uniform(1, 5);
  const int32_t fw = column      ? 1
                     : common    ? 3
                     : anyFilter ? rng.uniform(1, 10)
                     : wide      ? rng.uniform(4, 10)
                                 : rng.uniform(1, 5);
  const int32_t sh = rng.uniform(1, 3),
                sw = rows3x3 ? rng.uniform(1, 2) : (rng.chance(0.7) ? sh : rng.uniform(1, 3));
  const int32_t dil = !common && rng.chance(0.2) ? 2 : 1;
  const Padding padding = rng.chance(0.5) ? Padding::kSame : Padding::kValid;
  const int32_t oh = outSize(padding, h, fh, sh, dil), ow = outSize(padding, w, fw, sw, dil);
  if (oh <= 0 || ow <= 0) return;
  TfliteWriter wr;
  const int32_t in = wr.addActivation(
      "in", host::TensorType::kInt8, {n, h, w, ic},
      QuantParams::perTensor(rng.uniformF(0.005f, 0.1f), rows3x3 || (anyFilter && rng.chance(0.5))
                                                             ? extremeZeroPoint(rng)
                                                             : rng.uniform(-128, 127)));
  const QuantParams fq = filterQuant(rng, oc, 3, rng.chance(0.8));
  const int32_t filter =
      wr.addInt8Constant("filter", {1, fh, fw, oc}, rng.bytes(size_t(fh * fw * oc)), fq);
  int32_t bias = -1;
  if (rng.chance(0.85)) {
    std::vector<int32_t> b(static_cast<size_t>(oc));
    for (auto& v : b) v = rng.uniform(-5000, 5000);
    bias = wr.addInt32Constant("bias", {oc}, b);
  }
  const int32_t out =
      wr.addActivation("out", host::TensorType::kInt8, {n, oh, ow, oc},
                       QuantParams::perTensor(rng.uniformF(0.01f, 0.3f), rng.uniform(-128, 127)));
  host::DepthwiseConv2DOptions o;
  o.padding = padding;
  o.strideH = sh;
  o.strideW = sw;
  o.depthMultiplier = mult;
  o.dilationH = o.dilationW = dil;
  o.activation = randomActivation(rng);
  wr.addDepthwiseConv2D(in, filter, bias, out, o);
  wr.setInputs({in});
  wr.setOutputs({out});
  expectSameAsReference(
      wr.serialize(), rng.bytes(size_t(n * h * w * ic)),
      describe("DEPTHWISE_CONV_2D", {n, h, w, ic}, {1, fh, fw, oc}, sh, dil, padding) +
          " multiplier " + std::to_string(mult),
      counts);
}

void randomFullyConnected(Rng& rng, Counts* counts) {
  const int32_t batches = rng.chance(0.3) ? rng.uniform(2, 7) : 1;
  // Tiny layers too (hello_world's depth 1): the host-cache path pads every row to 32.
  const int32_t depth = rng.chance(0.15) ? rng.uniform(1, 4) : rng.uniform(1, 300),
                units = rng.uniform(1, 70);
  TfliteWriter wr;
  const int32_t in =
      wr.addActivation("in", host::TensorType::kInt8, {batches, depth},
                       QuantParams::perTensor(rng.uniformF(0.005f, 0.1f), rng.uniform(-128, 127)));
  const bool perChannel = rng.chance(0.3);
  QuantParams fq = filterQuant(rng, units, 0, perChannel);
  if (!perChannel && rng.chance(0.4)) fq.zeroPoints[0] = rng.uniform(-100, 100);
  const int32_t filter =
      wr.addInt8Constant("filter", {units, depth}, rng.bytes(size_t(units * depth)), fq);
  int32_t bias = -1;
  if (rng.chance(0.85)) {
    std::vector<int32_t> b(static_cast<size_t>(units));
    for (auto& v : b) v = rng.uniform(-30000, 30000);
    bias = wr.addInt32Constant("bias", {units}, b);
  }
  const int32_t out =
      wr.addActivation("out", host::TensorType::kInt8, {batches, units},
                       QuantParams::perTensor(rng.uniformF(0.05f, 1.0f), rng.uniform(-128, 127)));
  host::FullyConnectedOptions o;
  o.activation = randomActivation(rng);
  wr.addFullyConnected(in, filter, bias, out, o);
  wr.setInputs({in});
  wr.setOutputs({out});
  expectSameAsReference(wr.serialize(), rng.bytes(size_t(batches * depth)),
                        "FULLY_CONNECTED batches " + std::to_string(batches) + " depth " +
                            std::to_string(depth) + " units " + std::to_string(units) +
                            " filter zp " + std::to_string(fq.zeroPoints[0]),
                        counts);
}

void randomAdd(Rng& rng, Counts* counts) {
  const std::vector<int32_t> shape = {1, rng.uniform(1, 12), rng.uniform(1, 12),
                                      rng.uniform(1, 40)};
  std::vector<int32_t> shape2 = shape;
  if (rng.chance(0.2)) shape2 = {1, 1, 1, shape[3]};  // broadcast: the reference loop
  TfliteWriter wr;
  auto quant = [&](float lo, float hi) {
    return QuantParams::perTensor(rng.uniformF(lo, hi), rng.uniform(-128, 127));
  };
  const int32_t a = wr.addActivation("a", host::TensorType::kInt8, shape, quant(0.001f, 0.2f));
  const std::vector<int8_t> bValues =
      rng.bytes(size_t(shape2[0] * shape2[1] * shape2[2] * shape2[3]));
  const int32_t b = wr.addInt8Constant("b", shape2, bValues, quant(0.001f, 0.2f));
  const int32_t out = wr.addActivation("out", host::TensorType::kInt8, shape, quant(0.002f, 0.4f));
  host::AddOptions o;
  o.activation = randomActivation(rng);
  wr.addAdd(a, b, out, o);
  wr.setInputs({a});
  wr.setOutputs({out});
  expectSameAsReference(wr.serialize(),
                        rng.bytes(size_t(shape[0] * shape[1] * shape[2] * shape[3])),
                        "ADD " + std::to_string(shape[1]) + "x" + std::to_string(shape[2]) + "x" +
                            std::to_string(shape[3]) + (shape2 != shape ? " broadcast" : ""),
                        counts);
}

// Same-shape int8 ADD at the edges of its arithmetic: element counts of 1 to 100 (every 8- and
// 16-lane tail) and up to 20000, input scales up to 1000 apart, output scales from 1/50 to 50
// of the inputs' or power-of-two multiples (rounding ties), zero points at the extremes, every
// fused activation.
void randomAddScales(Rng& rng, Counts* counts) {
  const int32_t n = rng.chance(0.7) ? rng.uniform(1, 100) : rng.uniform(100, 20000);
  const std::vector<int32_t> shape = {1, n};
  auto zeroPoint = [&] {
    return rng.chance(0.3) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127);
  };
  const float s1 = rng.uniformF(0.001f, 0.2f);
  // Power-of-two ratios make exact rounding ties (x.5 of either sign) in the output rescaling.
  const bool ties = rng.chance(0.3);
  const float s2 = ties ? s1 : s1 * std::pow(1000.0f, rng.uniformF(-1.0f, 1.0f));
  const float so = ties ? s1 * static_cast<float>(1 << rng.uniform(1, 3))
                        : (s1 > s2 ? s1 : s2) * std::pow(50.0f, rng.uniformF(-1.0f, 1.0f));
  TfliteWriter wr;
  const int32_t a = wr.addActivation("a", host::TensorType::kInt8, shape,
                                     QuantParams::perTensor(s1, zeroPoint()));
  const int32_t b =
      wr.addInt8Constant("b", shape, rng.bytes(size_t(n)), QuantParams::perTensor(s2, zeroPoint()));
  const int32_t out = wr.addActivation("out", host::TensorType::kInt8, shape,
                                       QuantParams::perTensor(so, zeroPoint()));
  host::AddOptions o;
  o.activation = randomActivation(rng);
  wr.addAdd(a, b, out, o);
  wr.setInputs({a});
  wr.setOutputs({out});
  std::vector<std::vector<int8_t>> runs;
  for (int i = 0; i < 2; ++i) runs.push_back(rng.bytes(size_t(n)));
  expectSequenceSameAsReference(wr.serialize(), runs,
                                "ADD " + std::to_string(n) + " scales " + std::to_string(s1) + " " +
                                    std::to_string(s2) + " " + std::to_string(so),
                                counts);
}

// AVERAGE_POOL_2D or MAX_POOL_2D. For MAX_POOL_2D, channel counts up to 100 reach the 32- and
// 16-channel vectors and the scalar tail, and int16 models check the reference fallback.
void randomPool(Rng& rng, Counts* counts, bool max) {
  const int32_t n = rng.chance(0.2) ? 2 : 1;
  const int32_t h = rng.uniform(1, 14), w = rng.uniform(1, 14), c = rng.uniform(1, max ? 100 : 70);
  const int32_t fh = rng.uniform(1, h + 1), fw = rng.uniform(1, w + 1);
  const int32_t sh = rng.uniform(1, 3), sw = rng.uniform(1, 3);
  const Padding padding = rng.chance(0.5) ? Padding::kSame : Padding::kValid;
  const int32_t oh = outSize(padding, h, fh, sh, 1), ow = outSize(padding, w, fw, sw, 1);
  if (oh <= 0 || ow <= 0) return;
  const bool int16 = max && rng.chance(0.15);
  const auto type = int16 ? host::TensorType::kInt16 : host::TensorType::kInt8;
  TfliteWriter wr;
  const QuantParams q =
      QuantParams::perTensor(rng.uniformF(0.01f, 0.2f), int16 ? 0 : rng.uniform(-128, 127));
  const int32_t in = wr.addActivation("in", type, {n, h, w, c}, q);
  const int32_t out = wr.addActivation("out", type, {n, oh, ow, c}, q);
  host::Pool2DOptions o;
  o.padding = padding;
  o.strideH = sh;
  o.strideW = sw;
  o.filterHeight = fh;
  o.filterWidth = fw;
  o.activation = randomActivation(rng);
  host::OperatorSpec spec;
  spec.op = max ? host::BuiltinOperator::kMaxPool2d : host::BuiltinOperator::kAveragePool2d;
  spec.inputs = {in};
  spec.outputs = {out};
  spec.options = o;
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  expectSameAsReference(wr.serialize(), rng.bytes(size_t(n * h * w * c) * (int16 ? 2 : 1)),
                        std::string(max ? "MAX_POOL_2D " : "AVERAGE_POOL_2D ") +
                            (int16 ? "int16 " : "") + std::to_string(h) + "x" + std::to_string(w) +
                            "x" + std::to_string(c) + " filter " + std::to_string(fh) + "x" +
                            std::to_string(fw),
                        counts);
}

TEST(OptimizedKernels, ReportsInstructionSets) {
  std::string names;
  for (Isa isa : supportedIsas()) names += std::string(isaName(isa)) + " ";
  RecordProperty("instruction_sets", names);
  std::printf("optimized kernels checked on: %s(best: %s)\n", names.c_str(), isaName(detectIsa()));
  EXPECT_FALSE(supportedIsas().empty());
}

TEST(OptimizedKernels, ConvMatchesReference) {
  Rng rng(1234);
  Counts counts;
  for (int i = 0; i < 300 && !HasFatalFailure(); ++i) randomConv(rng, &counts, false);
  std::printf("CONV_2D: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_GT(counts.models, 200);
}

TEST(OptimizedKernels, LargerConvMatchesReference) {
  Rng rng(4321);
  Counts counts;
  for (int i = 0; i < 60 && !HasFatalFailure(); ++i) randomConv(rng, &counts, i % 3 == 0, true);
  std::printf("CONV_2D larger: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_GT(counts.models, 40);
}

TEST(OptimizedKernels, FewInputChannelConvMatchesReference) {
  Rng rng(3003);
  Counts counts;
  for (int i = 0; i < 80 && !HasFatalFailure(); ++i)
    randomConv(rng, &counts, false, false, false, true);
  std::printf("CONV_2D with 1-3 input channels: %d random models, %d optimized runs identical\n",
              counts.models, counts.comparisons);
  EXPECT_GT(counts.models, 60);
}

TEST(OptimizedKernels, SingleChannelWideDepthwiseMatchesReference) {
  Rng rng(2468);
  Counts counts;
  for (int i = 0; i < 60 && !HasFatalFailure(); ++i) randomDepthwise(rng, &counts, false, true);
  std::printf(
      "DEPTHWISE_CONV_2D single channel, wide filters: %d random models, %d optimized runs "
      "identical\n",
      counts.models, counts.comparisons);
  EXPECT_GT(counts.models, 40);
}

// The single-input-channel broadcast kernel (with a host cache) over every filter size, stride,
// dilation and padding, and the GEMM form it replaces without a host cache.
TEST(OptimizedKernels, SingleChannelAnyFilterDepthwiseMatchesReference) {
  Rng rng(1357);
  Counts counts;
  for (int i = 0; i < 150 && !HasFatalFailure(); ++i)
    randomDepthwise(rng, &counts, false, true, false, true);
  std::printf(
      "DEPTHWISE_CONV_2D single channel, 1x1 to 10x10 filters: %d random models, %d optimized "
      "runs identical\n",
      counts.models, counts.comparisons);
  EXPECT_GT(counts.models, 90);
}

TEST(OptimizedKernels, PointwiseConvMatchesReference) {
  Rng rng(99);
  Counts counts;
  for (int i = 0; i < 200 && !HasFatalFailure(); ++i) randomConv(rng, &counts, true);
  std::printf("CONV_2D 1x1: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_GT(counts.models, 150);
}

TEST(OptimizedKernels, DepthwiseMatchesReference) {
  Rng rng(777);
  Counts counts;
  for (int i = 0; i < 300 && !HasFatalFailure(); ++i) randomDepthwise(rng, &counts);
  std::printf("DEPTHWISE_CONV_2D: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_GT(counts.models, 150);
}

// [n, T, 1, C] images under Kx1 filters run as one row of T pixels (asRow).
TEST(OptimizedKernels, ColumnDepthwiseMatchesReference) {
  Rng rng(4242);
  Counts counts;
  for (int i = 0; i < 200 && !HasFatalFailure(); ++i)
    randomDepthwise(rng, &counts, false, false, false, false, true);
  std::printf(
      "DEPTHWISE_CONV_2D Kx1 on one-pixel-wide images: %d random models, %d optimized runs "
      "identical\n",
      counts.models, counts.comparisons);
  EXPECT_GT(counts.models, 120);
}

TEST(OptimizedKernels, Depthwise3x3MatchesReference) {
  Rng rng(8080);
  Counts counts;
  for (int i = 0; i < 200 && !HasFatalFailure(); ++i) randomDepthwise(rng, &counts, true);
  std::printf("DEPTHWISE_CONV_2D 3x3: %d random models, %d optimized runs identical\n",
              counts.models, counts.comparisons);
  EXPECT_GT(counts.models, 150);
}

// Rows of A read in place by the GEMM and the 3x3 depthwise row loop, at extreme zero points.
TEST(OptimizedKernels, InPlaceRowsMatchReference) {
  Rng rng(5150);
  Counts conv, depthwise;
  for (int i = 0; i < 200 && !HasFatalFailure(); ++i) {
    randomConv(rng, &conv, i % 4 == 0, i % 5 == 1, true);
    randomDepthwise(rng, &depthwise, true, false, true);
  }
  std::printf(
      "CONV_2D rows read in place: %d random models, %d runs; DEPTHWISE_CONV_2D 3x3 rows: %d "
      "random models, %d runs; all identical\n",
      conv.models, conv.comparisons, depthwise.models, depthwise.comparisons);
  EXPECT_GT(conv.models, 120);
  EXPECT_GT(depthwise.models, 120);
}

TEST(OptimizedKernels, FullyConnectedMatchesReference) {
  Rng rng(4242);
  Counts counts;
  for (int i = 0; i < 300 && !HasFatalFailure(); ++i) randomFullyConnected(rng, &counts);
  std::printf("FULLY_CONNECTED: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_EQ(counts.models, 300);
}

TEST(OptimizedKernels, AddMatchesReference) {
  Rng rng(31337);
  Counts counts;
  for (int i = 0; i < 300 && !HasFatalFailure(); ++i) randomAdd(rng, &counts);
  std::printf("ADD: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_EQ(counts.models, 300);
}

TEST(OptimizedKernels, AveragePoolMatchesReference) {
  Rng rng(2718);
  Counts counts;
  for (int i = 0; i < 300 && !HasFatalFailure(); ++i) randomPool(rng, &counts, false);
  std::printf("AVERAGE_POOL_2D: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_GT(counts.models, 200);
}

std::vector<uint8_t> littleEndian16(const std::vector<int16_t>& v) {
  std::vector<uint8_t> out;
  for (int16_t x : v) {
    out.push_back(static_cast<uint8_t>(static_cast<uint16_t>(x) & 0xFF));
    out.push_back(static_cast<uint8_t>(static_cast<uint16_t>(x) >> 8));
  }
  return out;
}

// The shape of a random SVDF; 0 / kAny: chosen at random.
struct SvdfShape {
  int32_t memory = 0, rank = 0;
  int stateType = kAny;  // 0 int8, 1 int16
  static constexpr int kAny = -1;
};

// SVDF with int8 or int16 state: odd and even memory sizes, ranks 1-3, extreme zero points,
// over several invokes so the state history matters.
void randomSvdf(Rng& rng, Counts* counts, SvdfShape shape = {}) {
  const bool int16State =
      shape.stateType == SvdfShape::kAny ? rng.chance(0.5) : shape.stateType == 1;
  const int32_t batches = rng.chance(0.3) ? rng.uniform(2, 3) : 1;
  const int32_t inputSize = rng.chance(0.2) ? rng.uniform(1, 5) : rng.uniform(1, 100);
  const int32_t rank = shape.rank != 0 ? shape.rank : rng.uniform(1, 3);
  const int32_t units = rng.uniform(1, 40), filters = units * rank;
  const int32_t memory = shape.memory != 0 ? shape.memory
                         : rng.chance(0.3) ? rng.uniform(1, 4)
                                           : rng.uniform(1, 40);
  const TensorType stateType = int16State ? TensorType::kInt16 : TensorType::kInt8;
  const float inScale = rng.uniformF(0.005f, 0.1f), wfScale = rng.uniformF(0.002f, 0.05f);
  const float stateScale = rng.uniformF(0.01f, 0.5f), wtScale = rng.uniformF(0.001f, 0.05f);
  const int32_t stateZp =
      int16State ? (rng.chance(0.5) ? 0 : rng.uniform(-2000, 2000))
                 : (rng.chance(0.3) ? rng.uniform(-128, -120) : rng.uniform(-128, 127));
  TfliteWriter wr;
  const int32_t in = wr.addActivation(
      "in", TensorType::kInt8, {batches, inputSize},
      QuantParams::perTensor(inScale, rng.chance(0.2) ? 127 : rng.uniform(-128, 127)));
  const int32_t wf = wr.addInt8Constant("weights_feature", {filters, inputSize},
                                        rng.bytes(size_t(filters * inputSize)),
                                        QuantParams::perTensor(wfScale, 0));
  host::TensorSpec wt;
  wt.name = "weights_time";
  wt.type = stateType;
  wt.shape = {filters, memory};
  wt.quant = QuantParams::perTensor(wtScale, 0);
  if (int16State) {
    std::vector<int16_t> v(size_t(filters * memory));
    for (auto& x : v) x = static_cast<int16_t>(rng.uniform(-32768, 32767));
    wt.data = littleEndian16(v);
  } else {
    for (int8_t x : rng.bytes(size_t(filters * memory))) wt.data.push_back(uint8_t(x));
  }
  const int32_t wtIndex = wr.addTensor(wt);
  std::vector<int32_t> b(static_cast<size_t>(units));
  for (auto& v : b) v = rng.chance(0.2) ? 0 : rng.uniform(-50000, 50000);
  const int32_t bias =
      wr.addInt32Constant("bias", {units}, b, QuantParams::perTensor(stateScale * wtScale, 0));
  host::TensorSpec state;
  state.name = "state";
  state.type = stateType;
  state.shape = {batches, memory * filters};
  state.quant = QuantParams::perTensor(stateScale, stateZp);
  state.isVariable = true;
  const int32_t stateIndex = wr.addTensor(state);
  const int32_t out =
      wr.addActivation("out", TensorType::kInt8, {batches, units},
                       QuantParams::perTensor(rng.uniformF(0.01f, 1.0f), rng.uniform(-128, 127)));
  host::OperatorSpec op;
  op.op = host::BuiltinOperator::kSvdf;
  op.inputs = {in, wf, wtIndex, bias, stateIndex};
  op.outputs = {out};
  op.options = host::TableOptions(schema::BuiltinOptionsType::kSVDFOptions)
                   .add(schema::svdf_options::kRank, host::TableOptions::Field::Kind::kInt32, rank);
  wr.addOperator(op);
  wr.setInputs({in});
  wr.setOutputs({out});
  std::vector<std::vector<int8_t>> inputs;
  for (int i = 0; i < 4; ++i) inputs.push_back(rng.bytes(size_t(batches * inputSize)));
  expectSequenceSameAsReference(wr.serialize(), inputs,
                                std::string("SVDF ") + (int16State ? "int16" : "int8") +
                                    " state, batches " + std::to_string(batches) + " input " +
                                    std::to_string(inputSize) + " units " + std::to_string(units) +
                                    " rank " + std::to_string(rank) + " memory " +
                                    std::to_string(memory) + " state zp " + std::to_string(stateZp),
                                counts);
}

TEST(OptimizedKernels, SvdfMatchesReference) {
  Rng rng(8080);
  Counts counts;
  for (int i = 0; i < 200 && !HasFatalFailure(); ++i) randomSvdf(rng, &counts);
  std::printf("SVDF: %d random models x 4 invokes, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_EQ(counts.models, 200);
}

// int8-state SVDF shapes the fused AVX-512 shift-and-dot pass takes (memory a power of two from
// 4 to 64, rank * memory / 4 a power of two up to 16) and their neighbours it leaves to the
// piecewise path (memory 2, 12, 64 with rank 2), unit counts across 16-unit blocks.
TEST(OptimizedKernels, SvdfInt8StateShapesMatchReference) {
  Rng rng(4096);
  Counts counts;
  int cases = 0;
  for (int32_t memory : {4, 8, 16, 32, 64, 2, 12}) {
    for (int32_t rank : {1, 2, 4}) {
      for (int i = 0; i < 4 && !HasFatalFailure(); ++i, ++cases) {
        SvdfShape shape;
        shape.memory = memory;
        shape.rank = rank;
        shape.stateType = 0;
        randomSvdf(rng, &counts, shape);
      }
    }
  }
  std::printf("SVDF int8 state: %d models x 4 invokes, %d optimized runs identical\n",
              counts.models, counts.comparisons);
  EXPECT_EQ(counts.models, cases);
}

// UNIDIRECTIONAL_SEQUENCE_LSTM (integer path): batch- and time-major, odd state and input
// sizes, extreme input and hidden zero points, cell clip or none, several invokes.
void randomLstm(Rng& rng, Counts* counts) {
  const bool timeMajor = rng.chance(0.4);
  const int32_t batches = rng.chance(0.3) ? rng.uniform(2, 3) : 1;
  const int32_t steps = rng.uniform(1, 5);
  const int32_t inputSize = rng.chance(0.2) ? rng.uniform(1, 4) : rng.uniform(1, 70);
  const int32_t stateSize = rng.chance(0.2) ? rng.uniform(1, 4) : rng.uniform(1, 50);
  const float inScale = rng.uniformF(0.005f, 0.1f), hiddenScale = rng.uniformF(0.003f, 0.02f);
  const int32_t hiddenZp = rng.chance(0.3) ? rng.uniform(-128, -120) : rng.uniform(-128, 127);
  const float cellScale = 1.0f / static_cast<float>(1 << rng.uniform(9, 15));
  TfliteWriter wr;
  const std::vector<int32_t> inShape = timeMajor ? std::vector<int32_t>{steps, batches, inputSize}
                                                 : std::vector<int32_t>{batches, steps, inputSize};
  const int32_t in = wr.addActivation(
      "in", TensorType::kInt8, inShape,
      QuantParams::perTensor(inScale, rng.chance(0.2) ? -128 : rng.uniform(-128, 127)));
  std::vector<int32_t> inputs(24, -1);
  inputs[0] = in;
  for (int g = 0; g < 4; ++g) {
    inputs[size_t(1 + g)] = wr.addInt8Constant(
        "wi" + std::to_string(g), {stateSize, inputSize}, rng.bytes(size_t(stateSize * inputSize)),
        QuantParams::perTensor(rng.uniformF(0.002f, 0.03f), 0));
    inputs[size_t(5 + g)] = wr.addInt8Constant(
        "wr" + std::to_string(g), {stateSize, stateSize}, rng.bytes(size_t(stateSize * stateSize)),
        QuantParams::perTensor(rng.uniformF(0.002f, 0.03f), 0));
    std::vector<int32_t> b(static_cast<size_t>(stateSize));
    for (auto& v : b) v = rng.uniform(-40000, 40000);
    inputs[size_t(12 + g)] = wr.addInt32Constant("b" + std::to_string(g), {stateSize}, b,
                                                 QuantParams::perTensor(inScale * 0.01f, 0));
  }
  host::TensorSpec hidden;
  hidden.name = "hidden";
  hidden.shape = {batches, stateSize};
  hidden.quant = QuantParams::perTensor(hiddenScale, hiddenZp);
  hidden.isVariable = true;
  inputs[18] = wr.addTensor(hidden);
  host::TensorSpec cell;
  cell.name = "cell";
  cell.type = TensorType::kInt16;
  cell.shape = {batches, stateSize};
  cell.quant = QuantParams::perTensor(cellScale, 0);
  cell.isVariable = true;
  inputs[19] = wr.addTensor(cell);
  const std::vector<int32_t> outShape = timeMajor ? std::vector<int32_t>{steps, batches, stateSize}
                                                  : std::vector<int32_t>{batches, steps, stateSize};
  const int32_t out = wr.addActivation("out", TensorType::kInt8, outShape,
                                       QuantParams::perTensor(hiddenScale, hiddenZp));
  using Kind = host::TableOptions::Field::Kind;
  namespace o = schema::unidirectional_sequence_lstm_options;
  host::TableOptions options(schema::BuiltinOptionsType::kUnidirectionalSequenceLSTMOptions);
  options.add(o::kActivation, Kind::kInt8, static_cast<int64_t>(schema::Activation::kTanh))
      .add(o::kTimeMajor, Kind::kBool, timeMajor ? 1 : 0);
  const bool clip = rng.chance(0.4);
  if (clip) options.addFloat(o::kCellClip, cellScale * static_cast<float>(rng.uniform(100, 30000)));
  host::OperatorSpec op;
  op.op = host::BuiltinOperator::kUnidirectionalSequenceLstm;
  op.inputs = inputs;
  op.outputs = {out};
  op.options = options;
  wr.addOperator(op);
  wr.setInputs({in});
  wr.setOutputs({out});
  std::vector<std::vector<int8_t>> sequence;
  for (int i = 0; i < 3; ++i) sequence.push_back(rng.bytes(size_t(batches * steps * inputSize)));
  expectSequenceSameAsReference(wr.serialize(), sequence,
                                std::string("LSTM ") + (timeMajor ? "time-major" : "batch-major") +
                                    " batches " + std::to_string(batches) + " steps " +
                                    std::to_string(steps) + " input " + std::to_string(inputSize) +
                                    " state " + std::to_string(stateSize) + " hidden zp " +
                                    std::to_string(hiddenZp) + (clip ? " clip" : ""),
                                counts);
}

TEST(OptimizedKernels, LstmMatchesReference) {
  Rng rng(1997);
  Counts counts;
  for (int i = 0; i < 150 && !HasFatalFailure(); ++i) randomLstm(rng, &counts);
  std::printf(
      "UNIDIRECTIONAL_SEQUENCE_LSTM: %d random models x 3 invokes, %d optimized runs "
      "identical\n",
      counts.models, counts.comparisons);
  EXPECT_EQ(counts.models, 150);
}

// Adds one operator to `wr` and makes `modelInput` and `output` the model's input and output.
void addOneOp(TfliteWriter& wr, host::BuiltinOperator op, std::vector<int32_t> inputs,
              int32_t output, int32_t modelInput, host::BuiltinOptions options = {}) {
  host::OperatorSpec spec;
  spec.op = op;
  spec.inputs = std::move(inputs);
  spec.outputs = {output};
  spec.options = std::move(options);
  wr.addOperator(spec);
  wr.setInputs({modelInput});
  wr.setOutputs({output});
}

// LOGISTIC, TANH and QUANTIZE int8 -> int8, and QUANTIZE int16 -> int8 (the table paths): random
// scales and zero points (extremes included), element counts from 1 (the table takes 256, or
// 65536, reference runs) up; int16 inputs cover the extremes of the range.
void randomInt8Unary(Rng& rng, Counts* counts) {
  const int kind = rng.uniform(0, 3);
  const host::BuiltinOperator op = kind == 0   ? host::BuiltinOperator::kLogistic
                                   : kind == 1 ? host::BuiltinOperator::kTanh
                                               : host::BuiltinOperator::kQuantize;
  const bool wide = kind == 3;
  const int32_t n = rng.chance(0.2) ? rng.uniform(1, 3) : rng.uniform(1, 700);
  const int32_t inZp = wide              ? rng.uniform(-300, 300)
                       : rng.chance(0.2) ? (rng.chance(0.5) ? -128 : 127)
                                         : rng.uniform(-128, 127);
  TfliteWriter wr;
  const int32_t in = wr.addActivation(
      "in", wide ? TensorType::kInt16 : TensorType::kInt8, {1, n},
      QuantParams::perTensor(wide ? rng.uniformF(0.00005f, 0.01f) : rng.uniformF(0.002f, 0.5f),
                             inZp));
  // LOGISTIC/TANH int8 outputs have fixed quantization (1/256, -128 and 1/128, 0).
  const QuantParams outQuant =
      kind == 0   ? QuantParams::perTensor(1.0f / 256.0f, -128)
      : kind == 1 ? QuantParams::perTensor(1.0f / 128.0f, 0)
                  : QuantParams::perTensor(rng.uniformF(0.002f, 0.5f), rng.uniform(-128, 127));
  const int32_t out = wr.addActivation("out", TensorType::kInt8, {1, n}, outQuant);
  addOneOp(wr, op, {in}, out, in);
  std::vector<std::vector<int8_t>> inputs;
  for (int i = 0; i < 2; ++i) inputs.push_back(rng.bytes(size_t(n) * (wide ? 2 : 1)));
  if (wide) {  // the int16 extremes, whatever the random bytes were
    inputs[0][0] = 0;
    inputs[0][1] = -128;
    inputs[1][0] = -1;
    inputs[1][1] = 127;
  }
  expectSequenceSameAsReference(wr.serialize(), inputs,
                                std::string(kind == 0   ? "LOGISTIC"
                                            : kind == 1 ? "TANH"
                                                        : "QUANTIZE") +
                                    (wide ? " int16" : " int8") + " n " + std::to_string(n) +
                                    " input zp " + std::to_string(inZp),
                                counts);
}

TEST(OptimizedKernels, Int8TableOpsMatchReference) {
  Rng rng(256);
  Counts counts;
  for (int i = 0; i < 150 && !HasFatalFailure(); ++i) randomInt8Unary(rng, &counts);
  std::printf(
      "LOGISTIC/TANH/QUANTIZE int8 and QUANTIZE int16: %d random models x 2 invokes, %d optimized "
      "runs "
      "identical\n",
      counts.models, counts.comparisons);
  EXPECT_EQ(counts.models, 150);
}

TEST(OptimizedKernels, MaxPoolMatchesReference) {
  Rng rng(1618);
  Counts counts;
  for (int i = 0; i < 300 && !HasFatalFailure(); ++i) randomPool(rng, &counts, true);
  std::printf("MAX_POOL_2D: %d random models, %d optimized runs identical\n", counts.models,
              counts.comparisons);
  EXPECT_GT(counts.models, 200);
}

// Runs `cases` random models from `make` (each: reference vs every instruction set, with and
// without a host cache, over 2 invokes) and prints how many ran identical.
template <class Make>
void expectRandomModels(const char* what, uint32_t seed, int cases, Make make) {
  Rng rng(seed);
  Counts counts;
  for (int i = 0; i < cases && !::testing::Test::HasFatalFailure(); ++i) make(rng, &counts);
  std::printf("%s: %d random models x 2 invokes, %d optimized runs identical\n", what,
              counts.models, counts.comparisons);
  EXPECT_EQ(counts.models, cases);
}

std::string dimsText(const std::vector<int32_t>& dims) {
  std::string s = "[";
  for (int32_t v : dims) s += std::to_string(v) + ",";
  return s + "]";
}

// int8 MUL: same shapes (ranks 1..5) and broadcasts of either operand along any dimensions
// (lower-rank operands included), scales whose multiplier needs a left shift or a right shift
// of up to 31, zero points at the extremes, fused activations, inner runs that leave 8- and
// 16-lane tails. One operand is the model input, the other a constant, in either order.
// `wide`: int16 data (zero points 0, as TFLM requires).
void randomMul(Rng& rng, Counts* counts, bool wide) {
  const bool same = rng.chance(0.35);
  const int32_t rank = same && rng.chance(0.2) ? 5 : rng.uniform(1, 4);
  std::vector<int32_t> out(static_cast<size_t>(rank)), da(out.size()), db(out.size());
  for (size_t d = 0; d < out.size(); ++d) {
    const bool last = d + 1 == out.size();
    out[d] = last ? (rng.chance(0.3) ? rng.uniform(1, 5) : rng.uniform(1, 70))
                  : (rng.chance(0.3) ? 1 : rng.uniform(1, 7));
    const int which = same ? 0 : rng.uniform(0, 3);  // 0 both, 1 only a, 2 only b, 3 both
    da[d] = which == 2 ? 1 : out[d];
    db[d] = which == 1 ? 1 : out[d];
  }
  // A lower-rank operand: leading dimensions of one dropped.
  auto dropLeading = [&](std::vector<int32_t>& v) {
    while (v.size() > 1 && v.front() == 1 && rng.chance(0.5)) v.erase(v.begin());
  };
  if (!same) {
    dropLeading(da);
    dropLeading(db);
    const size_t outRank = da.size() > db.size() ? da.size() : db.size();
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(outRank));
  }
  auto count = [](const std::vector<int32_t>& v) {
    size_t n = 1;
    for (int32_t x : v) n *= static_cast<size_t>(x);
    return n;
  };
  auto zeroPoint = [&] {
    if (wide) return 0;
    return rng.chance(0.25) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127);
  };
  const host::TensorType type = wide ? host::TensorType::kInt16 : host::TensorType::kInt8;
  const size_t elementSize = wide ? 2 : 1;
  const float s1 = rng.uniformF(0.001f, 0.5f), s2 = rng.uniformF(0.001f, 0.5f);
  // Output scales from far below the product (a left shift) to far above (a deep right shift).
  const int kind = rng.uniform(0, 2);
  const float so = kind == 0   ? s1 * s2 * rng.uniformF(0.0005f, 0.5f)
                   : kind == 1 ? s1 * s2 * rng.uniformF(0.5f, 300.0f)
                               : rng.uniformF(0.002f, 0.5f);
  TfliteWriter wr;
  const bool inputFirst = rng.chance(0.5);
  const std::vector<int32_t>& inDims = inputFirst ? da : db;
  const std::vector<int32_t>& constDims = inputFirst ? db : da;
  const int32_t in = wr.addActivation("in", type, inDims,
                                      QuantParams::perTensor(inputFirst ? s1 : s2, zeroPoint()));
  host::TensorSpec constant;
  constant.name = "k";
  constant.type = type;
  constant.shape = constDims;
  constant.quant = QuantParams::perTensor(inputFirst ? s2 : s1, zeroPoint());
  for (int8_t v : rng.bytes(count(constDims) * elementSize))
    constant.data.push_back(static_cast<uint8_t>(v));
  const int32_t k = wr.addTensor(constant);
  const int32_t o = wr.addActivation("out", type, out, QuantParams::perTensor(so, zeroPoint()));
  addOneOp(wr, host::BuiltinOperator::kMul,
           inputFirst ? std::vector<int32_t>{in, k} : std::vector<int32_t>{k, in}, o, in,
           host::TableOptions(schema::BuiltinOptionsType::kMulOptions)
               .add(schema::mul_options::kActivation, host::TableOptions::Field::Kind::kInt8,
                    static_cast<int64_t>(randomActivation(rng))));
  std::vector<std::vector<int8_t>> inputs;
  for (int i = 0; i < 2; ++i) inputs.push_back(rng.bytes(count(inDims) * elementSize));
  expectSequenceSameAsReference(wr.serialize(), inputs,
                                std::string(wide ? "MUL int16 " : "MUL int8 ") + dimsText(da) +
                                    " x " + dimsText(db) + " -> " + dimsText(out) + " scales " +
                                    std::to_string(s1) + " " + std::to_string(s2) + " " +
                                    std::to_string(so),
                                counts);
}

TEST(OptimizedKernels, MulMatchesReference) {
  expectRandomModels("MUL int8", 4242, 400,
                     [](Rng& rng, Counts* counts) { randomMul(rng, counts, false); });
}

TEST(OptimizedKernels, Int16MulMatchesReference) {
  expectRandomModels("MUL int16", 4243, 300,
                     [](Rng& rng, Counts* counts) { randomMul(rng, counts, true); });
}

// int8 HARD_SWISH (the table path): random input scales and zero points (extremes included),
// output scales down to the finest TFLM accepts, element counts from 1 up.
void randomHardSwish(Rng& rng, Counts* counts) {
  const int32_t n = rng.chance(0.2) ? rng.uniform(1, 3) : rng.uniform(1, 900);
  const int32_t inZp = rng.chance(0.3) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127);
  const int32_t outZp = rng.chance(0.3) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127);
  const float inScale = rng.uniformF(0.002f, 0.5f);
  const float outScale = inScale * rng.uniformF(0.01f, 4.0f);
  TfliteWriter wr;
  const int32_t in = wr.addActivation("in", host::TensorType::kInt8, {1, n},
                                      QuantParams::perTensor(inScale, inZp));
  const int32_t out = wr.addActivation("out", host::TensorType::kInt8, {1, n},
                                       QuantParams::perTensor(outScale, outZp));
  addOneOp(wr, host::BuiltinOperator::kHardSwish, {in}, out, in);
  std::vector<std::vector<int8_t>> inputs;
  for (int i = 0; i < 2; ++i) inputs.push_back(rng.bytes(size_t(n)));
  expectSequenceSameAsReference(wr.serialize(), inputs,
                                "HARD_SWISH int8 n " + std::to_string(n) + " zero points " +
                                    std::to_string(inZp) + " " + std::to_string(outZp) +
                                    " scales " + std::to_string(inScale) + " " +
                                    std::to_string(outScale),
                                counts);
}

TEST(OptimizedKernels, HardSwishMatchesReference) {
  expectRandomModels("HARD_SWISH int8", 117, 150,
                     [](Rng& rng, Counts* counts) { randomHardSwish(rng, counts); });
}

// int8 TRANSPOSE_CONV: strides 1..3, SAME/VALID and an output one larger (TFLM pads for it),
// per-channel and per-tensor filter scales, bias present or not, extreme zero points, input
// and output channel counts that leave vector tails (and cross the 32-byte GEMV step).
void randomTransposeConv(Rng& rng, Counts* counts) {
  const int32_t n = rng.chance(0.2) ? 2 : 1;
  const int32_t h = rng.uniform(1, 9), w = rng.uniform(1, 9);
  const int32_t ic = rng.chance(0.3) ? rng.uniform(1, 4) : rng.uniform(1, 70);
  const int32_t oc = rng.chance(0.3) ? rng.uniform(1, 4) : rng.uniform(1, 40);
  const int32_t fh = rng.uniform(1, 5), fw = rng.uniform(1, 5);
  const int32_t sh = rng.uniform(1, 3), sw = rng.chance(0.7) ? sh : rng.uniform(1, 3);
  const bool same = rng.chance(0.5);
  int32_t oh = same ? h * sh : (h - 1) * sh + fh, ow = same ? w * sw : (w - 1) * sw + fw;
  if (rng.chance(0.2)) ++oh;
  if (rng.chance(0.2)) ++ow;
  auto zeroPoint = [&] {
    return rng.chance(0.25) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127);
  };
  TfliteWriter wr;
  const int32_t shape = wr.addInt32Constant("output_shape", {4}, {n, oh, ow, oc});
  const int32_t filter =
      wr.addInt8Constant("filter", {oc, fh, fw, ic}, rng.bytes(size_t(oc * fh * fw * ic)),
                         filterQuant(rng, oc, 0, rng.chance(0.7)));
  const int32_t in =
      wr.addActivation("in", host::TensorType::kInt8, {n, h, w, ic},
                       QuantParams::perTensor(rng.uniformF(0.005f, 0.1f), zeroPoint()));
  const int32_t out =
      wr.addActivation("out", host::TensorType::kInt8, {n, oh, ow, oc},
                       QuantParams::perTensor(rng.uniformF(0.01f, 0.5f), zeroPoint()));
  std::vector<int32_t> inputs = {shape, filter, in};
  const bool hasBias = rng.chance(0.7);
  if (hasBias) {
    std::vector<int32_t> b(static_cast<size_t>(oc));
    for (auto& v : b) v = rng.uniform(-20000, 20000);
    inputs.push_back(wr.addInt32Constant("bias", {oc}, b));
  }
  addOneOp(
      wr, host::BuiltinOperator::kTransposeConv, inputs, out, in,
      host::TableOptions(schema::BuiltinOptionsType::kTransposeConvOptions)
          .add(schema::transpose_conv_options::kPadding, host::TableOptions::Field::Kind::kInt8,
               same ? 0 : 1)
          .add(schema::transpose_conv_options::kStrideW, host::TableOptions::Field::Kind::kInt32,
               sw)
          .add(schema::transpose_conv_options::kStrideH, host::TableOptions::Field::Kind::kInt32,
               sh)
          .add(schema::transpose_conv_options::kActivation, host::TableOptions::Field::Kind::kInt8,
               static_cast<int64_t>(randomActivation(rng))));
  std::vector<std::vector<int8_t>> runs;
  for (int i = 0; i < 2; ++i) runs.push_back(rng.bytes(size_t(n * h * w * ic)));
  expectSequenceSameAsReference(
      wr.serialize(), runs,
      "TRANSPOSE_CONV in " + dimsText({n, h, w, ic}) + " filter " + dimsText({oc, fh, fw, ic}) +
          " out " + dimsText({n, oh, ow, oc}) + " stride " + std::to_string(sh) + "x" +
          std::to_string(sw) + (same ? " SAME" : " VALID") + (hasBias ? " bias" : ""),
      counts);
}

TEST(OptimizedKernels, TransposeConvMatchesReference) {
  expectRandomModels("TRANSPOSE_CONV int8", 7011, 250,
                     [](Rng& rng, Counts* counts) { randomTransposeConv(rng, counts); });
}

// CONCATENATION: 1..5 inputs of rank 1..5 joined along any axis (negative ones too), int8
// (inputs quantized like the output), int16 and int32, pieces from 1 to over 64 bytes per
// outer step (the short-move and memcpy paths). Input 0 is the model input, the rest constants.
void randomConcat(Rng& rng, Counts* counts) {
  const int32_t rank = rng.uniform(1, 5);
  const int32_t axis = rng.uniform(0, rank - 1);
  const int kind = rng.uniform(0, 2);
  const host::TensorType type = kind == 0   ? host::TensorType::kInt8
                                : kind == 1 ? host::TensorType::kInt16
                                            : host::TensorType::kInt32;
  const size_t elementSize = kind == 0 ? 1 : kind == 1 ? 2 : 4;
  const QuantParams q = kind == 2 ? QuantParams{}
                                  : QuantParams::perTensor(rng.uniformF(0.01f, 0.5f),
                                                           kind == 0 ? rng.uniform(-128, 127) : 0);
  std::vector<int32_t> dims(static_cast<size_t>(rank));
  for (auto& d : dims) d = rng.chance(0.3) ? 1 : rng.uniform(1, 6);
  if (axis == rank - 1 && rng.chance(0.5)) dims.back() = rng.uniform(1, 40);
  const int inputs = rng.uniform(1, 5);
  TfliteWriter wr;
  std::vector<int32_t> tensors;
  std::vector<int32_t> inDims0;
  int32_t axisSum = 0;
  for (int i = 0; i < inputs; ++i) {
    std::vector<int32_t> d = dims;
    d[static_cast<size_t>(axis)] = rng.uniform(1, axis == rank - 1 ? 40 : 5);
    axisSum += d[static_cast<size_t>(axis)];
    size_t n = elementSize;
    for (int32_t v : d) n *= static_cast<size_t>(v);
    if (i == 0) {
      inDims0 = d;
      tensors.push_back(wr.addActivation("in", type, d, q));
      continue;
    }
    host::TensorSpec c;
    c.name = "k" + std::to_string(i);
    c.type = type;
    c.shape = d;
    c.quant = q;
    for (int8_t v : rng.bytes(n)) c.data.push_back(static_cast<uint8_t>(v));
    tensors.push_back(wr.addTensor(c));
  }
  std::vector<int32_t> outDims = dims;
  outDims[static_cast<size_t>(axis)] = axisSum;
  const int32_t out = wr.addActivation("out", type, outDims, q);
  const int32_t axisOption = rng.chance(0.5) ? axis : axis - rank;
  addOneOp(wr, host::BuiltinOperator::kConcatenation, tensors, out, tensors[0],
           host::TableOptions(schema::BuiltinOptionsType::kConcatenationOptions)
               .add(schema::concatenation_options::kAxis, host::TableOptions::Field::Kind::kInt32,
                    axisOption));
  size_t n0 = elementSize;
  for (int32_t v : inDims0) n0 *= static_cast<size_t>(v);
  std::vector<std::vector<int8_t>> runs;
  for (int i = 0; i < 2; ++i) runs.push_back(rng.bytes(n0));
  expectSequenceSameAsReference(wr.serialize(), runs,
                                "CONCATENATION " + std::to_string(inputs) + " inputs, first " +
                                    dimsText(inDims0) + " out " + dimsText(outDims) + " axis " +
                                    std::to_string(axisOption) + " element bytes " +
                                    std::to_string(elementSize),
                                counts);
}

TEST(OptimizedKernels, ConcatenationMatchesReference) {
  expectRandomModels("CONCATENATION", 2718, 300,
                     [](Rng& rng, Counts* counts) { randomConcat(rng, counts); });
}

// int8, int16, int32 or float32: every element size the layout kernels move.
host::TensorType randomElementType(Rng& rng) {
  const host::TensorType types[] = {host::TensorType::kInt8, host::TensorType::kInt16,
                                    host::TensorType::kInt32, host::TensorType::kFloat32};
  return types[rng.uniform(0, 3)];
}

// A constant int32 (or int64) tensor holding `values` (little-endian, as the model format).
host::TensorSpec intConstant(const std::string& name, std::vector<int32_t> shape,
                             const std::vector<int64_t>& values, bool int64) {
  host::TensorSpec t;
  t.name = name;
  t.type = int64 ? host::TensorType::kInt64 : host::TensorType::kInt32;
  t.shape = std::move(shape);
  for (int64_t v : values) {
    uint8_t bytes[8];
    std::memcpy(bytes, &v, 8);  // the int32 form is the low half
    t.data.insert(t.data.end(), bytes, bytes + (int64 ? 8 : 4));
  }
  return t;
}

// PAD and PADV2: ranks 1 to 6, every element size (int8, int16, int32, float32), pads of 0 to 3
// on a random subset of dimensions (none at all included), int32 or int64 paddings, zero
// points at the extremes as pad values, and PADV2 with and without a constant value operand.
void randomPad(Rng& rng, Counts* counts) {
  const int32_t rank = rng.uniform(1, 6);
  const host::TensorType type = randomElementType(rng);
  const size_t elementSize = schema::tensorTypeSize(type);
  const bool v2 = rng.chance(0.4);
  const bool int64Paddings = rng.chance(0.3);
  const double padChance = rng.uniformF(0.0f, 1.0f);
  std::vector<int32_t> in(static_cast<size_t>(rank)), out(static_cast<size_t>(rank));
  std::vector<int64_t> pads;
  size_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    const int32_t limit = rank > 4 ? 5 : (d == rank - 1 ? 40 : 14);
    in[size_t(d)] = rng.uniform(1, limit);
    const bool padded = rng.chance(padChance);
    const int64_t b = padded ? rng.uniform(0, 3) : 0, a = padded ? rng.uniform(0, 3) : 0;
    pads.push_back(b);
    pads.push_back(a);
    out[size_t(d)] = in[size_t(d)] + static_cast<int32_t>(b + a);
    count *= static_cast<size_t>(in[size_t(d)]);
  }
  const QuantParams q =
      type == host::TensorType::kInt8
          ? QuantParams::perTensor(
                0.05f, rng.chance(0.3) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127))
      : type == host::TensorType::kInt16 ? QuantParams::perTensor(0.01f, rng.uniform(-300, 300))
                                         : QuantParams{};
  TfliteWriter wr;
  const int32_t input = wr.addActivation("in", type, in, q);
  std::vector<int32_t> inputs = {
      input, wr.addTensor(intConstant("paddings", {rank, 2}, pads, int64Paddings))};
  const bool withValue = v2 && rng.chance(0.6);
  if (withValue) {
    host::TensorSpec value;
    value.name = "value";
    value.type = type;
    value.shape = {1};
    value.quant = q;
    for (int8_t v : rng.bytes(elementSize)) value.data.push_back(static_cast<uint8_t>(v));
    inputs.push_back(wr.addTensor(value));
  }
  const int32_t output = wr.addActivation("out", type, out, q);
  addOneOp(wr, v2 ? host::BuiltinOperator::kPadv2 : host::BuiltinOperator::kPad, inputs, output,
           input,
           host::TableOptions(v2 ? schema::BuiltinOptionsType::kPadV2Options
                                 : schema::BuiltinOptionsType::kPadOptions));
  std::vector<std::vector<int8_t>> runs;
  for (int i = 0; i < 2; ++i) runs.push_back(rng.bytes(count * elementSize));
  std::string padText;
  for (int64_t v : pads) padText += std::to_string(v) + ",";
  expectSequenceSameAsReference(wr.serialize(), runs,
                                std::string(v2 ? "PADV2" : "PAD") + (withValue ? " valued " : " ") +
                                    dimsText(in) + " pads [" + padText + "] element bytes " +
                                    std::to_string(elementSize),
                                counts);
}

TEST(OptimizedKernels, AddAtScaleAndTailEdgesMatchesReference) {
  expectRandomModels("ADD scales/tails", 2024, 400,
                     [](Rng& rng, Counts* counts) { randomAddScales(rng, counts); });
}

TEST(OptimizedKernels, PadMatchesReference) {
  expectRandomModels("PAD", 6061, 400, [](Rng& rng, Counts* counts) { randomPad(rng, counts); });
}

// MEAN and SUM: int8 and int16 (float32: the reference path), ranks 1 to 5, random sets of
// reduced axes (negative and repeated ones included, the spatial axes of NHWC most often),
// keep_dims on and off, zero points at the extremes and scale ratios from 1/50 to 50.
void randomReduce(Rng& rng, Counts* counts) {
  const int32_t rank = rng.uniform(1, 5);
  const int kind = rng.uniform(0, 9);
  const host::TensorType type = kind < 6   ? host::TensorType::kInt8
                                : kind < 9 ? host::TensorType::kInt16
                                           : host::TensorType::kFloat32;
  const size_t elementSize = schema::tensorTypeSize(type);
  const bool sum = rng.chance(0.3);
  const bool keepDims = rng.chance(0.5);
  std::vector<int32_t> in(static_cast<size_t>(rank));
  size_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    in[size_t(d)] = rng.chance(0.2) ? 1 : rng.uniform(1, d == rank - 1 ? 70 : 9);
    count *= static_cast<size_t>(in[size_t(d)]);
  }
  std::vector<int32_t> axes;
  if (rank == 4 && rng.chance(0.4)) {
    axes = {1, 2};
  } else {
    for (int32_t d = 0; d < rank; ++d) {
      if (rng.chance(0.5)) axes.push_back(rng.chance(0.3) ? d - rank : d);
    }
    if (axes.empty()) axes.push_back(rng.uniform(0, rank - 1));
    if (rng.chance(0.2)) axes.push_back(axes[0]);
  }
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int32_t a : axes) reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
  std::vector<int32_t> out;
  for (int32_t d = 0; d < rank; ++d) {
    if (!reduced[size_t(d)])
      out.push_back(in[size_t(d)]);
    else if (keepDims)
      out.push_back(1);
  }
  auto zeroPoint = [&]() -> int64_t {
    if (type == host::TensorType::kInt16) return 0;
    return rng.chance(0.3) ? (rng.chance(0.5) ? -128 : 127) : rng.uniform(-128, 127);
  };
  const float inScale = rng.uniformF(0.01f, 0.5f);
  const float outScale = inScale * std::pow(50.0f, rng.uniformF(-1.0f, 1.0f));
  const bool quantized = type != host::TensorType::kFloat32;
  TfliteWriter wr;
  const int32_t input = wr.addActivation(
      "in", type, in, quantized ? QuantParams::perTensor(inScale, zeroPoint()) : QuantParams{});
  const int32_t axis =
      wr.addTensor(intConstant("axis", {static_cast<int32_t>(axes.size())},
                               std::vector<int64_t>(axes.begin(), axes.end()), false));
  const int32_t output = wr.addActivation(
      "out", type, out, quantized ? QuantParams::perTensor(outScale, zeroPoint()) : QuantParams{});
  addOneOp(wr, sum ? host::BuiltinOperator::kSum : host::BuiltinOperator::kMean, {input, axis},
           output, input,
           host::TableOptions(schema::BuiltinOptionsType::kReducerOptions)
               .add(schema::reducer_options::kKeepDims, host::TableOptions::Field::Kind::kBool,
                    keepDims ? 1 : 0));
  std::vector<std::vector<int8_t>> runs;
  for (int i = 0; i < 2; ++i) {
    std::vector<int8_t> bytes = rng.bytes(count * elementSize);
    if (!quantized) {  // finite floats
      for (size_t k = 0; k < count; ++k) {
        const float v = rng.uniformF(-4.0f, 4.0f);
        std::memcpy(bytes.data() + 4 * k, &v, 4);
      }
    }
    runs.push_back(bytes);
  }
  std::string axesText;
  for (int32_t a : axes) axesText += std::to_string(a) + ",";
  expectSequenceSameAsReference(wr.serialize(), runs,
                                std::string(sum ? "SUM " : "MEAN ") + dimsText(in) + " axes [" +
                                    axesText + "] element bytes " + std::to_string(elementSize),
                                counts);
}

TEST(OptimizedKernels, MeanAndSumMatchReference) {
  expectRandomModels("MEAN/SUM", 1618, 400,
                     [](Rng& rng, Counts* counts) { randomReduce(rng, counts); });
}

// TRANSPOSE: ranks 1 to 6, random permutations (negative axes and int64 perms included, the
// NCHW -> NHWC one most often, half of those with 3 channels), dimensions of one, innermost
// lengths of 1 to 40 (the unrolled narrow columns, the 3-byte shuffles and the tiled path),
// every element size.
void randomTranspose(Rng& rng, Counts* counts) {
  const int32_t rank = rng.uniform(1, 6);
  const host::TensorType type = randomElementType(rng);
  const size_t elementSize = schema::tensorTypeSize(type);
  std::vector<int32_t> perm(static_cast<size_t>(rank));
  for (int32_t i = 0; i < rank; ++i) perm[size_t(i)] = i;
  if (rank == 4 && rng.chance(0.4)) {
    perm = {0, 2, 3, 1};
  } else {
    std::shuffle(perm.begin(), perm.end(), rng.gen);
  }
  std::vector<int32_t> in(static_cast<size_t>(rank)), out(static_cast<size_t>(rank));
  size_t count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    in[size_t(d)] =
        rng.chance(0.25) ? 1 : rng.uniform(1, rank > 4 ? 5 : (rng.chance(0.3) ? 40 : 12));
    count *= static_cast<size_t>(in[size_t(d)]);
  }
  if (perm == std::vector<int32_t>{0, 2, 3, 1} && rng.chance(0.5)) {  // an RGB image: 3 bytes
    count = count / static_cast<size_t>(in[1]) * 3;
    in[1] = 3;
  }
  for (int32_t i = 0; i < rank; ++i) out[size_t(i)] = in[size_t(perm[size_t(i)])];
  const QuantParams q = type == host::TensorType::kInt8    ? QuantParams::perTensor(0.05f, -9)
                        : type == host::TensorType::kInt16 ? QuantParams::perTensor(0.01f, 0)
                                                           : QuantParams{};
  TfliteWriter wr;
  const int32_t input = wr.addActivation("in", type, in, q);
  const bool int64Perm = rng.chance(0.3);
  std::vector<int64_t> permValues;
  for (int32_t a : perm) permValues.push_back(rng.chance(0.2) ? a - rank : a);
  const int32_t permIndex = wr.addTensor(intConstant("perm", {rank}, permValues, int64Perm));
  const int32_t output = wr.addActivation("out", type, out, q);
  addOneOp(wr, host::BuiltinOperator::kTranspose, {input, permIndex}, output, input,
           host::TableOptions(schema::BuiltinOptionsType::kTransposeOptions));
  std::vector<std::vector<int8_t>> runs;
  for (int i = 0; i < 2; ++i) runs.push_back(rng.bytes(count * elementSize));
  expectSequenceSameAsReference(wr.serialize(), runs,
                                "TRANSPOSE " + dimsText(in) + " perm " + dimsText(perm) +
                                    " element bytes " + std::to_string(elementSize),
                                counts);
}

TEST(OptimizedKernels, TransposeMatchesReference) {
  expectRandomModels("TRANSPOSE", 5150, 400,
                     [](Rng& rng, Counts* counts) { randomTranspose(rng, counts); });
}

// Every core/extended/large model's golden cases on every instruction set: the outputs must
// equal TFLM's (the golden test covers every tensor on the best instruction set).
TEST(OptimizedKernels, GoldenOutputsOnEveryInstructionSet) {
  const std::string shared = TINYSCOPE_SHARED_DIR;
  std::vector<uint8_t> jsonBytes;
  if (!host::readBinaryFile(shared + "/golden/models.json", &jsonBytes, nullptr))
    GTEST_SKIP() << "no ../shared";
  host::JsonValue models;
  ASSERT_TRUE(host::parseJson(std::string(jsonBytes.begin(), jsonBytes.end()), &models, nullptr));
  int checked = 0;
  for (const auto& [name, entry] : models.object) {
    const std::string tier = entry.stringOr("tier", "");
    if (tier != "core" && tier != "extended" && tier != "large") continue;
    std::vector<uint8_t> model;
    ASSERT_TRUE(host::readBinaryFile(shared + "/models/" + name + ".tflite", &model, nullptr));
    const host::JsonValue* cases = entry.find("golden_cases");
    ASSERT_NE(cases, nullptr);
    for (const host::JsonValue& c : cases->array) {
      const std::string dir = shared + "/golden/" + name + "/" + c.string;
      std::vector<uint8_t> input, expected;
      ASSERT_TRUE(host::readBinaryFile(dir + "/input.bin", &input, nullptr));
      ASSERT_TRUE(host::readBinaryFile(dir + "/output.bin", &expected, nullptr));
      for (Isa isa : supportedIsas()) {
        AllOpsResolver resolver;
        ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
        ASSERT_EQ(addOptimizedOps(resolver, isa), Status::kOk);
        for (bool useCache : {false, true}) {
          std::string error;
          host::HostCache cache;
          const std::vector<uint8_t> got =
              runOnce(model, resolver, std::vector<int8_t>(input.begin(), input.end()), &error,
                      useCache ? &cache : nullptr);
          ASSERT_EQ(got, expected) << name << "/" << c.string << " [" << isaName(isa)
                                   << (useCache ? ", host cache" : "") << "] " << error;
          ++checked;
        }
      }
    }
  }
  std::printf("golden outputs: %d model x case x instruction-set runs identical to TFLM\n",
              checked);
}

// The vector requantization against quant::multiplyByQuantizedMultiplier on accumulators over
// the whole int32 range (and its edges), every shift TFLite can produce, random multipliers.
TEST(OptimizedKernels, RequantizationIsBitExact) {
  constexpr int32_t kN = 72;  // 16-lane blocks and an 8-lane one
  Rng rng(5);
  const int32_t edges[] = {quant::kInt32Min,
                           quant::kInt32Min + 1,
                           -1,
                           0,
                           1,
                           quant::kInt32Max - 1,
                           quant::kInt32Max,
                           1 << 30,
                           -(1 << 30),
                           12345,
                           -12345};
  long long checked = 0;
  for (Isa isa : supportedIsas()) {
    const SimdKernels* k = simdKernels(static_cast<uint8_t>(isa));
    if (k == nullptr) continue;
    std::vector<int32_t> acc(kN), ob(kN), mult(kN), left(kN), right(kN), mask(kN), out(kN);
    for (int iter = 0; iter < 40000; ++iter) {
      const int32_t outOffset = rng.uniform(-128, 127);
      const int32_t actMin = rng.chance(0.5) ? quant::kInt32Min : rng.uniform(-128, 0);
      const int32_t actMax = rng.chance(0.5) ? quant::kInt32Max : rng.uniform(0, 127);
      std::vector<int32_t> shifts(kN);
      for (int32_t c = 0; c < kN; ++c) {
        acc[c] = rng.chance(0.1) ? edges[rng.uniform(0, 10)] : static_cast<int32_t>(rng.gen());
        if (rng.chance(0.5)) acc[c] >>= rng.uniform(0, 24);
        ob[c] = rng.chance(0.5) ? 0 : static_cast<int32_t>(rng.gen()) >> rng.uniform(0, 31);
        mult[c] = rng.chance(0.02) ? 0
                                   : (rng.chance(0.05) ? quant::kInt32Max
                                                       : rng.uniform(1 << 30, quant::kInt32Max));
        shifts[c] = rng.uniform(-31, 30);
        left[c] = shifts[c] > 0 ? shifts[c] : 0;
        right[c] = shifts[c] > 0 ? 0 : -shifts[c];
        mask[c] = static_cast<int32_t>((int64_t{1} << right[c]) - 1);
      }
      RequantParams rq;
      rq.offsetBias = ob.data();
      rq.multiplier = mult.data();
      rq.leftShift = left.data();
      rq.rightShift = right.data();
      rq.roundMask = mask.data();
      rq.outputOffset = outOffset;
      rq.actMin = actMin;
      rq.actMax = actMax;
      k->requant(acc.data(), kN, rq, out.data());
      for (int32_t c = 0; c < kN; ++c) {
        int32_t e = quant::multiplyByQuantizedMultiplier(quant::wrappingAdd(acc[c], ob[c]), mult[c],
                                                         shifts[c]);
        e = quant::wrappingAdd(e, outOffset);
        e = e < actMin ? actMin : (e > actMax ? actMax : e);
        ASSERT_EQ(out[c], e) << isaName(isa) << " acc " << acc[c] << " + " << ob[c] << " mult "
                             << mult[c] << " shift " << shifts[c];
        ++checked;
      }
    }
  }
  std::printf("requantization: %lld values identical\n", checked);
}

}  // namespace
}  // namespace tinyscope::runner::optimized
