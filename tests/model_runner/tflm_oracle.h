// TensorFlow Lite Micro as a differential-test oracle: runs a model through
// ../shared/tools/tflm_run (TFLM's reference kernels) and through tinyscope's interpreter with
// the same input, so a kernel test compares the two byte for byte.
//
// tflm_run feeds input 0 only: give every other operand of the model under test as a constant
// tensor. Each call writes the model and input to a fresh temporary folder and removes it.
// Not thread-safe with respect to the temporary folder name (one call at a time per process).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model_runner/status.h"

namespace tinyscope::runner::test {

// Path of tflm_run under ../shared/tools; empty when absent (tests skip with kTflmMissing).
std::string tflmRunPath();
constexpr const char* kTflmMissing = "../shared/tools/tflm_run is missing";

struct OracleRun {
  bool ok = false;     // the engine ran the model
  std::string status;  // tflm_run's "status" line ("ok", "refused prepare", ...) or ours
  std::vector<std::vector<uint8_t>> outputs;  // every subgraph output, raw bytes
};

// TFLM: `input0` is copied into input 0 (empty = zeros). ok=false when TFLM refuses the model.
OracleRun runTflm(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0);
// tinyscope's interpreter with the reference kernels (kernels::addAllOps), same contract.
OracleRun runTinyscope(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0);

// Both engines on one model: the same verdict (both run, or both refuse) and, when they run,
// byte-identical outputs. Failures name the output and the first differing byte.
void expectSameAsTflm(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0);
// The same check; true when both engines ran the model (random-model tests count these so they
// cannot pass on models both refuse).
bool expectSameAsTflmRan(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input0);
// Both engines refuse the model (zero input); tinyscope's error names "operator 0 <opName>".
void expectBothRefuse(const std::vector<uint8_t>& model, const std::string& opName);

}  // namespace tinyscope::runner::test
