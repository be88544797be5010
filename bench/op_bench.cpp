// Per-operator time of the optimized x86 kernels against the reference kernels, on one-op int8
// models (int16 MUL too) shaped like the layers of small vision and audio models (MUL as a
// squeeze-excite channel scale and same-shape, HARD_SWISH, a channel CONCATENATION, TRANSPOSE_CONV
// upsampling, a residual ADD, mobilenet_v2's PADs, its MEAN over H and W and its NCHW -> NHWC
// input TRANSPOSE). Prints a Markdown
// table (µs per invoke, the median of batches of ~S seconds; the reference, then each instruction
// set this CPU has, all with a host cache). Checks nothing: the optimized kernel tests do.
//
//   op_bench [--min-seconds S] [--only TEXT]   (TEXT: run only the rows whose name has it)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "model_runner/host/host_cache.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/optimized/optimized_ops.h"

namespace rh = tinyscope::runner::host;
using namespace tinyscope::runner;

namespace {

struct OpModel {
  std::string name;
  std::vector<uint8_t> bytes;
};

std::vector<int8_t> randomBytes(std::mt19937& gen, size_t n) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& b : v) b = static_cast<int8_t>(d(gen));
  return v;
}

// int8 (zero points 3, -128, -5) or int16 (zero points 0) MUL of an input `a` by a constant `b`.
OpModel mulModel(std::mt19937& gen, std::vector<int32_t> a, std::vector<int32_t> b, bool wide,
                 const std::string& name) {
  rh::TfliteWriter wr;
  const rh::TensorType type = wide ? rh::TensorType::kInt16 : rh::TensorType::kInt8;
  size_t nb = wide ? 2 : 1;
  for (int32_t d : b) nb *= static_cast<size_t>(d);
  const int32_t in =
      wr.addActivation("in", type, a, rh::QuantParams::perTensor(0.05f, wide ? 0 : 3));
  rh::TensorSpec k;
  k.name = "k";
  k.type = type;
  k.shape = b;
  k.quant = rh::QuantParams::perTensor(0.01f, wide ? 0 : -128);
  for (int8_t v : randomBytes(gen, nb)) k.data.push_back(static_cast<uint8_t>(v));
  const int32_t kIndex = wr.addTensor(k);
  const int32_t out =
      wr.addActivation("out", type, a, rh::QuantParams::perTensor(0.04f, wide ? 0 : -5));
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kMul;
  spec.inputs = {in, kIndex};
  spec.outputs = {out};
  spec.options = rh::TableOptions(schema::BuiltinOptionsType::kMulOptions);
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {name, wr.serialize()};
}

OpModel hardSwishModel(std::vector<int32_t> shape) {
  rh::TfliteWriter wr;
  const int32_t in =
      wr.addActivation("in", rh::TensorType::kInt8, shape, rh::QuantParams::perTensor(0.05f, 7));
  const int32_t out = wr.addActivation("out", rh::TensorType::kInt8, shape,
                                       rh::QuantParams::perTensor(0.03f, -100));
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kHardSwish;
  spec.inputs = {in};
  spec.outputs = {out};
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {"HARD_SWISH int8 [1,20,20,64]", wr.serialize()};
}

