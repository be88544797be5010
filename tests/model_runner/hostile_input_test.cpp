// Hostile models and files that used to crash the runtime's host tools (SIGFPE, uncaught
// std::ios_base::failure, reads of /dev/zero) or were accepted with lies: each case is the exact
// input, and each must now give one clear error naming the operator, tensor, field or file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "hostile_models.h"
#include "model_runner/host/error_format.h"
#include "model_runner/host/file_io.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_dump.h"
#include "model_runner/model.h"
#include "test_support.h"

namespace tinyscope::runner {
namespace {

std::vector<uint8_t> sharedModel(const std::string& name) {
  std::vector<uint8_t> bytes;
  std::string error;
  EXPECT_TRUE(
      host::readBinaryFile(test::sharedDir() + "/models/" + name + ".tflite", &bytes, &error))
      << error;
  return bytes;
}

class HostileModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::sharedDir().empty()) GTEST_SKIP() << test::kSharedMissing;
  }
};

// The SIGFPE of `inspect`/`run`/`infer --model`/GUI: an LSTM output with a zero last dimension.
TEST_F(HostileModel, LstmOutputWithZeroLastDimIsRefusedNamingTheOperator) {
  for (const char* name : {"trained_lstm_int8", "micro_speech_lstm"}) {
    int32_t op = -1, tensor = -1;
    const std::vector<uint8_t> bytes =
        test::lstmOutputWithZeroLastDim(sharedModel(name), &op, &tensor);
    ASSERT_FALSE(bytes.empty()) << name;
    Model m;
    EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kBadShape) << name;
    EXPECT_EQ(m.error().opIndex, op);
    EXPECT_STREQ(m.error().opName, "UNIDIRECTIONAL_SEQUENCE_LSTM");
    EXPECT_EQ(m.error().tensorIndex, tensor);
    EXPECT_EQ(host::formatError(m.error()),
              "a tensor shape is invalid (operator " + std::to_string(op) +
                  " UNIDIRECTIONAL_SEQUENCE_LSTM, tensor " + std::to_string(tensor) +
                  ", Operator.outputs (zero-sized dimension))");
    host::ModelSummary summary;
    std::string error;
    EXPECT_FALSE(host::buildModelSummary(bytes.data(), bytes.size(), &summary, &error));
    EXPECT_NE(error.find("UNIDIRECTIONAL_SEQUENCE_LSTM"), std::string::npos) << error;
  }
}

struct DefectCase {
  const char* model;
  bool perChannel;  // apply to the first per-channel tensor, else to model input 0
  test::QuantDefect defect;
  const char* field;
};

class QuantRule : public HostileModel, public ::testing::WithParamInterface<DefectCase> {};

// One rule for quantization parameters, checked once in the verifier.
TEST_P(QuantRule, IsRefusedByTheVerifierNamingTensorAndField) {
  const DefectCase& c = GetParam();
  const std::vector<uint8_t> original = sharedModel(c.model);
  Model ok;
  ASSERT_EQ(ok.load(original.data(), original.size()), Status::kOk);
  const int32_t tensor = c.perChannel ? test::firstPerChannelTensor(original) : ok.inputs().i32(0);
  ASSERT_GE(tensor, 0);
  const std::vector<uint8_t> bytes =
      test::withQuantDefect(original, static_cast<uint32_t>(tensor), c.defect);
  ASSERT_FALSE(bytes.empty()) << test::quantDefectName(c.defect);
  Model m;
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kBadQuantization);
  EXPECT_EQ(m.error().tensorIndex, tensor);
  EXPECT_STREQ(m.error().table, "QuantizationParameters");
  EXPECT_EQ(std::string(m.error().field).rfind(c.field, 0), 0u) << m.error().field;
  host::ModelSummary summary;
  std::string error;
  EXPECT_FALSE(host::buildModelSummary(bytes.data(), bytes.size(), &summary, &error));
  EXPECT_NE(error.find("tensor " + std::to_string(tensor)), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Defects, QuantRule,
    ::testing::Values(
        DefectCase{"hello_world_int8", false, test::QuantDefect::kNoZeroPoint, "zero_point"},
        DefectCase{"hello_world_int8", false, test::QuantDefect::kEmptyZeroPoint, "zero_point"},
        DefectCase{"hello_world_int8", false, test::QuantDefect::kScaleNaN, "scale"},
        DefectCase{"hello_world_int8", false, test::QuantDefect::kScaleInfinite, "scale"},
        DefectCase{"hello_world_int8", false, test::QuantDefect::kScaleZero, "scale"},
        DefectCase{"hello_world_int8", false, test::QuantDefect::kScaleNegative, "scale"},
        DefectCase{"hello_world_int8", false, test::QuantDefect::kZeroPointOutOfRange,
                   "zero_point"},
        DefectCase{"person_detect", true, test::QuantDefect::kPerChannelTooShort, "scale"},
        DefectCase{"person_detect", true, test::QuantDefect::kPerChannelScaleShort, "zero_point"}),
    [](const ::testing::TestParamInfo<DefectCase>& p) {
      return std::string(test::quantDefectName(p.param.defect));
    });

