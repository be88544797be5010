// TfliteWriter: the bytes it writes are a well-formed TFLite flatbuffer that the runtime's
// verifying loader reads back field for field.
#include "model_runner/host/tflite_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "model_runner/model.h"

namespace tinyscope::runner::host {
namespace {

namespace s = schema;

std::string str(const fb::String& v) {
  return v.present() ? std::string(v.chars, v.length) : std::string();
}

// A small FC + softmax model with per-tensor and per-channel quantization.
TfliteWriter smallClassifier() {
  TfliteWriter w;
  const int32_t in =
      w.addActivation("in", TensorType::kInt8, {1, 4}, QuantParams::perTensor(0.5f, -3));
  const int32_t weights =
      w.addInt8Constant("weights", {3, 4}, {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -127},
                        QuantParams::perChannel({0.25f, 0.125f, 0.0625f}, 0));
  const int32_t bias = w.addInt32Constant("bias", {3}, {100, -200, 70000},
                                          QuantParams::perChannel({0.125f, 0.0625f, 0.03125f}, 0));
  const int32_t logits =
      w.addActivation("logits", TensorType::kInt8, {1, 3}, QuantParams::perTensor(0.1f, 5));
  const int32_t probs =
      w.addActivation("probs", TensorType::kInt8, {1, 3}, QuantParams::perTensor(1.0f / 256, -128));
  w.addFullyConnected(in, weights, bias, logits, {Activation::kRelu, true});
  w.addSoftmax(logits, probs, {0.75f});
  w.setInputs({in});
  w.setOutputs({probs});
  w.setDescription("writer test");
  return w;
}

uint32_t readU32(const std::vector<uint8_t>& b, size_t pos) {
  return static_cast<uint32_t>(b[pos]) | (static_cast<uint32_t>(b[pos + 1]) << 8) |
         (static_cast<uint32_t>(b[pos + 2]) << 16) | (static_cast<uint32_t>(b[pos + 3]) << 24);
}

TEST(TfliteWriter, HeaderIdentifierAndSizeAlignment) {
  const std::vector<uint8_t> bytes = smallClassifier().serialize();
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()) + 4, 4), "TFL3");
  EXPECT_EQ(bytes.size() % 16, 0u);
  const uint32_t root = readU32(bytes, 0);
  EXPECT_EQ(root % 4, 0u);
  EXPECT_LT(root, bytes.size());
}

TEST(TfliteWriter, RuntimeLoaderReadsTensorsBack) {
  const std::vector<uint8_t> bytes = smallClassifier().serialize();
  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk) << statusMessage(m.error().status);
  EXPECT_EQ(m.version(), 3u);
  EXPECT_EQ(str(m.description()), "writer test");
  EXPECT_EQ(str(m.subgraphName()), "main");
  ASSERT_EQ(m.numTensors(), 5u);
  ASSERT_EQ(m.inputs().size(), 1u);
  EXPECT_EQ(m.inputs().i32(0), 0);
  ASSERT_EQ(m.outputs().size(), 1u);
  EXPECT_EQ(m.outputs().i32(0), 4);

  const TensorDesc in = m.tensor(0);
  EXPECT_EQ(str(in.name), "in");
  EXPECT_EQ(in.type, TensorType::kInt8);
  ASSERT_EQ(in.rank, 2);
  EXPECT_EQ(in.dims[0], 1);
  EXPECT_EQ(in.dims[1], 4);
  EXPECT_FALSE(in.isConstant());
  EXPECT_EQ(in.scale(), 0.5f);
  EXPECT_EQ(in.zeroPoint(), -3);

  const TensorDesc weights = m.tensor(1);
  ASSERT_TRUE(weights.isConstant());
  const int8_t expected[12] = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -127};
  ASSERT_EQ(weights.bytes, 12u);
  EXPECT_EQ(std::memcmp(weights.constData, expected, 12), 0);
  // Buffer data sits at a multiple of 16 from the start of the file.
  EXPECT_EQ(static_cast<size_t>(weights.constData - bytes.data()) % 16, 0u);
  ASSERT_EQ(weights.numChannels(), 3u);
  EXPECT_EQ(weights.scales.f32(1), 0.125f);
  EXPECT_EQ(weights.zeroPoints.size(), 3u);
  EXPECT_EQ(weights.zeroPoints.i64(2), 0);
  EXPECT_EQ(weights.quantizedDimension, 0);

  const TensorDesc bias = m.tensor(2);
  EXPECT_EQ(bias.type, TensorType::kInt32);
  ASSERT_TRUE(bias.isConstant());
  EXPECT_EQ(static_cast<size_t>(bias.constData - bytes.data()) % 16, 0u);
  int32_t b[3];
  std::memcpy(b, bias.constData, sizeof b);  // little-endian host
  EXPECT_EQ(b[0], 100);
  EXPECT_EQ(b[1], -200);
  EXPECT_EQ(b[2], 70000);

  EXPECT_EQ(m.tensor(4).scale(), 1.0f / 256);
  EXPECT_EQ(m.tensor(4).zeroPoint(), -128);
}

