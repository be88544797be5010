// ARG_MAX and ARG_MIN (float32, int8 input; int32 output), as TFLite Micro's reference: the
// index along a constant int32 axis of the first largest (smallest) value, compared on the raw
// values. The output has the input's shape without the axis. Memory: a few words of op data.
#pragma once

#include <cstdint>

#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

namespace reference {

// input viewed as [outer, axisSize, inner]; output [outer, inner].
template <typename T, bool kMax>
void argMinMax(const T* input, int32_t outer, int32_t axisSize, int32_t inner, int32_t* output) {
  for (int32_t o = 0; o < outer; ++o) {
    const T* block = input + static_cast<size_t>(o) * axisSize * inner;
    for (int32_t i = 0; i < inner; ++i) {
      T best = block[i];
      int32_t at = 0;
      for (int32_t a = 1; a < axisSize; ++a) {
        const T v = block[static_cast<size_t>(a) * inner + i];
        if (kMax ? v > best : v < best) {
          best = v;
          at = a;
        }
      }
      output[static_cast<size_t>(o) * inner + i] = at;
    }
  }
}

}  // namespace reference

OpRegistration registerArgMax();
OpRegistration registerArgMin();

}  // namespace tinyscope::runner::kernels
