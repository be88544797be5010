// Edge cases of the reference kernel math and quantization helpers.
#include <gtest/gtest.h>

#include <vector>

#include "model_runner/fixed_point.h"
#include "model_runner/kernels/add.h"
#include "model_runner/kernels/average_pool_2d.h"
#include "model_runner/kernels/conv_2d.h"
#include "model_runner/kernels/depthwise_conv_2d.h"
#include "model_runner/kernels/fully_connected.h"
#include "model_runner/kernels/softmax.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner {
namespace {

using kernels::Shape4;
constexpr int32_t kOne = 1 << 30;  // multiplier 0.5 in Q31; with shift 1 it is exactly 1.0

TEST(QuantMath, RoundingPrimitives) {
  EXPECT_EQ(quant::saturatingRoundingDoublingHighMul(quant::kInt32Min, quant::kInt32Min),
            quant::kInt32Max);
  EXPECT_EQ(quant::roundingDivideByPOT(3, 1), 2);
  EXPECT_EQ(quant::roundingDivideByPOT(-3, 1), -2);
  EXPECT_EQ(quant::roundingDivideByPOT(5, 2), 1);
  EXPECT_EQ(quant::roundingDivideByPOT(-5, 2), -1);
  EXPECT_EQ(quant::roundingDivideByPOT(-6, 2), -2);
  EXPECT_EQ(quant::multiplyByQuantizedMultiplier(100, kOne, 1), 100);
  EXPECT_EQ(quant::multiplyByQuantizedMultiplier(101, kOne, 0), 51);  // 50.5 -> 51
  EXPECT_EQ(quant::multiplyByQuantizedMultiplier(-101, kOne, 0),
            -50);  // the doubling high mul rounds -50.5 up
}

TEST(QuantMath, QuantizeMultiplierMatchesFrexpSplit) {
  int32_t m = 0;
  int shift = 0;
  ASSERT_TRUE(quant::quantizeMultiplier(0.5, &m, &shift));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(shift, 0);
  ASSERT_TRUE(quant::quantizeMultiplier(1.0, &m, &shift));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(shift, 1);
  ASSERT_TRUE(quant::quantizeMultiplier(0.75, &m, &shift));
  EXPECT_EQ(m, 1610612736);
  EXPECT_EQ(shift, 0);
  ASSERT_TRUE(quant::quantizeMultiplier(0.0, &m, &shift));
  EXPECT_EQ(m, 0);
  // Just below 1.0 rounds up to 2^31 and is renormalised.
  ASSERT_TRUE(quant::quantizeMultiplier(0.99999999999, &m, &shift));
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(shift, 1);
  EXPECT_FALSE(quant::quantizeMultiplierSmallerThanOneExp(1.5, &m, &shift));
  EXPECT_FALSE(quant::quantizeMultiplierGreaterThanOne(0.5, &m, &shift));
  EXPECT_EQ(quant::roundHalfAway(2.5), 3.0);
  EXPECT_EQ(quant::roundHalfAway(-2.5), -3.0);
  EXPECT_EQ(quant::roundHalfAway(2.5f), 3.0f);
}

TEST(QuantMath, FusedActivationRanges) {
  int32_t lo = 0, hi = 0;
  const auto act = [](schema::Activation a) { return static_cast<uint8_t>(a); };
  ASSERT_TRUE(quant::activationRangeQuantized(act(schema::Activation::kNone), 0.1f, 3, -128, 127,
                                              &lo, &hi));
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, 127);
  ASSERT_TRUE(quant::activationRangeQuantized(act(schema::Activation::kRelu), 0.1f, 3, -128, 127,
                                              &lo, &hi));
  EXPECT_EQ(lo, 3);
  EXPECT_EQ(hi, 127);
  ASSERT_TRUE(quant::activationRangeQuantized(act(schema::Activation::kRelu6), 0.1f, -128, -128,
                                              127, &lo, &hi));
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, -68);
  ASSERT_TRUE(quant::activationRangeQuantized(act(schema::Activation::kReluN1To1), 0.25f, 0, -128,
                                              127, &lo, &hi));
  EXPECT_EQ(lo, -4);
  EXPECT_EQ(hi, 4);
  EXPECT_FALSE(quant::activationRangeQuantized(act(schema::Activation::kTanh), 0.1f, 0, -128, 127,
                                               &lo, &hi));
}

