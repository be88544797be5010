// Edge cases of the extended- and large-tier kernels: PAD paddings, TRANSPOSE permutations,
// MEAN axes and keep_dims, QUANTIZE paths, LOGISTIC and the int16 LUT activations, and the
// LSTM/SVDF state carried across invokes and cleared by resetState().
//
// Small models are built with the .tflite writer and run through the interpreter, so prepare()
// (shape/axis checks) is exercised as well as the math.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "model_runner/host/host_runner.h"
#include "model_runner/host/tensor_dump.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/kernels/logistic.h"
#include "model_runner/kernels/lut_activations.h"
#include "model_runner/kernels/mean.h"
#include "model_runner/kernels/pad.h"
#include "model_runner/kernels/transpose.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

using host::QuantParams;
using host::TensorType;

const OpResolver& allOps() {
  static AllOpsResolver resolver;
  static const bool ready = kernels::addAllOps(resolver) == Status::kOk;
  EXPECT_TRUE(ready);
  return resolver;
}

// A model, its interpreter and arena, kept together (the interpreter reads the model in place).
class SingleOpModel {
 public:
  explicit SingleOpModel(const host::TfliteWriter& writer)
      : m_bytes(writer.serialize()),
        m_arena(256 * 1024),
        m_interp(m_bytes.data(), m_bytes.size(), allOps(), m_arena.data(), m_arena.size()) {}

  Status allocate() { return m_interp.allocate(); }
  Interpreter& interp() { return m_interp; }

  template <typename In, typename Out>
  std::vector<Out> run(const std::vector<In>& input) {
    const TensorView in = m_interp.input(0);
    EXPECT_EQ(in.bytes, input.size() * sizeof(In));
    std::memcpy(in.data, input.data(), in.bytes);
    EXPECT_EQ(m_interp.invoke(), Status::kOk);
    const TensorView out = m_interp.output(0);
    std::vector<Out> result(out.bytes / sizeof(Out));
    std::memcpy(result.data(), out.data, out.bytes);
    return result;
  }

 private:
  std::vector<uint8_t> m_bytes;
  std::vector<uint8_t> m_arena;
  Interpreter m_interp;
};

size_t product(const std::vector<int32_t>& dims) {
  size_t n = 1;
  for (int32_t d : dims) n *= static_cast<size_t>(d);
  return n;
}

std::vector<int8_t> iota8(size_t n, int start = -60) {
  std::vector<int8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int8_t>(start + static_cast<int>(i % 120));
  return v;
}

// Row-major index of `idx` in `dims`.
size_t offsetOf(const std::vector<int32_t>& dims, const std::vector<int32_t>& idx) {
  size_t o = 0;
  for (size_t d = 0; d < dims.size(); ++d)
    o = o * static_cast<size_t>(dims[d]) + static_cast<size_t>(idx[d]);
  return o;
}

bool nextIndex(const std::vector<int32_t>& dims, std::vector<int32_t>* idx) {
  for (size_t d = dims.size(); d-- > 0;) {
    if (++(*idx)[d] < dims[d]) return true;
    (*idx)[d] = 0;
  }
  return false;
}

// ---- PAD ------------------------------------------------------------------------------------

struct PadCase {
  std::vector<int32_t> inDims;
  std::vector<int32_t> paddings;  // [before, after] per dimension
};