TEST(TfliteWriter, RuntimeLoaderReadsOperatorsAndOptionsBack) {
  const std::vector<uint8_t> bytes = smallClassifier().serialize();
  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk);
  ASSERT_EQ(m.numOperators(), 2u);
  ASSERT_EQ(m.numOperatorCodes(), 2u);

  const OperatorDesc fc = m.op(0);
  EXPECT_EQ(fc.builtinCode, static_cast<int32_t>(BuiltinOperator::kFullyConnected));
  ASSERT_EQ(fc.inputs.size(), 3u);
  EXPECT_EQ(fc.inputs.i32(1), 1);
  EXPECT_EQ(fc.outputs.i32(0), 3);
  EXPECT_EQ(fc.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kFullyConnectedOptions));
  EXPECT_EQ(fc.options.i8(s::fully_connected_options::kActivation),
            static_cast<int8_t>(Activation::kRelu));
  EXPECT_TRUE(fc.options.boolean(s::fully_connected_options::kKeepNumDims));

  const OperatorDesc sm = m.op(1);
  EXPECT_EQ(sm.builtinCode, static_cast<int32_t>(BuiltinOperator::kSoftmax));
  EXPECT_STREQ(sm.name(), "SOFTMAX");
  EXPECT_EQ(sm.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kSoftmaxOptions));
  EXPECT_EQ(sm.options.f32(s::softmax_options::kBeta), 0.75f);
}