// Every real model keeps passing the stricter rules.
TEST_F(HostileModel, EveryRealModelPassesTheVerifier) {
  for (const char* tier : {"core", "extended", "large"}) {
    for (const std::string& name : test::modelsOfTier(tier)) {
      const std::vector<uint8_t> bytes = sharedModel(name);
      Model m;
      EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kOk)
          << name << ": " << host::formatError(m.error());
    }
  }
}

// A scratch folder removed at the end of each test.
class HostileFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tinyscope_hostile_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + m_dir + "'").c_str()); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(m_dir + "/" + name, std::ios::binary) << text;
  }
  std::string m_dir;
};

// The uncaught std::ios_base::failure of the CLI, GUI and agent on a folder given as a model.
TEST_F(HostileFile, ReadBinaryFileRefusesFoldersDevicesFifosAndOversizedFiles) {
  std::vector<uint8_t> out;
  std::string error;
  EXPECT_FALSE(host::readBinaryFile(m_dir, &out, &error));
  EXPECT_EQ(error, m_dir + " is a folder, not a file");
  EXPECT_FALSE(host::readBinaryFile("/dev/zero", &out, &error));
  EXPECT_EQ(error, "/dev/zero is not a regular file (a device, FIFO or socket)");
  const std::string fifo = m_dir + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(host::readBinaryFile(fifo, &out, &error));  // must not block
  EXPECT_EQ(error, fifo + " is not a regular file (a device, FIFO or socket)");
  EXPECT_FALSE(host::readBinaryFile(m_dir + "/missing", &out, &error));
  EXPECT_EQ(error, "cannot open " + m_dir + "/missing: No such file or directory");
  write("ten", "0123456789");
  EXPECT_FALSE(host::readBinaryFile(m_dir + "/ten", &out, &error, 9));
  EXPECT_EQ(error, m_dir + "/ten holds 10 bytes, more than the 9 bytes accepted here");
  ASSERT_TRUE(host::readBinaryFile(m_dir + "/ten", &out, &error, 10)) << error;
  EXPECT_EQ(out.size(), 10u);
  EXPECT_FALSE(host::readBinaryFile(m_dir + "/ten/x", &out, &error));  // a file as a folder
  EXPECT_EQ(error, "cannot open " + m_dir + "/ten/x: Not a directory");
  if (geteuid() != 0) {  // root reads anything
    ASSERT_EQ(chmod((m_dir + "/ten").c_str(), 0), 0);
    EXPECT_FALSE(host::readBinaryFile(m_dir + "/ten", &out, &error));
    EXPECT_EQ(error, "cannot open " + m_dir + "/ten: Permission denied");
  }
  host::ModelFile model;
  EXPECT_FALSE(host::loadModelFile(m_dir, &model, &error));
  EXPECT_EQ(error, m_dir + " is a folder, not a file");
}

// A dump written by a desktop run, for the manifest tests below.
class HostileDump : public HostileFile {
 protected:
  void SetUp() override {
    HostileFile::SetUp();
    if (test::sharedDir().empty()) GTEST_SKIP() << test::kSharedMissing;
    std::string error;
    ASSERT_TRUE(host::loadModelFile(test::sharedDir() + "/models/hello_world_int8.tflite", &m_model,
                                    &error))
        << error;
    m_input = host::xorshift32Bytes(1, 1);
    host::RunOptions options;
    options.kernels = host::Kernels::kReference;
    ASSERT_TRUE(host::runModel(m_model, {m_input}, options, &m_run, &error)) << error;
    ASSERT_TRUE(
        host::makeDump(m_model, "seed1", "xorshift32 seed 1", 1, m_input, m_run, &m_dump, &error))
        << error;
    m_case = m_dir + "/case";
    ASSERT_TRUE(host::writeDump(m_case, m_dump, &error)) << error;
  }
  // The dump's manifest with tensor `t`'s "file" replaced by `file`.
  void rewriteFile(int32_t t, const std::string& file) {
    host::DumpManifest man = m_dump.manifest;
    for (host::DumpTensor& d : man.tensors)
      if (d.index == t) d.file = file;
    write("case/manifest.json", host::manifestToJson(man));
  }
  int32_t dumpedTensor() const {
    for (const host::DumpTensor& d : m_dump.manifest.tensors)
      if (!d.file.empty()) return d.index;
    return -1;
  }
  host::ModelFile m_model;
  std::vector<uint8_t> m_input;
  host::RunResult m_run;
  host::TensorDump m_dump;
  std::string m_case;
};

