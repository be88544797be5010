// Truncated, bit-flipped and hand-broken models must give a clear status, never a crash.
// Run these under the asan preset as well.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "model_runner/host/error_format.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/core_ops.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

std::vector<uint8_t> loadModel(const std::string& name) {
  std::vector<uint8_t> bytes;
  host::readBinaryFile(test::sharedDir() + "/models/" + name + ".tflite", &bytes, nullptr);
  return bytes;
}

// Runs the whole pipeline on `bytes`; returns the first non-ok status (kOk if all passed).
Status exercise(const std::vector<uint8_t>& bytes, ErrorDetail* detail = nullptr) {
  static AllOpsResolver resolver;
  static bool ready = kernels::addCoreOps(resolver) == Status::kOk;
  EXPECT_TRUE(ready);
  static std::vector<uint8_t> arena(512 * 1024);
  Interpreter interp(bytes.data(), bytes.size(), resolver, arena.data(), arena.size());
  Status s = interp.status();
  if (s == Status::kOk) s = interp.allocate();
  if (s == Status::kOk) {
    for (uint32_t i = 0; i < interp.inputsSize(); ++i) {
      const TensorView v = interp.input(i);
      if (v.data != nullptr) std::memset(v.data, 0x5a, v.bytes);
    }
    s = interp.invoke();
    EXPECT_EQ(s, Status::kOk);
  }
  if (detail != nullptr) *detail = interp.error();
  EXPECT_LT(static_cast<unsigned>(s), static_cast<unsigned>(Status::kCount));
  EXPECT_NE(statusMessage(s), nullptr);
  return s;
}

// Position of field `id` of the root Model table, or 0.
size_t rootField(const std::vector<uint8_t>& bytes, uint32_t id) {
  fb::Buffer buf(bytes.data(), bytes.size());
  const fb::Table root(&buf, fb::followOffset(&buf, 0));
  const uint16_t off = root.fieldOffset(id);
  return off == 0 ? 0 : root.position() + off;
}

class MalformedModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::sharedDir().empty()) GTEST_SKIP() << test::kSharedMissing;
  }
};

TEST_F(MalformedModel, TooSmallAndWrongIdentifier) {
  std::vector<uint8_t> tiny = {1, 2, 3};
  EXPECT_EQ(exercise(tiny), Status::kModelNotLoaded);
  Model m;
  EXPECT_EQ(m.load(tiny.data(), tiny.size()), Status::kModelTooSmall);
  std::vector<uint8_t> bytes = loadModel("hello_world_int8");
  bytes[4] = 'X';
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kBadIdentifier);
  EXPECT_EQ(m.load(nullptr, 10), Status::kNullArgument);
}

TEST_F(MalformedModel, RootOffsetOutOfRange) {
  std::vector<uint8_t> bytes = loadModel("hello_world_int8");
  bytes[0] = 0xff;
  bytes[1] = 0xff;
  bytes[2] = 0xff;
  bytes[3] = 0x7f;
  Model m;
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kOffsetOutOfRange);
  EXPECT_STREQ(m.error().table, "Model");
}

TEST_F(MalformedModel, WrongSchemaVersion) {
  std::vector<uint8_t> bytes = loadModel("hello_world_int8");
  const size_t pos = rootField(bytes, schema::model::kVersion);
  ASSERT_NE(pos, 0u);
  bytes[pos] = 2;
  Model m;
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kBadSchemaVersion);
  EXPECT_EQ(m.error().value, 2);
}

TEST_F(MalformedModel, OperatorInputIndexOutOfRange) {
  std::vector<uint8_t> bytes = loadModel("hello_world_int8");
  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk);
  const size_t pos = m.op(1).inputs.position();  // first input of operator 1
  bytes[pos] = 0x0f;
  bytes[pos + 1] = 0x27;  // 9999
  Model broken;
  EXPECT_EQ(broken.load(bytes.data(), bytes.size()), Status::kBadIndex);
  EXPECT_STREQ(broken.error().table, "Operator");
  EXPECT_STREQ(broken.error().field, "inputs");
  EXPECT_EQ(broken.error().opIndex, 1);
  EXPECT_EQ(broken.error().value, 9999);
}