TEST(TfliteWriter, EveryCoreOperatorWithItsOptions) {
  TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(0.02f, 1);
  const int32_t in = w.addActivation("in", TensorType::kInt8, {1, 6, 6, 2}, q);
  const int32_t convW = w.addInt8Constant("conv_w", {3, 3, 3, 2}, std::vector<int8_t>(54, 1),
                                          QuantParams::perChannel({0.1f, 0.2f, 0.3f}, 0));
  const int32_t convB = w.addInt32Constant("conv_b", {3}, {0, 1, 2},
                                           QuantParams::perChannel({0.002f, 0.004f, 0.006f}, 0));
  const int32_t conv = w.addActivation("conv", TensorType::kInt8, {1, 3, 3, 3}, q);
  const int32_t dwW = w.addInt8Constant("dw_w", {1, 3, 3, 3}, std::vector<int8_t>(27, -1),
                                        QuantParams::perChannel({0.1f, 0.1f, 0.1f}, 3));
  const int32_t dwB = w.addInt32Constant("dw_b", {3}, {0, 0, 0});
  const int32_t dw = w.addActivation("dw", TensorType::kInt8, {1, 3, 3, 3}, q);
  const int32_t sum = w.addActivation("sum", TensorType::kInt8, {1, 3, 3, 3}, q);
  const int32_t pool = w.addActivation("pool", TensorType::kInt8, {1, 1, 1, 3}, q);
  const int32_t flat = w.addActivation("flat", TensorType::kInt8, {1, 3}, q);
  w.addConv2D(in, convW, convB, conv, {Padding::kSame, 2, 2, Activation::kRelu6, 1, 1});
  w.addDepthwiseConv2D(conv, dwW, dwB, dw, {Padding::kSame, 1, 1, 1, Activation::kNone, 2, 3});
  w.addAdd(conv, dw, sum, {Activation::kRelu});
  w.addAveragePool2D(sum, pool, {Padding::kValid, 3, 3, 3, 3, Activation::kNone});
  w.addReshape(pool, -1, flat, {{1, 3}});
  // An operator with a code above 127 goes to builtin_code; deprecated_builtin_code holds 127.
  const int32_t gelu = w.addActivation("gelu", TensorType::kInt8, {1, 3}, q);
  w.addOperator({static_cast<BuiltinOperator>(150), 1, {flat}, {gelu}, {}});
  w.setInputs({in});
  w.setOutputs({gelu});
  const std::vector<uint8_t> bytes = w.serialize();

  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk) << statusMessage(m.error().status);
  ASSERT_EQ(m.numOperators(), 6u);
  EXPECT_EQ(m.numOperatorCodes(), 6u);

  const OperatorDesc c = m.op(0);
  EXPECT_STREQ(c.name(), "CONV_2D");
  EXPECT_EQ(c.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kConv2DOptions));
  // SAME is the schema default (0), so the field is left out and reads back as 0.
  EXPECT_EQ(c.options.fieldOffset(s::conv2d_options::kPadding), 0);
  EXPECT_EQ(c.options.u8(s::conv2d_options::kPadding), static_cast<uint8_t>(Padding::kSame));
  EXPECT_EQ(c.options.i32(s::conv2d_options::kStrideW), 2);
  EXPECT_EQ(c.options.i32(s::conv2d_options::kStrideH), 2);
  EXPECT_EQ(c.options.i8(s::conv2d_options::kActivation), static_cast<int8_t>(Activation::kRelu6));
  EXPECT_EQ(c.options.i32(s::conv2d_options::kDilationW, 1), 1);

  const OperatorDesc d = m.op(1);
  EXPECT_STREQ(d.name(), "DEPTHWISE_CONV_2D");
  EXPECT_EQ(d.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kDepthwiseConv2DOptions));
  EXPECT_EQ(d.options.i32(s::depthwise_options::kDepthMultiplier), 1);
  EXPECT_EQ(d.options.i32(s::depthwise_options::kDilationW, 1), 2);
  EXPECT_EQ(d.options.i32(s::depthwise_options::kDilationH, 1), 3);
  EXPECT_EQ(m.tensor(static_cast<uint32_t>(dwW)).quantizedDimension, 3);

  const OperatorDesc a = m.op(2);
  EXPECT_STREQ(a.name(), "ADD");
  EXPECT_EQ(a.builtinCode, 0);
  EXPECT_EQ(a.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kAddOptions));
  EXPECT_EQ(a.options.i8(s::add_options::kActivation), static_cast<int8_t>(Activation::kRelu));

  const OperatorDesc p = m.op(3);
  EXPECT_STREQ(p.name(), "AVERAGE_POOL_2D");
  EXPECT_EQ(p.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kPool2DOptions));
  EXPECT_EQ(p.options.u8(s::pool2d_options::kPadding), static_cast<uint8_t>(Padding::kValid));
  EXPECT_EQ(p.options.i32(s::pool2d_options::kFilterWidth), 3);
  EXPECT_EQ(p.options.i32(s::pool2d_options::kFilterHeight), 3);

  const OperatorDesc r = m.op(4);
  EXPECT_STREQ(r.name(), "RESHAPE");
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(r.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kReshapeOptions));
  const fb::Vector newShape = r.options.vector(s::reshape_options::kNewShape, 4);
  ASSERT_EQ(newShape.size(), 2u);
  EXPECT_EQ(newShape.i32(0), 1);
  EXPECT_EQ(newShape.i32(1), 3);

  const OperatorDesc g = m.op(5);
  EXPECT_EQ(g.builtinCode, 150);
  EXPECT_EQ(g.optionsType, 0);
  EXPECT_FALSE(g.options.present());
}

TEST(TfliteWriter, SameCallsGiveSameBytes) {
  EXPECT_EQ(smallClassifier().serialize(), smallClassifier().serialize());
}

TEST(TfliteWriter, OperatorCodesAreSharedPerOperatorAndVersion) {
  TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(1.0f, 0);
  const int32_t a = w.addActivation("a", TensorType::kInt8, {4}, q);
  const int32_t b = w.addActivation("b", TensorType::kInt8, {4}, q);
  const int32_t c = w.addActivation("c", TensorType::kInt8, {4}, q);
  const int32_t d = w.addActivation("d", TensorType::kInt8, {4}, q);
  w.addAdd(a, a, b);
  w.addAdd(b, b, c);
  w.addOperator({BuiltinOperator::kAdd, 3, {c, c}, {d}, AddOptions{}});
  w.setInputs({a});
  w.setOutputs({d});
  const std::vector<uint8_t> bytes = w.serialize();
  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk);
  EXPECT_EQ(m.numOperatorCodes(), 2u);
  EXPECT_EQ(m.op(0).opcodeIndex, 0u);
  EXPECT_EQ(m.op(1).opcodeIndex, 0u);
  EXPECT_EQ(m.op(2).opcodeIndex, 1u);
}

