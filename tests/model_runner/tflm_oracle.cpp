#include "tflm_oracle.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "model_runner/host/error_format.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "test_support.h"

namespace tinyscope::runner::test {
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string shellQuoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

const OpResolver& referenceOps() {
  static AllOpsResolver resolver;
  static const Status ready = kernels::addAllOps(resolver);
  EXPECT_EQ(ready, Status::kOk);
  return resolver;
}

}  // namespace

std::string tflmRunPath() {
  const std::string shared = sharedDir();
  if (shared.empty()) return {};
  const fs::path tool = fs::path(shared) / "tools" / "tflm_run";
  return fs::exists(tool) ? tool.string() : std::string();
}

OracleRun runTflm(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0) {
  OracleRun run;
  const std::string tool = tflmRunPath();
  if (tool.empty()) {
    run.status = kTflmMissing;
    return run;
  }
  char pattern[] = "/tmp/tinyscope_tflm_XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    run.status = "cannot create a temporary folder";
    return run;
  }
  const fs::path dir = pattern;
  writeFile(dir / "model.tflite", model);
  std::string cmd = shellQuoted(tool) + " " + shellQuoted(dir / "model.tflite");
  if (!input0.empty()) {
    writeFile(dir / "input.bin", input0);
    cmd += " --input " + shellQuoted(dir / "input.bin");
  }
  cmd += " --output-dir " + shellQuoted(dir) + " 2>&1";
  std::string text;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) text += buf;
    ::pclose(pipe);
  }
  const size_t at = text.find("status ");
  if (at != std::string::npos) {
    const size_t end = text.find('\n', at);
    run.status = text.substr(at + 7, end == std::string::npos ? std::string::npos : end - at - 7);
  } else {
    run.status = "no status from tflm_run: " + text;
  }
  run.ok = run.status == "ok";
  for (int k = 0; run.ok; ++k) {
    const fs::path out = dir / (k == 0 ? "output.bin" : "output" + std::to_string(k) + ".bin");
    if (!fs::exists(out)) break;
    run.outputs.push_back(readFile(out));
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return run;
}

OracleRun runTinyscope(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0) {
  OracleRun run;
  std::vector<uint8_t> arena(16u << 20);
  Interpreter interp(model.data(), model.size(), referenceOps(), arena.data(), arena.size());
  const Status s = interp.allocate();
  if (s != Status::kOk) {
    run.status = "refused: " + host::formatError(interp.error());
    return run;
  }
  if (!input0.empty()) {
    const TensorView in = interp.input(0);
    if (in.bytes != input0.size()) {
      run.status =
          "input size " + std::to_string(input0.size()) + " != " + std::to_string(in.bytes);
      return run;
    }
    std::memcpy(in.data, input0.data(), in.bytes);
  } else if (interp.inputsSize() > 0) {
    const TensorView in = interp.input(0);
    std::memset(in.data, 0, in.bytes);
  }
  if (interp.invoke() != Status::kOk) {
    run.status = "invoke failed";
    return run;
  }
  run.ok = true;
  run.status = "ok";
  for (uint32_t k = 0; k < interp.outputsSize(); ++k) {
    const TensorView out = interp.output(k);
    const auto* p = static_cast<const uint8_t*>(out.data);
    run.outputs.emplace_back(p, p + out.bytes);
  }
  return run;
}

namespace {

void expectSameRuns(const OracleRun& tflm, const OracleRun& ours) {
  ASSERT_EQ(tflm.ok, ours.ok) << "TFLM: " << tflm.status << "; tinyscope: " << ours.status;
  if (!tflm.ok) return;
  ASSERT_FALSE(tflm.outputs.empty()) << "tflm_run wrote no output";
  ASSERT_EQ(tflm.outputs.size(), ours.outputs.size());
  for (size_t k = 0; k < tflm.outputs.size(); ++k) {
    const auto& a = tflm.outputs[k];
    const auto& b = ours.outputs[k];
    ASSERT_EQ(a.size(), b.size()) << "output " << k << " size";
    const auto diff = std::mismatch(a.begin(), a.end(), b.begin());
    EXPECT_TRUE(diff.first == a.end())
        << "output " << k << " differs first at byte " << (diff.first - a.begin()) << ": TFLM "
        << int(*diff.first) << ", tinyscope " << int(*diff.second);
  }
}

}  // namespace

void expectSameAsTflm(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0) {
  expectSameAsTflmRan(model, input0);
}

bool expectSameAsTflmRan(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0) {
  const OracleRun tflm = runTflm(model, input0);
  const OracleRun ours = runTinyscope(model, input0);
  expectSameRuns(tflm, ours);
  return tflm.ok && ours.ok;
}

void expectBothRefuse(const std::vector<uint8_t>& model, const std::string& opName) {
  SCOPED_TRACE(opName);
  const OracleRun tflm = runTflm(model, {});
  const OracleRun ours = runTinyscope(model, {});
  EXPECT_FALSE(tflm.ok) << "TFLM ran the model";
  EXPECT_FALSE(ours.ok) << "tinyscope ran the model";
  EXPECT_NE(ours.status.find("operator 0 " + opName), std::string::npos) << ours.status;
}

}  // namespace tinyscope::runner::test