TEST(Padding, SameAndValidWithStrideAndDilation) {
  using schema::Padding;
  EXPECT_EQ(kernels::computeOutSize(Padding::kSame, 5, 3, 2, 1), 3);
  EXPECT_EQ(kernels::computePadding(2, 1, 5, 3, 3), 1);
  EXPECT_EQ(kernels::computeOutSize(Padding::kValid, 5, 3, 2, 1), 2);
  EXPECT_EQ(kernels::computePadding(2, 1, 5, 3, 2), 0);
  EXPECT_EQ(kernels::computeOutSize(Padding::kValid, 7, 3, 1, 2), 3);  // effective filter 5
  EXPECT_EQ(kernels::computeOutSize(Padding::kSame, 96, 3, 2, 1), 48);
  EXPECT_EQ(kernels::computePadding(2, 1, 96, 3, 48), 0);  // total 1: the extra row goes at the end
  EXPECT_EQ(kernels::computeOutSize(Padding::kValid, 2, 3, 1, 1), 0);
}

kernels::ConvParams unitParams() {
  kernels::ConvParams p;
  p.actMin = -128;
  p.actMax = 127;
  return p;
}

TEST(Conv2d, SamePaddingCountsOnlyInImageTaps) {
  const Shape4 in{1, 3, 3, 1}, filt{1, 3, 3, 1}, out{1, 3, 3, 1};
  std::vector<int8_t> input(9, 1), filter(9, 1), output(9, 0);
  kernels::ConvParams p = unitParams();
  p.padW = p.padH = 1;
  const int32_t mult[] = {kOne}, shift[] = {1};
  kernels::reference::convPerChannel(p, mult, shift, in, input.data(), filt, filter.data(),
                                     static_cast<const int32_t*>(nullptr), out, output.data());
  EXPECT_EQ(output, (std::vector<int8_t>{4, 6, 4, 6, 9, 6, 4, 6, 4}));
}

TEST(Conv2d, StrideDilationOffsetsBiasPerChannelAndClamp) {
  // 1x5x5x1 ramp, 3x3 filter of ones with dilation 2, VALID: one output per channel that sums
  // the 9 taps at rows/cols {0,2,4}. Input zero point 1 (offset -1). Two output channels with
  // multipliers 1.0 and 0.5, bias {10, -10}, output zero point 5, ReLU-style min at 0.
  const Shape4 in{1, 5, 5, 1}, filt{2, 3, 3, 1}, out{1, 1, 1, 2};
  std::vector<int8_t> input(25);
  for (int i = 0; i < 25; ++i) input[static_cast<size_t>(i)] = static_cast<int8_t>(i + 1);
  std::vector<int8_t> filter(18, 1);
  for (size_t i = 9; i < 18; ++i) filter[i] = -1;
  const int32_t bias[] = {10, -10};
  kernels::ConvParams p = unitParams();
  p.dilationW = p.dilationH = 2;
  p.inputOffset = -1;
  p.outputOffset = 5;
  p.actMin = 0;
  const int32_t mult[] = {kOne, kOne}, shift[] = {1, 0};
  std::vector<int8_t> output(2, 0);
  kernels::reference::convPerChannel(p, mult, shift, in, input.data(), filt, filter.data(), bias,
                                     out, output.data());
  // Taps (value - 1) at indices 0,2,4,10,12,14,20,22,24 sum to 108.
  EXPECT_EQ(output[0], static_cast<int8_t>(108 + 10 + 5 > 127 ? 127 : 108 + 10 + 5));
  EXPECT_EQ(output[1], 0);  // (-108 - 10) * 0.5 + 5 = -54 -> clamped to 0

  // Stride 2, VALID, 1x5x5x1 -> 1x2x2x1 with a 3x3 filter; multiplier 1.0, no offsets.
  const Shape4 filt1{1, 3, 3, 1}, out2{1, 2, 2, 1};
  std::vector<int8_t> ones(25, 1), output2(4, 0);
  kernels::ConvParams p2 = unitParams();
  p2.strideW = p2.strideH = 2;
  const int32_t m1[] = {kOne}, s1[] = {1};
  kernels::reference::convPerChannel(p2, m1, s1, in, ones.data(), filt1, filter.data(),
                                     static_cast<const int32_t*>(nullptr), out2, output2.data());
  EXPECT_EQ(output2, (std::vector<int8_t>{9, 9, 9, 9}));
}

