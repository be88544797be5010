// The reducers MEAN, SUM (float32, int8, int16), REDUCE_MAX and REDUCE_MIN (float32, int8), over
// any set of axes (constant int32 operand, negative axes allowed, duplicates ignored), with or
// without keep_dims, bit-exact with TFLite Micro's reference:
//   MEAN/SUM: out = MultiplyByQuantizedMultiplier(sum(q - inZeroPoint), M, S) + outZeroPoint,
//   saturated, where (M, S) = QuantizeMultiplier(inScale / outScale); MEAN folds 1/count in:
//   k = min(floor(log2(count)), 32, 31 + S), M' = (M << k) / count (integer division), S' = S - k.
//   float32 MEAN/SUM: float sums in row-major input order, MEAN divided once by the count.
//   REDUCE_MAX / REDUCE_MIN: the largest / smallest value (the type's lowest / largest for an
//   empty reduction; NaN inputs never win a comparison); int8 input and output must
//   share scale and zero point, as TFLM requires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "model_runner/model.h"
#include "model_runner/op_resolver.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

struct MeanParams {
  int32_t rank = 0;
  int32_t inDims[kMaxDims] = {};
  bool reduced[kMaxDims] = {};
  int32_t outputCount = 0;
  int32_t multiplier = 0, shift = 0;  // with 1/count folded in
  int32_t inputZeroPoint = 0;
  int32_t outputZeroPoint = 0;
};

// The op data a prepared reducer keeps (persistent arena); the optimized kernel set reads it.
struct MeanOpData {
  MeanParams params;
  void* temp = nullptr;  // scratch: outputCount int32 (float for float32) sums (MEAN, SUM)
  TensorType type = TensorType::kInt8;
  float floatDivisor = 0.0f;  // float32 MEAN: the reduced count; SUM: 0 (no division)
};

namespace reference {

// Folds 1/count into a QuantizeMultiplier pair, as the reference does in prepare.
inline void foldCount(int64_t count, int32_t* multiplier, int32_t* shift) {
  if (count <= 0) return;
  int k = 0;
  while ((count >> (k + 1)) != 0) ++k;  // floor(log2(count))
  k = k < 32 ? k : 32;
  k = k < 31 + *shift ? k : 31 + *shift;
  if (k < 0) k = 0;
  *multiplier = static_cast<int32_t>((static_cast<int64_t>(*multiplier) << k) / count);
  *shift -= k;
}

// Calls visit(inputOffset, outputOffset) for every input element, in row-major input order; the
// output offset is row-major over the kept dimensions.
template <typename Visit>
void forEachReduced(const MeanParams& p, Visit visit) {
  size_t total = 1;
  for (int32_t d = 0; d < p.rank; ++d) total *= static_cast<size_t>(p.inDims[d]);
  int32_t index[kMaxDims] = {};
  for (size_t i = 0; i < total; ++i) {
    size_t o = 0;
    for (int32_t d = 0; d < p.rank; ++d) {
      if (!p.reduced[d]) o = o * static_cast<size_t>(p.inDims[d]) + static_cast<size_t>(index[d]);
    }
    visit(i, o);
    for (int32_t d = p.rank - 1; d >= 0; --d) {
      if (++index[d] < p.inDims[d]) break;
      index[d] = 0;
    }
  }
}

template <typename T>
void reduceMax(const MeanParams& p, const T* input, T* output) {
  for (int32_t i = 0; i < p.outputCount; ++i) output[i] = std::numeric_limits<T>::lowest();
  forEachReduced(p, [&](size_t i, size_t o) {
    if (input[i] > output[o]) output[o] = input[i];
  });
}

template <typename T>
void reduceMin(const MeanParams& p, const T* input, T* output) {
  for (int32_t i = 0; i < p.outputCount; ++i) output[i] = std::numeric_limits<T>::max();
  forEachReduced(p, [&](size_t i, size_t o) {
    if (input[i] < output[o]) output[o] = input[i];
  });
}

// float32 MEAN and SUM: every input added to its output's float sum in row-major order, then
// (divisor != 0, MEAN) sum / divisor. temp: outputCount floats.
inline void meanFloat(const MeanParams& p, float divisor, const float* input, float* output,
                      float* temp) {
  for (int32_t i = 0; i < p.outputCount; ++i) temp[i] = 0.0f;
  forEachReduced(p, [&](size_t i, size_t o) { temp[o] += input[i]; });
  for (int32_t i = 0; i < p.outputCount; ++i)
    output[i] = divisor != 0.0f ? temp[i] / divisor : temp[i];
}

// MEAN and SUM's last step: output[i] = MultiplyByQuantizedMultiplier(sums[i]) + zero point,
// saturated to T.
template <typename T>
void requantizeSums(const MeanParams& p, const int32_t* sums, T* output) {
  constexpr int64_t kMin = std::numeric_limits<T>::min();
  constexpr int64_t kMax = std::numeric_limits<T>::max();
  for (int32_t i = 0; i < p.outputCount; ++i) {
    const int64_t y =
        int64_t{quant::multiplyByQuantizedMultiplier(sums[i], p.multiplier, p.shift)} +
        p.outputZeroPoint;
    output[i] = static_cast<T>(y < kMin ? kMin : (y > kMax ? kMax : y));
  }
}

// MEAN and SUM (the multiplier tells them apart). temp: outputCount int32 sums.
template <typename T>
void mean(const MeanParams& p, const T* input, T* output, int32_t* temp) {
  for (int32_t i = 0; i < p.outputCount; ++i) temp[i] = 0;
  forEachReduced(p, [&](size_t i, size_t o) {
    temp[o] = quant::wrappingAdd(temp[o], static_cast<int32_t>(input[i]) - p.inputZeroPoint);
  });
  requantizeSums(p, temp, output);
}

}  // namespace reference

OpRegistration registerMean();
OpRegistration registerSum();
OpRegistration registerReduceMax();
OpRegistration registerReduceMin();

}  // namespace tinyscope::runner::kernels
