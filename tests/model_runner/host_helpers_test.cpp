#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "model_runner/host/error_format.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/json.h"
#include "model_runner/host/sha256.h"
#include "model_runner/host/tensor_comparator.h"
#include "model_runner/host/tensor_dump.h"

namespace tinyscope::runner::host {
namespace {

TEST(InputGenerator, MatchesDocumentedCheckValues) {
  EXPECT_EQ(xorshift32Bytes(1, 8),
            (std::vector<uint8_t>{0x21, 0x01, 0xc5, 0x4f, 0xd1, 0xd0, 0x1a, 0xb2}));
  EXPECT_EQ(xorshift32Bytes(101, 4), (std::vector<uint8_t>{0x03, 0xef, 0x31, 0x36}));
}

TEST(Sha256, KnownVector) {
  const std::string abc = "abc";
  EXPECT_EQ(sha256Hex(reinterpret_cast<const uint8_t*>(abc.data()), abc.size()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Json, ParsesAndRejects) {
  JsonValue v;
  std::string error;
  ASSERT_TRUE(parseJson(R"({"a": [1, -2.5e1, true, null], "b": "x\"\u00e9"})", &v, &error))
      << error;
  ASSERT_NE(v.find("a"), nullptr);
  EXPECT_EQ(v.find("a")->array.size(), 4u);
  EXPECT_DOUBLE_EQ(v.find("a")->array[1].number, -25.0);
  EXPECT_EQ(v.stringOr("b", ""), "x\"\xc3\xa9");
  EXPECT_FALSE(parseJson(R"({"a": [1, 2)", &v, &error));
  EXPECT_NE(error.find("byte"), std::string::npos);
  EXPECT_FALSE(parseJson(std::string(200, '['), &v, &error));
}

TEST(Json, WriterRoundTrip) {
  JsonWriter w;
  w.beginObject().key("n").value(3).key("s").value("q\"").key("l").numbers(
      std::vector<double>{0.5, 1e-9});
  w.key("inf").value(std::nan(""));
  w.endObject();
  JsonValue v;
  std::string error;
  ASSERT_TRUE(parseJson(w.str(), &v, &error)) << error << "\n" << w.str();
  EXPECT_EQ(v.intOr("n", 0), 3);
  EXPECT_EQ(v.stringOr("s", ""), "q\"");
  EXPECT_TRUE(v.find("inf")->isNull());
}

TEST(ErrorFormat, NamesEveryPart) {
  ErrorDetail d;
  d.status = Status::kBadShape;
  d.table = "Tensor";
  d.field = "shape";
  d.tensorIndex = 7;
  d.value = -5;
  d.hasValue = true;
  EXPECT_EQ(formatError(d), "a tensor shape is invalid (tensor 7, Tensor.shape, value -5)");
}

TEST(TensorComparator, MetricsOnKnownDifference) {
  DumpTensor info;
  info.index = 3;
  info.type = "int8";
  info.scale = {0.5};
  info.zeroPoint = {0};
  const std::vector<uint8_t> ref = {10, 20, 30, 40};
  std::vector<uint8_t> test = ref;
  test[2] = 32;
  const TensorComparison c = compareTensorBytes(info, ref, test);
  ASSERT_TRUE(c.compared);
  EXPECT_EQ(c.elements, 4u);
  EXPECT_EQ(c.exactMatches, 3u);
  EXPECT_EQ(c.maxAbsDiff, 2);
  EXPECT_DOUBLE_EQ(c.meanAbsDiff, 0.5);
  EXPECT_GT(c.cosine, 0.99);
  EXPECT_NEAR(c.relativeL2, 2.0 / std::sqrt(3000.0), 1e-12);
  EXPECT_NEAR(c.snrDb, 10.0 * std::log10(3000.0 / 4.0), 1e-9);
  const TensorComparison same = compareTensorBytes(info, ref, ref);
  EXPECT_TRUE(same.identical());
  EXPECT_TRUE(std::isinf(same.snrDb));
}

TEST(TensorDump, WriteReadCompareRoundTrip) {
  TensorDump d;
  d.manifest.model = "m";
  d.manifest.inputs = {0};
  d.manifest.outputs = {1};
  DumpOperator op;
  op.op = "FULLY_CONNECTED";
  op.inputs = {0, 2, -1};
  op.outputs = {1};
  d.manifest.operators.push_back(op);
  for (int i = 0; i < 2; ++i) {
    DumpTensor t;
    t.index = i;
    t.name = "t" + std::to_string(i);
    t.type = "int8";
    t.shape = {1, 2};
    t.scale = {0.25};
    t.zeroPoint = {-3};
    t.bytes = 2;
    t.file = "tensors/T" + std::to_string(i) + ".bin";
    t.producerOp = i == 1 ? 0 : -1;
    t.producerOpName = i == 1 ? "FULLY_CONNECTED" : "";
    d.manifest.tensors.push_back(t);
    d.data[i] = {static_cast<uint8_t>(i), 7};
  }
  d.input = {0, 7};
  d.outputs = {{1, 7}};
  char tmpl[] = "/tmp/tinyscope_dump_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/case";
  std::string error;
  ASSERT_TRUE(writeDump(dir, d, &error)) << error;
  TensorDump back;
  ASSERT_TRUE(readDump(dir, &back, &error)) << error;
  EXPECT_EQ(back.manifest.tensors.size(), 2u);
  EXPECT_EQ(back.manifest.tensors[1].producerOpName, "FULLY_CONNECTED");
  EXPECT_TRUE(back.manifest.tensors[0].producerOpName.empty());
  EXPECT_EQ(back.manifest.operators[0].inputs, (std::vector<int32_t>{0, 2, -1}));
  EXPECT_EQ(back.data, d.data);
  EXPECT_EQ(back.outputs, d.outputs);
  DumpComparison cmp;
  ASSERT_TRUE(compareDumps(d, back, &cmp, &error)) << error;
  EXPECT_TRUE(cmp.identical());
  back.data[1][0] = 9;
  ASSERT_TRUE(compareDumps(d, back, &cmp, &error)) << error;
  EXPECT_FALSE(cmp.identical());
  EXPECT_EQ(cmp.firstDivergingOp, 0);
  EXPECT_EQ(cmp.firstDivergingOpName, "FULLY_CONNECTED");
  EXPECT_EQ(cmp.firstDivergingTensor, 1);
  std::system(("rm -rf " + std::string(tmpl)).c_str());
}

}  // namespace
}  // namespace tinyscope::runner::host
