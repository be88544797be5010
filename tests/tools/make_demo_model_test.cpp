// The bundled demo model: make_demo_model regenerates the committed files byte for byte, the
// model has the documented int8 structure, and tinyscope's runtime classifies the synthetic
// gestures as the generator's own int8 check said it would.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "firmware_agent/core/gesture_signal.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/core_ops.h"
#include "model_runner/model.h"

namespace tinyscope {
namespace {

namespace fs = std::filesystem;
using runner::Model;
using runner::Status;
using runner::TensorDesc;
using runner::TensorType;
namespace s = runner::schema;

const fs::path kCommittedDir = TINYSCOPE_MODELS_DIR;

std::vector<uint8_t> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string str(const runner::fb::String& v) {
  return v.present() ? std::string(v.chars, v.length) : std::string();
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "tinyscope_demo_model_XXXXXX").string();
    if (mkdtemp(templ.data()) != nullptr) m_path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

TEST(MakeDemoModel, RegeneratesTheCommittedFilesByteForByte) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string cmd =
      std::string("\"") + TINYSCOPE_MAKE_DEMO_MODEL + "\" --quiet \"" + dir.path().string() + "\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* name : {"imu_gesture_demo.tflite", "imu_gesture_demo.json"}) {
    const std::vector<uint8_t> fresh = readFile(dir.path() / name);
    const std::vector<uint8_t> committed = readFile(kCommittedDir / name);
    ASSERT_FALSE(committed.empty()) << (kCommittedDir / name) << " is missing";
    EXPECT_TRUE(fresh == committed)
        << name << " differs from the committed copy: regenerate it with "
        << "make_demo_model resources/models (see resources/models/README.md)";
  }
}

TEST(MakeDemoModel, UsageErrorsExitWithTwo) {
  const std::string exe = std::string("\"") + TINYSCOPE_MAKE_DEMO_MODEL + "\"";
  EXPECT_EQ(WEXITSTATUS(std::system((exe + " 2>/dev/null").c_str())), 2);
  EXPECT_EQ(WEXITSTATUS(std::system((exe + " --bogus x 2>/dev/null").c_str())), 2);
  EXPECT_EQ(
      WEXITSTATUS(std::system((exe + " /nonexistent-dir/for/sure 2>/dev/null >/dev/null").c_str())),
      1);
}

class CommittedDemoModel : public ::testing::Test {
 protected:
  void SetUp() override {
    m_bytes = readFile(kCommittedDir / "imu_gesture_demo.tflite");
    ASSERT_FALSE(m_bytes.empty());
    ASSERT_EQ(m_model.load(m_bytes.data(), m_bytes.size()), Status::kOk);
  }
  std::vector<uint8_t> m_bytes;
  Model m_model;
};

TEST_F(CommittedDemoModel, HasTheDocumentedGraph) {
  ASSERT_EQ(m_model.numOperators(), 4u);
  EXPECT_STREQ(m_model.op(0).name(), "RESHAPE");
  EXPECT_STREQ(m_model.op(1).name(), "FULLY_CONNECTED");
  EXPECT_STREQ(m_model.op(2).name(), "FULLY_CONNECTED");
  EXPECT_STREQ(m_model.op(3).name(), "SOFTMAX");
  EXPECT_EQ(m_model.op(1).options.i8(s::fully_connected_options::kActivation),
            static_cast<int8_t>(s::Activation::kRelu));
  EXPECT_EQ(m_model.op(2).options.i8(s::fully_connected_options::kActivation),
            static_cast<int8_t>(s::Activation::kNone));
  EXPECT_EQ(m_model.op(3).options.f32(s::softmax_options::kBeta), 1.0f);

  ASSERT_EQ(m_model.inputs().size(), 1u);
  const TensorDesc in = m_model.tensor(static_cast<uint32_t>(m_model.inputs().i32(0)));
  EXPECT_EQ(str(in.name), "imu_window");
  EXPECT_EQ(in.type, TensorType::kInt8);
  ASSERT_EQ(in.rank, 3);
  EXPECT_EQ(in.dims[1], demo::kWindowLength);
  EXPECT_EQ(in.dims[2], demo::kAxes);
  EXPECT_EQ(in.scale(), 1.0f / 32.0f);
  EXPECT_EQ(in.zeroPoint(), 0);

  ASSERT_EQ(m_model.outputs().size(), 1u);
  const TensorDesc out = m_model.tensor(static_cast<uint32_t>(m_model.outputs().i32(0)));
  EXPECT_EQ(str(out.name), "probabilities");
  EXPECT_EQ(out.dims[1], demo::kGestureCount);
  EXPECT_EQ(out.scale(), 1.0f / 256.0f);
  EXPECT_EQ(out.zeroPoint(), -128);
}