TEST(TfliteWriter, TableOptionsAndCustomOperatorsRoundTrip) {
  TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(1.0f, 0);
  const int32_t a = w.addActivation("a", TensorType::kInt8, {2, 3}, q);
  const int32_t b = w.addActivation("b", TensorType::kInt8, {2, 3}, q);
  const int32_t c = w.addActivation("c", TensorType::kInt8, {2, 3}, q);
  TableOptions pool(s::BuiltinOptionsType::kPool2DOptions);
  pool.add(s::pool2d_options::kStrideW, TableOptions::Field::Kind::kInt32, 2)
      .add(s::pool2d_options::kActivation, TableOptions::Field::Kind::kInt8, 0)
      .addFloat(7, -1.5f)
      .addInt32Vector(8, {3, -4});
  w.addOperator({BuiltinOperator::kMaxPool2d, 2, {a}, {b}, pool});
  w.addOperator(
      {BuiltinOperator::kCustom, 1, {b}, {c}, CustomOptions{"SignalWindow", {1, 2, 3, 4, 5}}});
  w.setInputs({a});
  w.setOutputs({c});
  const std::vector<uint8_t> bytes = w.serialize();
  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk);
  const OperatorDesc p = m.op(0);
  EXPECT_EQ(p.builtinCode, static_cast<int32_t>(BuiltinOperator::kMaxPool2d));
  EXPECT_STREQ(p.name(), "MAX_POOL_2D");
  EXPECT_EQ(p.optionsType, static_cast<uint8_t>(s::BuiltinOptionsType::kPool2DOptions));
  EXPECT_EQ(p.options.i32(s::pool2d_options::kStrideW), 2);
  EXPECT_NE(p.options.fieldOffset(s::pool2d_options::kActivation), 0u);  // written at default
  EXPECT_EQ(p.options.f32(7), -1.5f);
  const fb::Vector v = p.options.vector(8, 4);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.i32(1), -4);
  const OperatorDesc k = m.op(1);
  EXPECT_EQ(k.builtinCode, static_cast<int32_t>(BuiltinOperator::kCustom));
  EXPECT_EQ(str(k.customCode), "SignalWindow");
  ASSERT_EQ(k.customOptions.size(), 5u);
  EXPECT_EQ(k.customOptions.u8(4), 5);
}

TEST(TfliteWriter, RejectsInconsistentDescriptions) {
  TfliteWriter w;
  const QuantParams q = QuantParams::perTensor(1.0f, 0);
  EXPECT_THROW(w.addInt8Constant("short", {2, 3}, {1, 2, 3}, q), std::invalid_argument);
  EXPECT_THROW(w.addInt8Constant("channels", {2, 3}, std::vector<int8_t>(6),
                                 QuantParams::perChannel({1.f, 1.f, 1.f}, 0)),
               std::invalid_argument);
  EXPECT_THROW(
      w.addActivation("zero scale", TensorType::kInt8, {1}, QuantParams::perTensor(0.0f, 0)),
      std::invalid_argument);
  EXPECT_THROW(w.addActivation("negative", TensorType::kInt8, {-1}, q), std::invalid_argument);
  const int32_t in = w.addActivation("in", TensorType::kInt8, {4}, q);
  const int32_t k = w.addInt8Constant("k", {4}, {1, 2, 3, 4}, q);
  EXPECT_THROW(w.addSoftmax(in, 7), std::invalid_argument);
  EXPECT_THROW(w.addSoftmax(in, k), std::invalid_argument);
  EXPECT_THROW(w.setInputs({k}), std::invalid_argument);
  EXPECT_THROW(w.serialize(), std::invalid_argument);  // no inputs/outputs yet
  try {
    w.addInt8Constant("dense_w", {2}, {1}, q);
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("dense_w"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tinyscope::runner::host