TEST(PadKernel, PaddingsPerDimensionFillWithOutputZeroPoint) {
  const PadCase cases[] = {
      {{5}, {2, 1}},
      {{3, 4}, {0, 0, 0, 0}},
      {{3, 4}, {1, 0, 0, 3}},
      {{1, 2, 3, 2}, {0, 0, 1, 2, 0, 1, 2, 0}},
      {{1, 4, 4, 3}, {0, 0, 1, 1, 1, 1, 0, 0}},  // MobileNetV2's spatial padding
      {{2, 1, 2, 1, 2}, {1, 1, 0, 2, 1, 0, 0, 1, 2, 2}},
  };
  const int32_t zp = -3;
  for (const PadCase& c : cases) {
    const size_t rank = c.inDims.size();
    std::vector<int32_t> outDims(rank);
    for (size_t d = 0; d < rank; ++d)
      outDims[d] = c.paddings[2 * d] + c.inDims[d] + c.paddings[2 * d + 1];
    host::TfliteWriter w;
    const int32_t in =
        w.addActivation("in", TensorType::kInt8, c.inDims, QuantParams::perTensor(0.5f, zp));
    const int32_t pads =
        w.addInt32Constant("paddings", {static_cast<int32_t>(rank), 2}, c.paddings);
    const int32_t out =
        w.addActivation("out", TensorType::kInt8, outDims, QuantParams::perTensor(0.5f, zp));
    w.addOperator({host::BuiltinOperator::kPad, 1, {in, pads}, {out}, {}});
    w.setInputs({in});
    w.setOutputs({out});
    SingleOpModel m(w);
    ASSERT_EQ(m.allocate(), Status::kOk);
    const std::vector<int8_t> input = iota8(product(c.inDims));
    const std::vector<int8_t> got = m.run<int8_t, int8_t>(input);
    ASSERT_EQ(got.size(), product(outDims));
    std::vector<int32_t> idx(rank, 0);
    do {
      bool inside = true;
      std::vector<int32_t> src(rank);
      for (size_t d = 0; d < rank; ++d) {
        src[d] = idx[d] - c.paddings[2 * d];
        inside = inside && src[d] >= 0 && src[d] < c.inDims[d];
      }
      const int8_t expected = inside ? input[offsetOf(c.inDims, src)] : static_cast<int8_t>(zp);
      ASSERT_EQ(got[offsetOf(outDims, idx)], expected)
          << "rank " << rank << " at offset " << offsetOf(outDims, idx);
    } while (nextIndex(outDims, &idx));
  }
}

TEST(PadKernel, WiderTypesAndBadPaddings) {
  // int16 through the template: pads with the given value.
  kernels::PadParams p;
  p.rank = 2;
  p.inDims[0] = 2;
  p.inDims[1] = 2;
  p.before[0] = 1;
  p.after[1] = 1;
  const int16_t input[] = {1000, -2000, 3000, -4000};
  int16_t output[9] = {};
  kernels::reference::pad<int16_t>(p, 7, input, output);
  const int16_t expected[] = {7, 7, 7, 1000, -2000, 7, 3000, -4000, 7};
  for (int i = 0; i < 9; ++i) EXPECT_EQ(output[i], expected[i]) << i;

  // Paddings that do not produce the output shape, or negative ones, fail in prepare.
  for (const std::vector<int32_t>& pads :
       {std::vector<int32_t>{1, 1, 0, 0}, std::vector<int32_t>{-1, 3, 0, 0}}) {
    host::TfliteWriter w;
    const int32_t in =
        w.addActivation("in", TensorType::kInt8, {2, 2}, QuantParams::perTensor(1.0f, 0));
    const int32_t padsT = w.addInt32Constant("paddings", {2, 2}, pads);
    const int32_t out =
        w.addActivation("out", TensorType::kInt8, {3, 2}, QuantParams::perTensor(1.0f, 0));
    w.addOperator({host::BuiltinOperator::kPad, 1, {in, padsT}, {out}, {}});
    w.setInputs({in});
    w.setOutputs({out});
    SingleOpModel m(w);
    EXPECT_EQ(m.allocate(), Status::kShapeMismatch);
    EXPECT_STREQ(m.interp().error().opName, "PAD");
  }
}

// ---- TRANSPOSE ------------------------------------------------------------------------------