TEST_F(CommittedDemoModel, QuantizedTheWayTfliteDoes) {
  for (uint32_t fcIndex : {1u, 2u}) {
    const runner::OperatorDesc fc = m_model.op(fcIndex);
    const TensorDesc in = m_model.tensor(static_cast<uint32_t>(fc.inputs.i32(0)));
    const TensorDesc w = m_model.tensor(static_cast<uint32_t>(fc.inputs.i32(1)));
    const TensorDesc b = m_model.tensor(static_cast<uint32_t>(fc.inputs.i32(2)));
    const TensorDesc out = m_model.tensor(static_cast<uint32_t>(fc.outputs.i32(0)));
    SCOPED_TRACE(str(w.name));
    ASSERT_TRUE(w.isConstant());
    ASSERT_TRUE(b.isConstant());
    EXPECT_EQ(b.type, TensorType::kInt32);
    const int32_t channels = w.dims[0], depth = w.dims[1];
    ASSERT_EQ(w.numChannels(), static_cast<uint32_t>(channels));
    ASSERT_EQ(b.numChannels(), static_cast<uint32_t>(channels));
    EXPECT_EQ(w.quantizedDimension, 0);
    const auto* q = reinterpret_cast<const int8_t*>(w.constData);
    for (int32_t c = 0; c < channels; ++c) {
      // Symmetric per channel: zero point 0, the largest magnitude maps to 127.
      EXPECT_EQ(w.zeroPoints.i64(static_cast<uint32_t>(c)), 0);
      int maxAbs = 0;
      for (int32_t i = 0; i < depth; ++i) {
        const int v = q[c * depth + i];
        EXPECT_GE(v, -127);
        maxAbs = std::max(maxAbs, std::abs(v));
      }
      EXPECT_EQ(maxAbs, 127);
      // Bias scale = input scale x weight scale, zero point 0.
      EXPECT_EQ(b.scales.f32(static_cast<uint32_t>(c)),
                in.scale() * w.scales.f32(static_cast<uint32_t>(c)));
      EXPECT_EQ(b.zeroPoints.i64(static_cast<uint32_t>(c)), 0);
    }
    if (fcIndex == 1) {
      EXPECT_EQ(out.zeroPoint(), -128);  // ReLU output range starts at 0
    }
    EXPECT_GT(out.scale(), 0.0f);
  }
}

struct Capture {
  int8_t logits[demo::kGestureCount];
};

void captureLogits(const runner::OpEvent& e, void* context) {
  if (e.opIndex != 2) return;
  auto* c = static_cast<Capture*>(context);
  for (int k = 0; k < demo::kGestureCount; ++k) c->logits[k] = e.output.as<int8_t>()[k];
}

// The runtime on the held-out windows: its accuracy (argmax of the int8 logits) must be the
// int8 accuracy the generator's own reference arithmetic recorded in the sidecar.
TEST_F(CommittedDemoModel, RuntimeClassifiesHeldOutGesturesLikeTheGeneratorsCheck) {
  runner::AllOpsResolver resolver;
  ASSERT_EQ(runner::kernels::addCoreOps(resolver), Status::kOk);
  std::vector<uint8_t> arena(16 * 1024);
  runner::Interpreter interp(m_bytes.data(), m_bytes.size(), resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.allocate(), Status::kOk);
  Capture capture{};
  interp.setObserver(captureLogits, &capture);

  constexpr uint32_t kHeldOutSeedBase = 100001;
  constexpr int kPerClass = 250;
  int correct = 0, total = 0, probArgmaxAgrees = 0;
  int16_t raw[demo::kWindowSamples];
  for (int i = 0; i < kPerClass; ++i) {
    for (int g = 0; g < demo::kGestureCount; ++g) {
      demo::fillWindow(static_cast<demo::Gesture>(g), kHeldOutSeedBase + static_cast<uint32_t>(i),
                       raw);
      demo::quantizeWindow(raw, interp.input(0).as<int8_t>());
      ASSERT_EQ(interp.invoke(), Status::kOk);
      const int8_t* probs = interp.output(0).as<int8_t>();
      const int byLogits =
          static_cast<int>(std::max_element(capture.logits, capture.logits + 4) - capture.logits);
      const int byProbs = static_cast<int>(std::max_element(probs, probs + 4) - probs);
      correct += byLogits == g ? 1 : 0;
      probArgmaxAgrees += probs[byLogits] == probs[byProbs] ? 1 : 0;
      ++total;
    }
  }
  const std::vector<uint8_t> json = readFile(kCommittedDir / "imu_gesture_demo.json");
  const std::string text(json.begin(), json.end());
  const std::string key = "\"int8_held_out\": ";
  const size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  const double recorded = std::strtod(text.c_str() + at + key.size(), nullptr);
  const double measured = static_cast<double>(correct) / total;
  EXPECT_NEAR(measured, recorded, 0.5e-4) << "runtime " << measured << " vs generator " << recorded;
  EXPECT_GE(measured, 0.98);
  EXPECT_EQ(probArgmaxAgrees, total);
}

}  // namespace
}  // namespace tinyscope