TEST(DepthwiseConv2d, DepthMultiplierMapsOutputChannels) {
  // 1x1x1x2 input {3, 5}, depth multiplier 2: output channel m + ic*2 uses filter column oc.
  const Shape4 in{1, 1, 1, 2}, filt{1, 1, 1, 4}, out{1, 1, 1, 4};
  const int8_t input[] = {3, 5};
  const int8_t filter[] = {1, 2, 3, 4};
  const int32_t mult[] = {kOne, kOne, kOne, kOne}, shift[] = {1, 1, 1, 1};
  int8_t output[4] = {};
  kernels::reference::depthwiseConvPerChannel(unitParams(), 2, mult, shift, in, input, filt, filter,
                                              static_cast<const int32_t*>(nullptr), out, output);
  EXPECT_EQ(output[0], 3);
  EXPECT_EQ(output[1], 6);
  EXPECT_EQ(output[2], 15);
  EXPECT_EQ(output[3], 20);
}

TEST(FullyConnected, OffsetsPerTensorAndPerChannel) {
  const int8_t input[] = {1, 2, 3, -1, -2, -3};  // 2 batches x 3
  const int8_t filter[] = {1, 1, 1, 2, 0, -1};   // 2 outputs x 3
  const int32_t bias[] = {1, 0};
  kernels::FullyConnectedParams p;
  p.inputOffset = 1;  // input zero point -1
  const int32_t m[] = {kOne}, s[] = {1};
  int8_t out[4] = {};
  kernels::reference::fullyConnected(p, m, s, false, 2, 3, 2, input, filter, bias, out);
  EXPECT_EQ(out[0], 2 + 3 + 4 + 1);
  EXPECT_EQ(out[1], 4 - 4);
  EXPECT_EQ(out[2], 0 - 1 - 2 + 1);
  EXPECT_EQ(out[3], 0 + 2);
  const int32_t pm[] = {kOne, kOne}, ps[] = {1, 0};  // channel 1 at 0.5
  kernels::reference::fullyConnected(p, pm, ps, true, 2, 3, 2, input, filter, bias, out);
  EXPECT_EQ(out[0], 10);
  EXPECT_EQ(out[3], 1);
}

TEST(AveragePool2d, BorderWindowsAndRoundingHalfAway) {
  const Shape4 in{1, 2, 2, 1}, out{1, 2, 2, 1};
  const int8_t input[] = {1, 2, -1, -2};
  kernels::PoolParams p;
  p.filterW = p.filterH = 2;  // SAME, stride 1: pad 0 before, windows clipped at the end
  int8_t output[4] = {};
  kernels::reference::averagePool(p, in, input, out, output);
  EXPECT_EQ(output[0], 0);   // (1+2-1-2)/4
  EXPECT_EQ(output[1], 0);   // (2-2)/2
  EXPECT_EQ(output[2], -2);  // (-1-2)/2 = -1.5 -> -2
  EXPECT_EQ(output[3], -2);
  const int8_t pos[] = {1, 2, 1, 2};
  kernels::reference::averagePool(p, in, pos, out, output);
  EXPECT_EQ(output[0], 2);  // 6/4 = 1.5 -> 2
}

