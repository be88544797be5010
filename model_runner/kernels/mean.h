// MEAN, int8/int16, over any set of axes (constant int32 operand, negative axes allowed,
// duplicates ignored), with or without keep_dims, like TFLite Micro's reference kernel, which
// picks one of three methods:
//  - kSpatialInteger: 4D input, keep_dims, axis operand exactly {1, 2} or {2, 1}: per channel
//    sum(q - inZeroPoint), times QuantizeMultiplier(inScale / outScale), divided by the count
//    rounding half away from zero, plus outZeroPoint;
//  - kSameQuantization: input and output share scale and zero point: sum(q) / count truncated;
//  - kFloat: otherwise, in float: round(sum(q) / count * s - inZeroPoint * s) + outZeroPoint
//    with s = inScale / outScale.
// Every method saturates to the output type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "model_runner/model.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

enum class MeanMethod : uint8_t { kSpatialInteger, kSameQuantization, kFloat };

struct MeanParams {
  MeanMethod method = MeanMethod::kFloat;
  int32_t rank = 0;
  int32_t inDims[kMaxDims] = {};
  bool reduced[kMaxDims] = {};
  int32_t outputCount = 0;
  int32_t reducedCount = 1;  // elements summed into each output
  float scale = 1.0f;        // kFloat: inScale / outScale
  float bias = 0.0f;         // kFloat: -inZeroPoint * scale
  int32_t multiplier = 0, shift = 0;  // kSpatialInteger: QuantizeMultiplier(inScale / outScale)
  int32_t inputZeroPoint = 0;
  int32_t outputZeroPoint = 0;
};

namespace reference {

// Keeps a float product out of fused multiply-add contraction (the reference rounds twice).
inline float roundedProduct(float a, float b) {
  volatile float product = a * b;
  return product;
}

// temp: outputCount int32 sums.
template <typename T>
void mean(const MeanParams& p, const T* input, T* output, int32_t* temp) {
  for (int32_t i = 0; i < p.outputCount; ++i) temp[i] = 0;
  size_t total = 1;
  for (int32_t d = 0; d < p.rank; ++d) total *= static_cast<size_t>(p.inDims[d]);
  if (total > 0) {
    int32_t index[kMaxDims] = {};
    for (size_t i = 0; i < total; ++i) {
      // Output offset: row-major over the kept dimensions.
      size_t o = 0;
      for (int32_t d = 0; d < p.rank; ++d) {
        if (!p.reduced[d]) o = o * static_cast<size_t>(p.inDims[d]) + static_cast<size_t>(index[d]);
      }
      const int32_t v = static_cast<int32_t>(input[i]);
      temp[o] = quant::wrappingAdd(temp[o], p.method == MeanMethod::kSpatialInteger ? v - p.inputZeroPoint : v);
      for (int32_t d = p.rank - 1; d >= 0; --d) {
        if (++index[d] < p.inDims[d]) break;
        index[d] = 0;
      }
    }
  }
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int32_t i = 0; i < p.outputCount; ++i) {
    if (p.reducedCount <= 0) {
      output[i] = T();
      continue;
    }
    if (p.method == MeanMethod::kSpatialInteger) {
      const int32_t n = p.reducedCount;
      int32_t acc = quant::multiplyByQuantizedMultiplier(temp[i], p.multiplier, p.shift);
      acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
      const int64_t y = int64_t{acc} + p.outputZeroPoint;
      output[i] = static_cast<T>(y < kMin ? kMin : (y > kMax ? kMax : y));
    } else if (p.method == MeanMethod::kSameQuantization) {
      output[i] = static_cast<T>(temp[i] / p.reducedCount);
    } else {
      const float m = static_cast<float>(temp[i]) / static_cast<float>(p.reducedCount);
      float r = quant::roundHalfAway(roundedProduct(m, p.scale) + p.bias) + static_cast<float>(p.outputZeroPoint);
      r = r > static_cast<float>(kMax) ? static_cast<float>(kMax) : r;
      r = r < static_cast<float>(kMin) ? static_cast<float>(kMin) : r;
      output[i] = static_cast<T>(r);
    }
  }
}

}  // namespace reference

OpRegistration registerMean();

}  // namespace tinyscope::runner::kernels
