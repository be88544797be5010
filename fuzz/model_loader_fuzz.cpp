// libFuzzer target: arbitrary bytes as a .tflite model through verify, allocate and invoke.
// Any crash, hang, leak or out-of-bounds access (ASan/UBSan) is a bug in model_runner.
// Seed with the real models: model_loader_fuzz -max_total_time=60 corpus/ ../shared/models/
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"

using namespace tinyscope::runner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static OpResolver resolver;
  static const bool ready = kernels::addAllOps(resolver) == Status::kOk;
  if (!ready) return 0;
  // Aligned private copy: the runtime reads the model in place and checks data alignment.
  static std::vector<uint64_t> model;
  model.assign((size + 7) / 8, 0);
  if (size > 0) std::memcpy(model.data(), data, size);
  alignas(16) static uint8_t arena[192 * 1024];
  Interpreter interp(reinterpret_cast<const uint8_t*>(model.data()), size, resolver, arena,
                     sizeof arena);
  if (interp.status() != Status::kOk) return 0;
  if (interp.allocate() != Status::kOk) return 0;
  for (uint32_t i = 0; i < interp.inputsSize(); ++i) {
    const TensorView v = interp.input(i);
    if (v.data != nullptr) std::memset(v.data, static_cast<int>(size & 0xff), v.bytes);
  }
  interp.invoke();
  return 0;
}