TEST(Add, BroadcastMatchesExplicitTiling) {
  TensorDesc a, b, o;
  a.rank = 3;
  a.dims[0] = 1;
  a.dims[1] = 2;
  a.dims[2] = 3;
  b.rank = 1;
  b.dims[0] = 3;
  o = a;
  kernels::BroadcastShape shape;
  ASSERT_TRUE(kernels::computeBroadcastShape(a, b, o, &shape));
  kernels::AddParams p;
  p.input1Offset = 3;
  p.input2Offset = -2;
  p.outputOffset = 1;
  int32_t ls = 0;
  int s1 = 0, s2 = 0, so = 0;
  ASSERT_TRUE(quant::quantizeMultiplierSmallerThanOneExp(0.5, &p.input1Multiplier, &s1));
  ASSERT_TRUE(quant::quantizeMultiplierSmallerThanOneExp(0.25, &p.input2Multiplier, &s2));
  ASSERT_TRUE(
      quant::quantizeMultiplierSmallerThanOneExp(1.0 / (1 << 19), &p.outputMultiplier, &so));
  p.input1Shift = s1;
  p.input2Shift = s2;
  p.outputShift = so;
  (void)ls;
  const int8_t x[] = {-100, -5, 0, 7, 50, 127};
  const int8_t y[] = {-128, 3, 100};
  const int8_t tiled[] = {-128, 3, 100, -128, 3, 100};
  int8_t viaBroadcast[6] = {}, viaTiling[6] = {};
  kernels::reference::broadcastAdd(p, shape, x, y, viaBroadcast);
  kernels::reference::add(p, 6, x, tiled, viaTiling);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(viaBroadcast[i], viaTiling[i]) << i;
  // Broadcasting on the other side and along a middle axis.
  TensorDesc c = a, d;
  d.rank = 3;
  d.dims[0] = 1;
  d.dims[1] = 1;
  d.dims[2] = 3;
  ASSERT_TRUE(kernels::computeBroadcastShape(d, c, o, &shape));
  kernels::reference::broadcastAdd(p, shape, y, x, viaBroadcast);
  kernels::reference::add(p, 6, tiled, x, viaTiling);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(viaBroadcast[i], viaTiling[i]) << i;
  // Incompatible shapes are rejected.
  TensorDesc e;
  e.rank = 2;
  e.dims[0] = 3;
  e.dims[1] = 2;
  EXPECT_FALSE(kernels::computeBroadcastShape(a, e, o, &shape));
}

TEST(Softmax, UniformAndDominantRows) {
  kernels::SoftmaxParams p;
  int shift = 0;
  // beta 1, input scale 1/16: multiplier 2^26 / 16 -> > 1.
  ASSERT_TRUE(
      quant::quantizeMultiplierGreaterThanOne(1.0 / 16 * (1 << 26), &p.inputMultiplier, &shift));
  p.inputLeftShift = shift;
  p.diffMin = -static_cast<int32_t>(31.0 * (1 << 26) / (1 << shift));
  const int8_t uniform[] = {7, 7, 7, 7};
  int8_t out[4] = {};
  kernels::reference::softmax(p, 1, 4, uniform, out);
  for (int8_t v : out) EXPECT_EQ(v, out[0]);
  EXPECT_NEAR(out[0], -64, 1);  // 0.25 * 256 - 128
  const int8_t dominant[] = {127, -128, -128, -128};
  kernels::reference::softmax(p, 1, 4, dominant, out);
  EXPECT_EQ(out[0], 127);
  EXPECT_EQ(out[1], -128);
  EXPECT_EQ(fixed::expOnNegativeValues(0, 5), quant::kInt32Max);
}

}  // namespace
}  // namespace tinyscope::runner
