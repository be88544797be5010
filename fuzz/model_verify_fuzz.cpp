// libFuzzer target: arbitrary bytes as a .tflite model through verification and planning only
// (Model::load, then Interpreter allocate() with every kernel's prepare); nothing is invoked, so
// each execution costs about one pass over the bytes. Any crash, hang, leak or out-of-bounds
// access (ASan/UBSan) is a bug in model_runner's verifier, planner or a prepare.
// Seeds: the real models and fuzz/regressions/ (scripts/run_fuzzers.sh).
#include <cstddef>
#include <cstdint>

#include "model_fuzz_input.h"
#include "model_runner/interpreter.h"

using namespace tinyscope::runner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const OpResolver* resolver = fuzz::allOpsResolver();
  if (resolver == nullptr) return 0;
  const uint8_t* bytes = fuzz::alignedModel(data, size);
  Model m;
  if (m.load(bytes, size) != Status::kOk) return 0;
  // Every accessor of a verified model must stay in bounds.
  for (uint32_t t = 0; t < m.numTensors(); ++t) (void)m.tensor(t);
  for (uint32_t o = 0; o < m.numOperators(); ++o) (void)m.op(o);
  alignas(16) static uint8_t arena[256 * 1024];
  Interpreter interp(bytes, size, *resolver, arena, sizeof arena);
  if (interp.status() == Status::kOk) interp.allocate();
  return 0;
}
