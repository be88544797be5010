// A non-owning view of one tensor at run time: data pointer plus shape, type and quantization.
// Valid while the Interpreter that produced it is alive; the bytes behind `data` are meaningful
// only while the tensor is live (see Interpreter::tensor()).
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/model.h"

namespace tinyscope::runner {

struct TensorView {
  int32_t index = -1;
  TensorType type = TensorType::kInt8;
  uint8_t rank = 0;
  int32_t dims[kMaxDims] = {};
  size_t bytes = 0;
  float scale = 0.0f;     // first (or only) quantization scale, 0 when unquantized
  int32_t zeroPoint = 0;  // first (or only) zero point
  void* data = nullptr;   // null when the tensor has no storage

  template <typename T>
  T* as() const {
    return static_cast<T*>(data);
  }
};

}  // namespace tinyscope::runner
