// Shared helpers for kernels: shapes, padding and common prepare-time checks.
#pragma once

#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/op_context.h"
#include "model_runner/op_resolver.h"
#include "model_runner/tflite_schema.h"

namespace tinyscope::runner::kernels {

// NHWC dimensions of a rank-4 tensor.
struct Shape4 {
  int32_t n = 1, h = 1, w = 1, c = 1;
  int32_t flatSize() const { return n * h * w * c; }
};

inline Shape4 shape4(const TensorDesc& d) {
  return Shape4{d.dim(0), d.dim(1), d.dim(2), d.dim(3)};
}

// Output size of a window op, as TFLite's ComputeOutSize; 0 when invalid.
inline int32_t computeOutSize(schema::Padding padding, int32_t image, int32_t filter,
                              int32_t stride, int32_t dilation) {
  const int32_t effective = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  switch (padding) {
    case schema::Padding::kSame:
      return (image + stride - 1) / stride;
    case schema::Padding::kValid:
      return (image + stride - effective) / stride;
  }
  return 0;
}

// Leading padding, as TFLite's ComputePaddingWithOffset (the offset is unused by the
// reference kernels).
inline int32_t computePadding(int32_t stride, int32_t dilation, int32_t in, int32_t filter,
                              int32_t out) {
  const int32_t effective = (filter - 1) * dilation + 1;
  int32_t total = (out - 1) * stride + effective - in;
  total = total > 0 ? total : 0;
  return total / 2;
}

// Checks shared by quantized kernels. Each returns kOk or records the failure on ctx.
Status requireArity(const OpContext& ctx, uint32_t minInputs, uint32_t maxInputs, uint32_t outputs);
Status requireType(const OpContext& ctx, const TensorDesc& t, TensorType type, const char* field);
Status requireRank(const OpContext& ctx, const TensorDesc& t, uint8_t rank, const char* field);
// Per-tensor quantized with a usable scale (finite, > 0) and zero point in [qmin, qmax].
Status requirePerTensorQuant(const OpContext& ctx, const TensorDesc& t, const char* field);
// Options table of the expected union type (absent options give defaults).
Status requireOptions(const OpContext& ctx, schema::BuiltinOptionsType type);
// A tensor type's bit in a set of types for requireTypeIn().
constexpr uint32_t typeBit(TensorType t) {
  return 1u << (static_cast<uint32_t>(t) & 31u);
}
// t's type is in `types` (typeBit()s or-ed together); else kUnsupportedOpType naming `field`.
Status requireTypeIn(const OpContext& ctx, const TensorDesc& t, uint32_t types, const char* field);
// requireTypeIn on `input`, then `output` must have the input's type.
Status requireSameTypeIn(const OpContext& ctx, const TensorDesc& input, const TensorDesc& output,
                         uint32_t types);
// Element i of a constant int8/int16/int32/int64 tensor, widened (0 for other types).
int64_t constantInt(const TensorDesc& t, size_t i);
// Convolution operands of rank 4: input and output of `dataType` (int8 or int16) quantized per
// tensor, an int8 filter (its scales are checked by populatePerChannel).
Status requireConvTensors(const OpContext& ctx, const TensorDesc& input, const TensorDesc& filter,
                          const TensorDesc& output, TensorType dataType = TensorType::kInt8);
// The registration of a builtin operator without init.
OpRegistration builtinRegistration(schema::BuiltinOperator op, Status (*prepare)(OpContext&),
                                   void (*invoke)(const OpContext&));
// Range of a fused activation on an int8 output.
Status activationRange(const OpContext& ctx, uint8_t activation, const TensorDesc& output,
                       int32_t* actMin, int32_t* actMax);

// Value range of an integer tensor type (int8, uint8, int16, int32); false for other types.
bool integerRange(TensorType type, int32_t* min, int32_t* max);
// requirePerTensorQuant for a tensor of `type`: the zero point must lie in the type's range.
Status requirePerTensorQuantOf(const OpContext& ctx, const TensorDesc& t, TensorType type,
                               const char* field);
// activationRange for an int8 or int16 output (the range of the output's type).
Status activationRangeOf(const OpContext& ctx, uint8_t activation, const TensorDesc& output,
                         int32_t* actMin, int32_t* actMax);
// Clamp range of a fused activation on an unquantized int32 output, like TFLite's
// CalculateActivationRange<int32_t> (unknown activations leave the full range).
void activationRangeInt32(uint8_t activation, int32_t* actMin, int32_t* actMax);
// The same for a float32 output, like CalculateActivationRange<float>: RELU [0, max], RELU6
// [0, 6], RELU_N1_TO_1 [-1, 1], anything else the whole range [lowest, max].
void activationRangeFloat(uint8_t activation, float* actMin, float* actMax);
// TFLite's ActivationFunctionWithMinMax: max(x, lo) then min(., hi); NaN passes through.
inline float clampActivation(float x, float lo, float hi) {
  x = x < lo ? lo : x;
  return hi < x ? hi : x;
}

// Reserves op data of type T (value-initialized) in the persistent arena and sets it as the
// operator's user data; kArenaTooSmall naming "op data" when the arena is full.
template <typename T>
Status allocateOpData(OpContext& ctx, T** out) {
  *out = static_cast<T*>(ctx.allocatePersistent(sizeof(T)));
  if (*out == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  **out = T();
  ctx.setUserData(*out);
  return Status::kOk;
}

// Per-channel requantization data from the arena: multipliers then shifts.
struct PerChannelQuant {
  int32_t* multipliers = nullptr;
  int32_t* shifts = nullptr;
};
// input_scale * filter_scale[c] / output_scale for c in [0, channels), like TFLite's
// PopulateConvolutionQuantizationParams. Filter scales: one per channel or a single one.
Status populatePerChannel(const OpContext& ctx, const TensorDesc& input, const TensorDesc& filter,
                          const TensorDesc& output, int32_t channels, PerChannelQuant* out);
// Bias must be int32 with `channels` elements when present.
Status checkBias(const OpContext& ctx, const TensorDesc& bias, int32_t channels);

}  // namespace tinyscope::runner::kernels