// Stride 2, SAME: [1,h,w,ic] -> [1,2h,2w,oc], 3x3 filter, per-channel scales, bias.
OpModel transposeConvModel(std::mt19937& gen, int32_t h, int32_t w, int32_t ic, int32_t oc) {
  rh::TfliteWriter wr;
  const int32_t shape = wr.addInt32Constant("output_shape", {4}, {1, 2 * h, 2 * w, oc});
  std::vector<float> scales(static_cast<size_t>(oc), 0.004f);
  const int32_t filter =
      wr.addInt8Constant("filter", {oc, 3, 3, ic}, randomBytes(gen, size_t(oc * 9 * ic)),
                         rh::QuantParams::perChannel(scales, 0));
  const int32_t in = wr.addActivation("in", rh::TensorType::kInt8, {1, h, w, ic},
                                      rh::QuantParams::perTensor(0.05f, -3));
  const int32_t out = wr.addActivation("out", rh::TensorType::kInt8, {1, 2 * h, 2 * w, oc},
                                       rh::QuantParams::perTensor(0.2f, 10));
  const int32_t bias = wr.addInt32Constant("bias", {oc}, std::vector<int32_t>(size_t(oc), 100));
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kTransposeConv;
  spec.inputs = {shape, filter, in, bias};
  spec.outputs = {out};
  spec.options =
      rh::TableOptions(schema::BuiltinOptionsType::kTransposeConvOptions)
          .add(schema::transpose_conv_options::kPadding, rh::TableOptions::Field::Kind::kInt8, 0)
          .add(schema::transpose_conv_options::kStrideW, rh::TableOptions::Field::Kind::kInt32, 2)
          .add(schema::transpose_conv_options::kStrideH, rh::TableOptions::Field::Kind::kInt32, 2);
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {"TRANSPOSE_CONV int8 [1," + std::to_string(h) + "," + std::to_string(w) + "," +
              std::to_string(ic) + "] → [1," + std::to_string(2 * h) + "," + std::to_string(2 * w) +
              "," + std::to_string(oc) + "], 3×3 s2",
          wr.serialize()};
}

// CONCATENATION along the channels of two int8 [1,h,w,c] tensors (one the input, one constant).
OpModel concatModel(std::mt19937& gen, int32_t h, int32_t w, int32_t c1, int32_t c2) {
  rh::TfliteWriter wr;
  const rh::QuantParams q = rh::QuantParams::perTensor(0.05f, 4);
  const int32_t in = wr.addActivation("in", rh::TensorType::kInt8, {1, h, w, c1}, q);
  const int32_t k = wr.addInt8Constant("k", {1, h, w, c2}, randomBytes(gen, size_t(h * w * c2)), q);
  const int32_t out = wr.addActivation("out", rh::TensorType::kInt8, {1, h, w, c1 + c2}, q);
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kConcatenation;
  spec.inputs = {in, k};
  spec.outputs = {out};
  spec.options =
      rh::TableOptions(schema::BuiltinOptionsType::kConcatenationOptions)
          .add(schema::concatenation_options::kAxis, rh::TableOptions::Field::Kind::kInt32, 3);
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {"CONCATENATION int8 [1," + std::to_string(h) + "," + std::to_string(w) + "," +
              std::to_string(c1) + "] + [.., " + std::to_string(c2) + "] along channels",
          wr.serialize()};
}

// Same-shape int8 ADD of an input and a constant (a residual connection).
OpModel addModel(std::mt19937& gen, std::vector<int32_t> shape) {
  rh::TfliteWriter wr;
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  const int32_t a =
      wr.addActivation("a", rh::TensorType::kInt8, shape, rh::QuantParams::perTensor(0.05f, -3));
  const int32_t b =
      wr.addInt8Constant("b", shape, randomBytes(gen, n), rh::QuantParams::perTensor(0.03f, 7));
  const int32_t out =
      wr.addActivation("out", rh::TensorType::kInt8, shape, rh::QuantParams::perTensor(0.07f, -1));
  wr.addAdd(a, b, out, rh::AddOptions());
  wr.setInputs({a});
  wr.setOutputs({out});
  std::string dims;
  for (int32_t d : shape) dims += (dims.empty() ? "" : ",") + std::to_string(d);
  return {"ADD int8 [" + dims + "] + same shape", wr.serialize()};
}