TEST(TransposeKernel, PermutationsMatchIndexMapping) {
  const std::vector<int32_t> inDims = {2, 3, 4, 5};
  const std::vector<std::vector<int32_t>> perms = {{0, 1, 2, 3},  {0, 2, 3, 1}, {0, 3, 1, 2},
                                                   {3, 2, 1, 0},  {1, 0, 3, 2}, {2, 0, 3, 1},
                                                   {0, -2, -1, 1}};
  for (const std::vector<int32_t>& perm : perms) {
    std::vector<int32_t> outDims(4);
    std::vector<int32_t> axes(4);
    for (size_t i = 0; i < 4; ++i) {
      axes[i] = perm[i] < 0 ? perm[i] + 4 : perm[i];
      outDims[i] = inDims[static_cast<size_t>(axes[i])];
    }
    host::TfliteWriter w;
    const int32_t in =
        w.addActivation("in", TensorType::kInt8, inDims, QuantParams::perTensor(0.1f, 4));
    const int32_t permT = w.addInt32Constant("perm", {4}, perm);
    const int32_t out =
        w.addActivation("out", TensorType::kInt8, outDims, QuantParams::perTensor(0.1f, 4));
    w.addOperator({host::BuiltinOperator::kTranspose, 1, {in, permT}, {out}, {}});
    w.setInputs({in});
    w.setOutputs({out});
    SingleOpModel m(w);
    ASSERT_EQ(m.allocate(), Status::kOk);
    const std::vector<int8_t> input = iota8(product(inDims));
    const std::vector<int8_t> got = m.run<int8_t, int8_t>(input);
    std::vector<int32_t> idx(4, 0);
    do {
      std::vector<int32_t> src(4);
      for (size_t i = 0; i < 4; ++i) src[static_cast<size_t>(axes[i])] = idx[i];
      ASSERT_EQ(got[offsetOf(outDims, idx)], input[offsetOf(inDims, src)]);
    } while (nextIndex(outDims, &idx));
  }
}

TEST(TransposeKernel, TwoDimensionsInt16AndRepeatedAxis) {
  kernels::TransposeParams p;  // 2D int16 [2,3] -> [3,2]
  p.rank = 2;
  p.outDims[0] = 3;
  p.outDims[1] = 2;
  p.inStrides[0] = 1;
  p.inStrides[1] = 3;
  const int16_t input[] = {1, 2, 3, 4, 5, 6};
  int16_t output[6] = {};
  kernels::reference::transpose(p, input, output);
  const int16_t expected[] = {1, 4, 2, 5, 3, 6};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(output[i], expected[i]);

  // A repeated axis is rejected in prepare.
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {2, 2}, QuantParams::perTensor(1.0f, 0));
  const int32_t permT = w.addInt32Constant("perm", {2}, {1, 1});
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {2, 2}, QuantParams::perTensor(1.0f, 0));
  w.addOperator({host::BuiltinOperator::kTranspose, 1, {in, permT}, {out}, {}});
  w.setInputs({in});
  w.setOutputs({out});
  SingleOpModel m(w);
  EXPECT_EQ(m.allocate(), Status::kBadOpParams);
}

// ---- MEAN -----------------------------------------------------------------------------------

// MEAN over `axis` of an int8 [2, 3, 4] input without keep_dims (the writer emits no options).
std::vector<int8_t> runMean(const std::vector<int32_t>& axis, const std::vector<int32_t>& outDims,
                            const std::vector<int8_t>& input, float inScale, int32_t inZp,
                            float outScale, int32_t outZp, Status* allocateStatus = nullptr) {
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {2, 3, 4}, QuantParams::perTensor(inScale, inZp));
  const int32_t axisT = w.addInt32Constant("axis", {static_cast<int32_t>(axis.size())}, axis);
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, outDims, QuantParams::perTensor(outScale, outZp));
  w.addOperator({host::BuiltinOperator::kMean, 1, {in, axisT}, {out}, {}});
  w.setInputs({in});
  w.setOutputs({out});
  SingleOpModel m(w);
  const Status s = m.allocate();
  if (allocateStatus != nullptr) *allocateStatus = s;
  if (s != Status::kOk) return {};
  return m.run<int8_t, int8_t>(input);
}