TEST_F(HostileDump, ManifestPathsStayInsideTheDumpFolder) {
  const int32_t t = dumpedTensor();
  ASSERT_GE(t, 0);
  host::TensorDump back;
  std::string error;
  ASSERT_TRUE(host::readDump(m_case, &back, &error)) << error;

  write("secret.bin", std::string(m_dump.manifest.tensors[static_cast<size_t>(t)].bytes, 'x'));
  rewriteFile(t, "../secret.bin");
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find(m_case + "/../secret.bin leads outside the dump folder"), std::string::npos)
      << error;

  rewriteFile(t, m_dir + "/secret.bin");
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find("which is not a path inside the dump folder"), std::string::npos) << error;

  ASSERT_EQ(symlink("/dev/zero", (m_case + "/tensors/zero.bin").c_str()), 0);
  rewriteFile(t, "tensors/zero.bin");
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find("leads outside the dump folder (to /dev/zero)"), std::string::npos) << error;

  ASSERT_EQ(symlink((m_dir + "/secret.bin").c_str(), (m_case + "/tensors/link.bin").c_str()), 0);
  rewriteFile(t, "tensors/link.bin");
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find("leads outside the dump folder"), std::string::npos) << error;

  ASSERT_EQ(mkfifo((m_case + "/tensors/fifo.bin").c_str(), 0600), 0);
  rewriteFile(t, "tensors/fifo.bin");
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find("fifo.bin is not a regular file"), std::string::npos) << error;

  rewriteFile(t, "tensors");
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find("tensors is a folder, not a file"), std::string::npos) << error;
}

TEST_F(HostileDump, SizesComeFromTheManifestShape) {
  const int32_t t = dumpedTensor();
  ASSERT_GE(t, 0);
  const host::DumpTensor& d = m_dump.manifest.tensors[static_cast<size_t>(t)];
  // A data file longer than shape x type: refused before it is read, naming the file.
  write("case/" + d.file, std::string(d.bytes + 5, 'x'));
  host::TensorDump back;
  std::string error;
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_EQ(error, m_case + "/" + d.file + " holds " + std::to_string(d.bytes + 5) +
                       " bytes, more than the " + std::to_string(d.bytes) + " bytes accepted here");
  write("case/" + d.file, std::string(d.bytes - 1, 'x'));
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_EQ(error, m_case + "/" + d.file + " holds " + std::to_string(d.bytes - 1) +
                       " bytes, the manifest's shape says " + std::to_string(d.bytes));

  // A manifest whose bytes do not follow from its shape (the 3 GB /dev/zero read).
  host::DumpManifest man = m_dump.manifest;
  man.tensors[static_cast<size_t>(t)].bytes = 3000000000ull;
  write("case/manifest.json", host::manifestToJson(man));
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(error.find("manifest.json: tensors[" + std::to_string(t) + "].bytes is not an integer"),
            std::string::npos)
      << error;
  man.tensors[static_cast<size_t>(t)].bytes = d.bytes * 2;
  write("case/manifest.json", host::manifestToJson(man));
  EXPECT_FALSE(host::readDump(m_case, &back, &error));
  EXPECT_NE(
      error.find("tensors[" + std::to_string(t) + "].bytes is " + std::to_string(d.bytes * 2) +
                 ", but shape x int8 gives " + std::to_string(d.bytes)),
      std::string::npos)
      << error;
}

TEST_F(HostileDump, ManifestNumbersOutOfRangeAreNamed) {
  std::string error;
  host::DumpManifest man;
  EXPECT_FALSE(host::parseManifest(
      R"({"tensors": [{"index": 1e300, "type": "int8", "shape": [1], "bytes": 1}]})", &man,
      &error));
  EXPECT_EQ(error, "tensors[0].index is not an integer in 0..0");
  EXPECT_FALSE(host::parseManifest(R"({"outputs": [7], "tensors": []})", &man, &error));
  EXPECT_EQ(error, "outputs[0] is not an integer in 0..-1");
  EXPECT_FALSE(host::parseManifest(
      R"({"tensors": [{"index": 0, "type": "int8", "shape": [1], "bytes": 1,
                       "scale": [0.5], "zero_point": []}]})",
      &man, &error));
  EXPECT_EQ(error, "tensors[0].zero_point has 0 entries, scale 1");
  EXPECT_FALSE(host::parseManifest(
      R"({"tensors": [{"index": 0, "type": "int8", "shape": [-4], "bytes": 1}]})", &man, &error));
  EXPECT_EQ(error, "tensors[0].shape[0] is not an integer in 0..2147483647");
  EXPECT_FALSE(host::parseManifest(
      R"({"tensors": [{"index": 0, "type": "int32", "shape": [65536, 65536, 65536], "bytes": 1}]})",
      &man, &error));
  EXPECT_EQ(error, "tensors[0].shape x int32 exceeds 1073741824 bytes");
}