// A constant int32 tensor holding `values`.
rh::TensorSpec int32Constant(const std::string& name, std::vector<int32_t> values) {
  rh::TensorSpec t;
  t.name = name;
  t.type = rh::TensorType::kInt32;
  t.shape = {static_cast<int32_t>(values.size())};
  for (int32_t v : values) {
    uint8_t bytes[4];
    std::memcpy(bytes, &v, 4);
    t.data.insert(t.data.end(), bytes, bytes + 4);
  }
  return t;
}

// int8 PAD of [1,h,w,c] by (top, bottom) rows and (left, right) columns (zero point 5).
OpModel padModel(int32_t h, int32_t w, int32_t c, int32_t top, int32_t bottom, int32_t left,
                 int32_t right) {
  rh::TfliteWriter wr;
  const rh::QuantParams q = rh::QuantParams::perTensor(0.05f, 5);
  const int32_t in = wr.addActivation("in", rh::TensorType::kInt8, {1, h, w, c}, q);
  rh::TensorSpec paddings = int32Constant("paddings", {0, 0, top, bottom, left, right, 0, 0});
  paddings.shape = {4, 2};
  const int32_t p = wr.addTensor(paddings);
  const int32_t out =
      wr.addActivation("out", rh::TensorType::kInt8, {1, h + top + bottom, w + left + right, c}, q);
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kPad;
  spec.inputs = {in, p};
  spec.outputs = {out};
  spec.options = rh::TableOptions(schema::BuiltinOptionsType::kPadOptions);
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {"PAD int8 [1," + std::to_string(h) + "," + std::to_string(w) + "," + std::to_string(c) +
              "] → [1," + std::to_string(h + top + bottom) + "," +
              std::to_string(w + left + right) + "," + std::to_string(c) + "]",
          wr.serialize()};
}

// int8 MEAN of [1,h,w,c] over H and W (global average pooling), keep_dims off.
OpModel meanModel(int32_t h, int32_t w, int32_t c) {
  rh::TfliteWriter wr;
  const int32_t in = wr.addActivation("in", rh::TensorType::kInt8, {1, h, w, c},
                                      rh::QuantParams::perTensor(0.05f, -7));
  const int32_t a = wr.addTensor(int32Constant("axes", {1, 2}));
  const int32_t out =
      wr.addActivation("out", rh::TensorType::kInt8, {1, c}, rh::QuantParams::perTensor(0.02f, 3));
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kMean;
  spec.inputs = {in, a};
  spec.outputs = {out};
  spec.options = rh::TableOptions(schema::BuiltinOptionsType::kReducerOptions);
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {"MEAN int8 [1," + std::to_string(h) + "," + std::to_string(w) + "," + std::to_string(c) +
              "] over H, W",
          wr.serialize()};
}

// int8 TRANSPOSE of an NCHW image [1,c,h,w] to NHWC.
OpModel transposeModel(int32_t c, int32_t h, int32_t w) {
  rh::TfliteWriter wr;
  const rh::QuantParams q = rh::QuantParams::perTensor(0.02f, -14);
  const int32_t in = wr.addActivation("in", rh::TensorType::kInt8, {1, c, h, w}, q);
  const int32_t perm = wr.addTensor(int32Constant("perm", {0, 2, 3, 1}));
  const int32_t out = wr.addActivation("out", rh::TensorType::kInt8, {1, h, w, c}, q);
  rh::OperatorSpec spec;
  spec.op = rh::BuiltinOperator::kTranspose;
  spec.inputs = {in, perm};
  spec.outputs = {out};
  spec.options = rh::TableOptions(schema::BuiltinOptionsType::kTransposeOptions);
  wr.addOperator(spec);
  wr.setInputs({in});
  wr.setOutputs({out});
  return {"TRANSPOSE int8 [1," + std::to_string(c) + "," + std::to_string(h) + "," +
              std::to_string(w) + "] → NHWC",
          wr.serialize()};
}