TEST(MeanKernel, AxesNegativeAndDuplicateWithExactMeans) {
  // Values chosen so every mean is exact: x[i][j][k] = 4 * (i + j + k) - 20.
  std::vector<int8_t> input(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        input[static_cast<size_t>(i * 12 + j * 4 + k)] = static_cast<int8_t>(4 * (i + j + k) - 20);
  // Over axis 1 (j in 0..2, mean j = 1): 4 * (i + 1 + k) - 20.
  std::vector<int8_t> got = runMean({1}, {2, 4}, input, 0.5f, -3, 0.5f, -3);
  ASSERT_EQ(got.size(), 8u);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 4; ++k)
      EXPECT_EQ(got[static_cast<size_t>(i * 4 + k)], 4 * (i + 1 + k) - 20);
  // Negative and duplicate axes: {-1, 2} is axis 2 once (mean k = 1.5 -> 4 * 1.5 = 6).
  got = runMean({-1, 2}, {2, 3}, input, 0.5f, -3, 0.5f, -3);
  ASSERT_EQ(got.size(), 6u);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_EQ(got[static_cast<size_t>(i * 3 + j)], 4 * (i + j) + 6 - 20);
  // Every axis: mean of i + j + k is 0.5 + 1 + 1.5 = 3 -> -8; requantized to half the scale: 2x.
  got = runMean({0, 1, 2}, {1}, input, 0.5f, 0, 0.25f, 10);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], 2 * -8 + 10);
}

TEST(MeanKernel, RoundsInTwoStagesLikeTheReference) {
  // 1/count folded into the multiplier rounds twice: 121 / 49 = 2.47 becomes 3 (TFLM does the
  // same; MobileNetV2's golden pool output depends on it).
  kernels::MeanParams p;
  p.rank = 2;
  p.inDims[0] = 49;
  p.inDims[1] = 1;
  p.reduced[0] = true;
  p.outputCount = 1;
  int shift = 0;
  ASSERT_TRUE(quant::quantizeMultiplier(1.0, &p.multiplier, &shift));
  p.shift = shift;
  kernels::reference::foldCount(49, &p.multiplier, &p.shift);
  EXPECT_EQ(p.multiplier, 701219150);
  EXPECT_EQ(p.shift, -4);
  std::vector<int8_t> input(49, 2);
  for (int i = 0; i < 23; ++i) input[static_cast<size_t>(i)] = 3;  // sum 121
  int8_t out = 0;
  int32_t temp = 0;
  kernels::reference::mean(p, input.data(), &out, &temp);
  EXPECT_EQ(temp, 121);
  EXPECT_EQ(out, 3);
}

TEST(MeanKernel, KeepDimsShapeAndBadAxisAreRejected) {
  const std::vector<int8_t> input(24, 1);
  Status s = Status::kOk;
  // Without keep_dims the reduced axis is dropped: a [2, 1, 4] output does not fit.
  runMean({1}, {2, 1, 4}, input, 1.0f, 0, 1.0f, 0, &s);
  EXPECT_EQ(s, Status::kShapeMismatch);
  runMean({3}, {2, 3, 4}, input, 1.0f, 0, 1.0f, 0, &s);
  EXPECT_EQ(s, Status::kBadOpParams);
}

// ---- QUANTIZE -------------------------------------------------------------------------------

template <typename In, typename Out>
std::vector<Out> runQuantize(TensorType inType, QuantParams inQ, TensorType outType,
                             QuantParams outQ, const std::vector<In>& input) {
  host::TfliteWriter w;
  const int32_t n = static_cast<int32_t>(input.size());
  const int32_t in = w.addActivation("in", inType, {1, n}, inQ);
  const int32_t out = w.addActivation("out", outType, {1, n}, outQ);
  w.addOperator({host::BuiltinOperator::kQuantize, 1, {in}, {out}, {}});
  w.setInputs({in});
  w.setOutputs({out});
  SingleOpModel m(w);
  EXPECT_EQ(m.allocate(), Status::kOk);
  return m.run<In, Out>(input);
}