// Desktop dumps say which kernels produced them (they said "reference" after optimized runs).
TEST_F(HostileDump, DumpRecordsTheKernelSetThatRan) {
  EXPECT_EQ(m_dump.manifest.kernels, "reference");
  EXPECT_NE(m_dump.manifest.oracle.find("reference kernels"), std::string::npos);
  host::RunOptions options;
  options.kernels = host::Kernels::kOptimized;
  host::RunResult run;
  std::string error;
  ASSERT_TRUE(host::runModel(m_model, {m_input}, options, &run, &error)) << error;
  host::TensorDump dump;
  ASSERT_TRUE(host::makeDump(m_model, "seed1", "s", 1, m_input, run, &dump, &error)) << error;
  const std::string expected = host::optimizedKernelsAvailable() ? "optimized" : "reference";
  EXPECT_EQ(dump.manifest.kernels, expected);
  EXPECT_NE(dump.manifest.oracle.find(expected + " kernels"), std::string::npos)
      << dump.manifest.oracle;
  ASSERT_TRUE(host::writeDump(m_dir + "/opt", dump, &error)) << error;
  host::TensorDump back;
  ASSERT_TRUE(host::readDump(m_dir + "/opt", &back, &error)) << error;
  EXPECT_EQ(back.manifest.kernels, expected);
  EXPECT_EQ(back.manifest.oracle, dump.manifest.oracle);
  // A device run records no desktop kernel set.
  host::RunResult device = run;
  device.kernelsKnown = false;
  ASSERT_TRUE(host::makeDump(m_model, "device", "s", -1, m_input, device, &dump, &error)) << error;
  EXPECT_TRUE(dump.manifest.kernels.empty());
}

}  // namespace
}  // namespace tinyscope::runner

namespace tinyscope::runner {
namespace {

// The same zero-sized LSTM output in a model written from scratch (no third-party bytes).
TEST(HostileModelFromScratch, LstmWithZeroSizedOutputIsRefused) {
  const std::vector<uint8_t> fine = test::tinyLstmModel(2);
  Model m;
  ASSERT_EQ(m.load(fine.data(), fine.size()), Status::kOk) << host::formatError(m.error());
  host::ModelSummary summary;
  std::string error;
  ASSERT_TRUE(host::buildModelSummary(fine.data(), fine.size(), &summary, &error)) << error;
  // 4 gates x (2x4 input + 2x2 recurrent weights) per step, 3 steps.
  EXPECT_EQ(summary.operators.at(0).macs, 4u * (8u + 4u) * 3u);
  const std::vector<uint8_t> bytes = test::tinyLstmModel(0);
  EXPECT_EQ(m.load(bytes.data(), bytes.size()), Status::kBadShape);
  EXPECT_EQ(host::formatError(m.error()),
            "a tensor shape is invalid (operator 0 UNIDIRECTIONAL_SEQUENCE_LSTM, tensor 15, "
            "Operator.outputs (zero-sized dimension))");
}

// Every input kept in fuzz/regressions/ (the crash inputs of this suite, from the repo's own
// demo model and written-from-scratch graphs) is refused with a status, not a crash.
TEST(FuzzRegressions, EverySeedIsRefusedByTheVerifier) {
  const std::string dir = std::string(TINYSCOPE_SOURCE_DIR) + "/fuzz/regressions";
  int seen = 0;
  for (const char* name :
       {"lstm_output_zero_last_dim", "input_zero_dim", "quant_no_zero_point",
        "quant_empty_zero_point", "quant_scale_nan", "quant_scale_inf", "quant_scale_zero",
        "quant_scale_negative", "quant_zero_point_out_of_range"}) {
    std::vector<uint8_t> bytes;
    std::string error;
    ASSERT_TRUE(host::readBinaryFile(dir + "/" + name + ".tflite", &bytes, &error)) << error;
    Model m;
    const Status s = m.load(bytes.data(), bytes.size());
    EXPECT_TRUE(s == Status::kBadShape || s == Status::kBadQuantization)
        << name << ": " << host::formatError(m.error());
    host::ModelSummary summary;
    EXPECT_FALSE(host::buildModelSummary(bytes.data(), bytes.size(), &summary, &error)) << name;
    ++seen;
  }
  EXPECT_EQ(seen, 9);
}

}  // namespace
}  // namespace tinyscope::runner