TEST_F(MalformedModel, NegativeDimension) {
  std::vector<uint8_t> bytes = loadModel("hello_world_int8");
  Model m;
  ASSERT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk);
  fb::Buffer buf(bytes.data(), bytes.size());
  const TensorDesc t = m.tensor(7);
  ASSERT_GE(t.rank, 1);
  // Find the shape vector of tensor 7 and make its first dimension -5.
  const fb::Vector shapes = fb::tableAt(&buf, fb::tableAt(&buf, fb::followOffset(&buf, 0))
                                                  .vector(schema::model::kSubgraphs, 4)
                                                  .target(0))
                                .vector(schema::subgraph::kTensors, 4);
  const fb::Vector shape = fb::tableAt(&buf, shapes.target(7)).vector(schema::tensor::kShape, 4);
  const int32_t minusFive = -5;
  std::memcpy(&bytes[shape.position()], &minusFive, 4);
  Model broken;
  EXPECT_EQ(broken.load(bytes.data(), bytes.size()), Status::kBadShape);
  EXPECT_EQ(broken.error().tensorIndex, 7);
}

TEST_F(MalformedModel, UnsupportedOperatorIsNamedAtAllocate) {
  const std::vector<uint8_t> bytes = loadModel("trained_lstm_int8");
  ErrorDetail d;
  EXPECT_EQ(exercise(bytes, &d), Status::kUnsupportedOp);
  EXPECT_EQ(d.opIndex, 0);
  EXPECT_STREQ(d.opName, "UNIDIRECTIONAL_SEQUENCE_LSTM");
  EXPECT_EQ(d.value, 44);
  EXPECT_EQ(
      host::formatError(d),
      "the operator is not supported by the op table (operator 0 UNIDIRECTIONAL_SEQUENCE_LSTM, "
      "Operator.opcode_index, value 44)");
}

TEST_F(MalformedModel, ArenaTooSmallAndInvokeBeforeAllocate) {
  const std::vector<uint8_t> bytes = loadModel("person_detect");
  AllOpsResolver resolver;
  ASSERT_EQ(kernels::addCoreOps(resolver), Status::kOk);
  std::vector<uint8_t> arena(16 * 1024);
  Interpreter interp(bytes.data(), bytes.size(), resolver, arena.data(), arena.size());
  EXPECT_EQ(interp.invoke(), Status::kNotAllocated);
  EXPECT_EQ(interp.allocate(), Status::kArenaTooSmall);
  EXPECT_EQ(interp.invoke(), Status::kNotAllocated);
}

TEST_F(MalformedModel, EveryTruncationFailsCleanly) {
  for (const std::string& name :
       {std::string("hello_world_int8"), std::string("micro_speech_quantized")}) {
    const std::vector<uint8_t> bytes = loadModel(name);
    ASSERT_FALSE(bytes.empty());
    const size_t step = bytes.size() / 400 + 1;
    for (size_t len = 0; len < bytes.size(); len += step) {
      std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
      Model m;
      EXPECT_NE(m.load(cut.data(), cut.size()), Status::kOk) << name << " cut at " << len;
      exercise(cut);
    }
  }
}

TEST_F(MalformedModel, BitFlipsNeverCrash) {
  uint32_t rng = 12345;
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
  };
  for (const std::string& name :
       {std::string("hello_world_int8"), std::string("micro_speech_quantized"),
        std::string("ad01_int8")}) {
    const std::vector<uint8_t> original = loadModel(name);
    ASSERT_FALSE(original.empty());
    int rejected = 0;
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<uint8_t> bytes = original;
      const int flips = 1 + static_cast<int>(next() % 4);
      for (int f = 0; f < flips; ++f) {
        // Bias flips towards the structural part (the first and last KiB).
        size_t pos = next() % bytes.size();
        if (trial % 2 == 0 && bytes.size() > 2048) {
          pos = (next() % 2 == 0) ? next() % 1024 : bytes.size() - 1 - next() % 1024;
        }
        bytes[pos] = static_cast<uint8_t>(bytes[pos] ^ (1u << (next() % 8)));
      }
      if (exercise(bytes) != Status::kOk) ++rejected;
    }
    EXPECT_GT(rejected, 0) << name;
  }
}

}  // namespace
}  // namespace tinyscope::runner