TEST(QuantizeKernel, RequantizeAndAffinePaths) {
  // int16 -> int8, multiplier 0.5: TFLM's rounding (ties away from zero for positive, toward
  // zero for negative products in the doubling high multiply), then saturation.
  EXPECT_EQ((runQuantize<int16_t, int8_t>(TensorType::kInt16, QuantParams::perTensor(0.5f, 0),
                                          TensorType::kInt8, QuantParams::perTensor(1.0f, 3),
                                          {-5, -3, 0, 3, 5, 32767, -32768})),
            (std::vector<int8_t>{1, 2, 3, 5, 6, 127, -128}));
  // int8 -> int8, same scale, zero point moves by -20 with saturation.
  EXPECT_EQ((runQuantize<int8_t, int8_t>(TensorType::kInt8, QuantParams::perTensor(1.0f, 10),
                                         TensorType::kInt8, QuantParams::perTensor(1.0f, -10),
                                         {-128, -100, 0, 127})),
            (std::vector<int8_t>{-128, -120, -20, 107}));
  // int16 -> int32 (keyword_scrambled's output): (q + 100) / 2.
  EXPECT_EQ((runQuantize<int16_t, int32_t>(TensorType::kInt16, QuantParams::perTensor(0.25f, -100),
                                           TensorType::kInt32, QuantParams::perTensor(0.5f, 0),
                                           {-32768, -99, 0, 32767})),
            (std::vector<int32_t>{-16334, 1, 50, 16434}));
  // float -> int8: round half away from zero, then saturate.
  EXPECT_EQ((runQuantize<float, int8_t>(TensorType::kFloat32, {}, TensorType::kInt8,
                                        QuantParams::perTensor(0.5f, -1),
                                        {0.25f, -0.25f, 1.0f, 100.0f, -1000.0f})),
            (std::vector<int8_t>{0, -2, 1, 127, -128}));
}

// ---- LOGISTIC and the int16 LUT activations ---------------------------------------------------

TEST(LogisticKernel, Int8CenterSymmetryAndSaturation) {
  std::vector<int8_t> input(256);
  for (int i = 0; i < 256; ++i) input[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
  host::TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {256}, QuantParams::perTensor(0.1f, 0));
  const int32_t out =
      w.addActivation("out", TensorType::kInt8, {256}, QuantParams::perTensor(1.0f / 256, -128));
  w.addOperator({host::BuiltinOperator::kLogistic, 1, {in}, {out}, {}});
  w.setInputs({in});
  w.setOutputs({out});
  SingleOpModel m(w);
  ASSERT_EQ(m.allocate(), Status::kOk);
  const std::vector<int8_t> y = m.run<int8_t, int8_t>(input);
  EXPECT_EQ(y[128], 0);  // sigmoid(0) = 0.5 -> 128 - 128
  for (int i = 1; i < 256; ++i)
    EXPECT_GE(y[static_cast<size_t>(i)], y[static_cast<size_t>(i - 1)]) << i;
  for (int i = 1; i < 128; ++i) {  // sigmoid(-x) = 1 - sigmoid(x): q(-x) + q(x) = -1 or 0
    const int sum = y[static_cast<size_t>(128 + i)] + y[static_cast<size_t>(128 - i)];
    EXPECT_TRUE(sum == 0 || sum == -1) << i << " " << sum;
  }
  EXPECT_EQ(y[0], -128 + 0);  // sigmoid(-12.8) * 256 rounds to 0
  EXPECT_EQ(y[255], 127);     // saturates
  EXPECT_EQ(kernels::reference::logisticQ4(0), 1 << 30);
}

TEST(LutActivations, SigmoidAndTanhInt16) {
  const int16_t x[] = {0, 4096, -4096, 32767, -32768};  // Q3.12: 0, 1, -1, ~8, -8
  int16_t s[5], t[5];
  kernels::lut::sigmoidInt16(0, 0, 5, x, s);
  kernels::lut::tanhInt16(0, 0, 5, x, t);
  EXPECT_EQ(s[0], 16384);  // 0.5 in Q0.15
  EXPECT_NEAR(s[1], 0.7310586 * 32768, 2);
  EXPECT_NEAR(s[2], 0.2689414 * 32768, 2);
  EXPECT_NEAR(s[3], 0.9996646 * 32768, 2);
  EXPECT_NEAR(s[4], 0.0003354 * 32768, 2);
  EXPECT_EQ(t[0], 0);
  EXPECT_NEAR(t[1], 0.7615942 * 32768, 3);
  EXPECT_NEAR(t[2], -0.7615942 * 32768, 3);
  EXPECT_EQ(t[3], 32767);  // saturated
  EXPECT_EQ(t[4], -32767);
  // Power-of-two scaling: multiplier 0 with shift 1 reads a Q4.11 input (scale 2^-11).
  const int16_t half[] = {2048};  // 1.0 at 2^-11
  int16_t th = 0;
  kernels::lut::tanhInt16(0, 1, 1, half, &th);
  EXPECT_NEAR(th, 0.7615942 * 32768, 3);
  int log2 = 0;
  EXPECT_TRUE(kernels::lut::checkedLog2(0.000244140625f, &log2));
  EXPECT_EQ(log2, -12);
  EXPECT_FALSE(kernels::lut::checkedLog2(0.0003f, &log2));
}

