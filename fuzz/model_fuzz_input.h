// Shared by the model fuzz targets: the op table with every kernel, and the fuzz bytes copied
// into 8-byte-aligned storage (the runtime reads a model in place and checks data alignment).
// One thread (libFuzzer's); the copy lives until the next call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "model_runner/kernels/all_ops.h"

namespace tinyscope::runner::fuzz {

// Null when the table could not be filled (then the target returns at once).
inline const OpResolver* allOpsResolver() {
  static AllOpsResolver resolver;
  static const bool ready = kernels::addAllOps(resolver) == Status::kOk;
  return ready ? &resolver : nullptr;
}

inline const uint8_t* alignedModel(const uint8_t* data, size_t size) {
  static std::vector<uint64_t> model;
  model.assign((size + 7) / 8, 0);
  if (size > 0) std::memcpy(model.data(), data, size);
  return reinterpret_cast<const uint8_t*>(model.data());
}

}  // namespace tinyscope::runner::fuzz
