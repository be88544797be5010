// Shared prepare-time helpers of the signal operators: custom_options parsing and checks.
#pragma once

#include <cstdint>

#include "model_runner/flexbuffer_reader.h"
#include "model_runner/kernels/kernel_util.h"
#include "model_runner/op_context.h"

namespace tinyscope::runner::kernels::signal {

// The operator's custom_options as a FlexBuffer map; kBadOpParams "custom_options" when absent
// or malformed.
Status readOptions(const OpContext& ctx, flex::FlexMap* out);
// Integer parameter `key` in [min, max]; kBadOpParams naming the key when absent or outside.
Status requireInt(const OpContext& ctx, const flex::FlexMap& map, const char* key, int64_t min,
                  int64_t max, int64_t* out);
// Tensor of `type` and rank `rank` (0: a scalar; rank < 0: any rank >= 1).
Status requireTensor(const OpContext& ctx, const TensorDesc& t, TensorType type, int rank,
                     const char* field);

// The registration of the CUSTOM operator `customName` (a static string).
OpRegistration customRegistration(const char* customName, Status (*prepare)(OpContext&),
                                  void (*invoke)(const OpContext&),
                                  void (*reset)(const OpContext&) = nullptr);

// Kernels whose only parameter is an element count keep it in the user-data pointer itself.
inline void storeCount(const OpContext& ctx, size_t count) {
  ctx.setUserData(reinterpret_cast<void*>(static_cast<uintptr_t>(count)));
}
inline size_t storedCount(const OpContext& ctx) {
  return static_cast<size_t>(reinterpret_cast<uintptr_t>(ctx.userData()));
}

// Position of the highest set bit counted from 1 (0 -> 32), as TFLM's MostSignificantBit32.
inline uint32_t mostSignificantBit32(uint32_t x) {
  return x != 0 ? 32u - static_cast<uint32_t>(__builtin_clz(x)) : 32u;
}
inline uint32_t mostSignificantBit64(uint64_t x) {
  return x != 0 ? 64u - static_cast<uint32_t>(__builtin_clzll(x)) : 64u;
}

}  // namespace tinyscope::runner::kernels::signal