// Median µs per invoke over batches of ~minSeconds; -1 when the model does not allocate.
double timeModel(const OpModel& m, bool optimized, optimized::Isa isa, double minSeconds) {
  AllOpsResolver resolver;
  if (kernels::addAllOps(resolver) != Status::kOk) return -1;
  if (optimized && optimized::addOptimizedOps(resolver, isa) != Status::kOk) return -1;
  std::vector<uint8_t> arena(size_t{16} << 20);
  Interpreter interp(m.bytes.data(), m.bytes.size(), resolver, arena.data(), arena.size());
  rh::HostCache cache;
  interp.setHostCache(rh::HostCache::allocate, &cache);
  if (interp.allocate() != Status::kOk) return -1;
  std::mt19937 gen(1);
  const std::vector<int8_t> input = randomBytes(gen, interp.input(0).bytes);
  std::memcpy(interp.input(0).data, input.data(), input.size());
  using Clock = std::chrono::steady_clock;
  interp.invoke();  // warm-up (tables are built on the first invoke)
  int n = 1;
  for (;;) {
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) interp.invoke();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s >= minSeconds / 5 || n > (1 << 24)) break;
    n *= 2;
  }
  std::vector<double> batches;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) interp.invoke();
    batches.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / n);
  }
  std::sort(batches.begin(), batches.end());
  return batches[batches.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  double minSeconds = 0.5;
  const char* only = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--min-seconds") == 0 && i + 1 < argc) {
      minSeconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::printf("usage: op_bench [--min-seconds S] [--only TEXT]\n");
      return std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  std::mt19937 gen(42);
  const std::vector<OpModel> models = {
      mulModel(gen, {1, 20, 20, 64}, {1, 1, 1, 64}, false, "MUL int8 [1,20,20,64] × [1,1,1,64]"),
      mulModel(gen, {1, 20, 20, 64}, {1, 20, 20, 64}, false, "MUL int8 [1,20,20,64] × same shape"),
      mulModel(gen, {1, 49, 40}, {1, 1, 40}, true, "MUL int16 [1,49,40] × [1,1,40]"),
      hardSwishModel({1, 20, 20, 64}),
      concatModel(gen, 20, 20, 32, 16),
      concatModel(gen, 40, 40, 8, 8),
      transposeConvModel(gen, 8, 8, 32, 16),
      transposeConvModel(gen, 16, 16, 16, 8),
      addModel(gen, {1, 56, 56, 24}),
      addModel(gen, {1, 7, 7, 160}),
      padModel(224, 224, 3, 0, 1, 0, 1),
      padModel(112, 112, 96, 0, 1, 0, 1),
      padModel(28, 28, 144, 1, 1, 1, 1),
      meanModel(7, 7, 1280),
      transposeModel(3, 224, 224),
  };
  std::vector<optimized::Isa> isas;
  for (optimized::Isa isa :
       {optimized::Isa::kAvx2, optimized::Isa::kAvxVnni, optimized::Isa::kAvx512Vnni}) {
    if (optimized::isaSupported(isa)) isas.push_back(isa);
  }
  std::printf("| operator | reference µs |");
  for (optimized::Isa isa : isas) std::printf(" %s µs |", optimized::isaName(isa));
  std::printf(" best speed-up |\n| --- | --- |");
  for (size_t i = 0; i < isas.size(); ++i) std::printf(" --- |");
  std::printf(" --- |\n");
  for (const OpModel& m : models) {
    if (only != nullptr && m.name.find(only) == std::string::npos) continue;
    const double ref = timeModel(m, false, optimized::Isa::kReference, minSeconds);
    std::printf("| %s | %.2f |", m.name.c_str(), ref);
    double best = ref;
    for (optimized::Isa isa : isas) {
      const double t = timeModel(m, true, isa, minSeconds);
      std::printf(" %.2f |", t);
      if (t > 0 && t < best) best = t;
    }
    std::printf(" %.1f× |\n", best > 0 ? ref / best : 0.0);
    std::fflush(stdout);
  }
  return 0;
}
