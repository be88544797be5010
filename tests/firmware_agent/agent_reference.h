#pragma once
// Desktop side of the bit-exactness checks: the same model_runner Interpreter run
// in-process, every operator's outputs captured by the observer, plus file helpers.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model_runner/interpreter.h"
#include "model_runner/kernels/core_ops.h"

namespace agent_test {

inline std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline bool fileExists(const std::string& path) {
  return std::ifstream(path).good();
}

// Model bytes at 16-byte alignment, as the runtime wants them.
class AlignedModel {
 public:
  explicit AlignedModel(const std::vector<uint8_t>& bytes) : m_size(bytes.size()) {
    m_data = static_cast<uint8_t*>(std::aligned_alloc(16, (bytes.size() + 15) / 16 * 16 + 16));
    std::memcpy(m_data, bytes.data(), bytes.size());
  }
  ~AlignedModel() { std::free(m_data); }
  AlignedModel(const AlignedModel&) = delete;
  AlignedModel& operator=(const AlignedModel&) = delete;
  const uint8_t* data() const { return m_data; }
  size_t size() const { return m_size; }

 private:
  uint8_t* m_data = nullptr;
  size_t m_size = 0;
};

struct ReferenceRun {
  bool ok = false;
  std::string error;
  std::vector<std::vector<uint8_t>> inputs;
  std::map<std::pair<int, int>, std::vector<uint8_t>> opOutputs;  // (op, output k) -> bytes
  std::vector<std::vector<uint8_t>> outputs;
  std::map<int, int> tensorOfOutput;  // not used by every test
};

// Runs `model` on `input` (input 0; empty = leave as allocated) with the desktop runtime.
inline ReferenceRun runReference(const std::vector<uint8_t>& modelBytes,
                                 const std::vector<uint8_t>& input) {
  using namespace tinyscope::runner;
  ReferenceRun run;
  static AllOpsResolver resolver;
  if (resolver.size() == 0) kernels::addCoreOps(resolver);
  AlignedModel model(modelBytes);
  std::vector<uint8_t> arena(16u << 20);
  Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
  if (interp.status() != Status::kOk || interp.allocate() != Status::kOk) {
    run.error = statusMessage(interp.error().status);
    return run;
  }
  const TensorView in = interp.input(0);
  if (!input.empty()) {
    if (input.size() != in.bytes) {
      run.error = "input size mismatch";
      return run;
    }
    std::memcpy(in.data, input.data(), input.size());
  }
  for (uint32_t i = 0; i < interp.inputsSize(); ++i) {
    const TensorView v = interp.input(i);
    const uint8_t* p = static_cast<const uint8_t*>(v.data);
    run.inputs.emplace_back(p, p + v.bytes);
  }
  struct Ctx {
    ReferenceRun* run;
  } ctx{&run};
  interp.setObserver(
      [](const OpEvent& e, void* c) {
        ReferenceRun* r = static_cast<Ctx*>(c)->run;
        const OperatorDesc op = e.interpreter->model().op(uint32_t(e.opIndex));
        for (uint32_t k = 0; k < op.outputs.size(); ++k) {
          const int32_t t = op.outputs.i32(k);
          if (t < 0) continue;
          const TensorView v = e.interpreter->tensor(uint32_t(t));
          if (v.data == nullptr) continue;
          const uint8_t* p = static_cast<const uint8_t*>(v.data);
          r->opOutputs[{e.opIndex, int(k)}] = std::vector<uint8_t>(p, p + v.bytes);
          r->tensorOfOutput[e.opIndex * 256 + int(k)] = t;
        }
      },
      &ctx);
  interp.invoke();
  for (uint32_t i = 0; i < interp.outputsSize(); ++i) {
    const TensorView v = interp.output(i);
    const uint8_t* p = static_cast<const uint8_t*>(v.data);
    run.outputs.emplace_back(p, p + v.bytes);
  }
  run.ok = true;
  return run;
}

}  // namespace agent_test