// ---- State across invokes (LSTM, SVDF) ------------------------------------------------------

void expectStateCarriedAndReset(const std::string& name, const std::vector<int32_t>& stateTensors) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  host::ModelFile model;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/" + name + ".tflite", &model, &error)) << error;
  host::TensorDump golden;
  ASSERT_TRUE(host::readDump(shared + "/golden/" + name + "/seed1", &golden, &error)) << error;
  std::vector<uint8_t> arena(256 * 1024);
  Interpreter interp(model.bytes.data(), model.bytes.size(), allOps(), arena.data(), arena.size());
  ASSERT_EQ(interp.allocate(), Status::kOk);

  auto stateBytes = [&](int32_t t) {
    const TensorView v = interp.tensor(static_cast<uint32_t>(t));
    const auto* p = static_cast<const uint8_t*>(v.data);
    return std::vector<uint8_t>(p, p + v.bytes);
  };
  auto invoke = [&]() {
    std::memcpy(interp.input(0).data, golden.input.data(), golden.input.size());
    EXPECT_EQ(interp.invoke(), Status::kOk);
    const TensorView out = interp.output(0);
    const auto* p = static_cast<const uint8_t*>(out.data);
    return std::vector<uint8_t>(p, p + out.bytes);
  };

  // allocate() leaves every state at the real value 0: int8 at its zero point, int16 at 0.
  std::vector<std::vector<uint8_t>> initial;
  for (int32_t t : stateTensors) {
    const TensorView v = interp.tensor(static_cast<uint32_t>(t));
    const uint8_t fill = v.type == TensorType::kInt8 ? static_cast<uint8_t>(v.zeroPoint) : 0;
    initial.push_back(stateBytes(t));
    EXPECT_EQ(initial.back(), std::vector<uint8_t>(v.bytes, fill)) << name << " tensor " << t;
  }

  const std::vector<uint8_t> first = invoke();
  EXPECT_EQ(first, golden.outputs[0]) << name;
  std::vector<std::vector<uint8_t>> afterFirst;
  for (int32_t t : stateTensors) {
    afterFirst.push_back(stateBytes(t));
    EXPECT_EQ(afterFirst.back(), golden.data.at(t)) << name << " state tensor " << t;
  }

  // The second invoke starts from the carried state: the state moves on.
  invoke();
  bool moved = false;
  for (size_t i = 0; i < stateTensors.size(); ++i)
    moved = moved || stateBytes(stateTensors[i]) != afterFirst[i];
  EXPECT_TRUE(moved) << name;

  // resetState() brings back the initial state, and the next invoke is a first invoke again.
  ASSERT_EQ(interp.resetState(), Status::kOk);
  for (size_t i = 0; i < stateTensors.size(); ++i)
    EXPECT_EQ(stateBytes(stateTensors[i]), initial[i]) << name;
  EXPECT_EQ(invoke(), first) << name;
  for (size_t i = 0; i < stateTensors.size(); ++i)
    EXPECT_EQ(stateBytes(stateTensors[i]), afterFirst[i]) << name;
}

TEST(StatefulKernels, LstmStateCarriesAcrossInvokesAndResets) {
  expectStateCarriedAndReset("trained_lstm_int8", {16, 17});
  expectStateCarriedAndReset("dtln_noise_suppression", {27, 28, 35, 36});  // hidden zero point -4
}

TEST(StatefulKernels, SvdfStateCarriesAcrossInvokesAndResets) {
  expectStateCarriedAndReset("keyword_scrambled_8bit", {4, 12, 20, 28, 36, 41, 46});
}

}  // namespace
}  // namespace tinyscope::runner
