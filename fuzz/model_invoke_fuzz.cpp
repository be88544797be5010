// libFuzzer target: arbitrary bytes as a .tflite model through verify, allocate and one
// invoke, for models small enough to run fast: at most kMaxMacs multiply-accumulates (as
// `inspect` counts them) in a 192 KiB arena. Larger models are skipped (model_verify_fuzz
// still checks their verification and planning). Any crash, hang, leak or out-of-bounds access
// (ASan/UBSan) is a bug in model_runner.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "model_fuzz_input.h"
#include "model_runner/host/graph_description.h"
#include "model_runner/interpreter.h"

using namespace tinyscope::runner;

namespace {
constexpr uint64_t kMaxMacs = 2'000'000;  // ~ms per invoke under ASan
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const OpResolver* resolver = fuzz::allOpsResolver();
  if (resolver == nullptr) return 0;
  const uint8_t* bytes = fuzz::alignedModel(data, size);
  alignas(16) static uint8_t arena[192 * 1024];
  Interpreter interp(bytes, size, *resolver, arena, sizeof arena);
  if (interp.status() != Status::kOk) return 0;
  uint64_t macs = 0;
  for (uint32_t o = 0; o < interp.model().numOperators() && macs <= kMaxMacs; ++o) {
    const uint64_t opMacs = host::operatorMacs(interp.model(), interp.model().op(o));
    macs = opMacs > kMaxMacs ? kMaxMacs + 1 : macs + opMacs;  // operatorMacs saturates
  }
  if (macs > kMaxMacs) return 0;
  if (interp.allocate() != Status::kOk) return 0;
  for (uint32_t i = 0; i < interp.inputsSize(); ++i) {
    const TensorView v = interp.input(i);
    if (v.data != nullptr) std::memset(v.data, static_cast<int>(size & 0xff), v.bytes);
  }
  interp.invoke();
  return 0;
}
