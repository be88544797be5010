// Internal interface between the recurrent operator files (SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM:
// prepare, orchestration) and their per-instruction-set loops (simd_recurrent.cpp): the small
// elementwise and reduction steps around the cached GEMVs and the vector requantization of
// SimdKernels. Not part of the public API. Stateless; every buffer belongs to the caller.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyscope::runner::optimized {

// One batch of an int8 SVDF state (units * rank filters of `memory` slots, not yet shifted) and
// its time weights: each filter's slots shift one place towards the oldest, its newest slot takes
// (int8) (newest[f] + zeroPoint), and out[u] = unitOffset[u] + the sum over the unit's filters
// and slots of (s + stateBias) * w, wrapping int32. newest holds roundUp(units * rank, 16) entries
// (the padding is read, never used).
struct SvdfShift8 {
  int8_t* state = nullptr;
  const int8_t* weights = nullptr;
  const int32_t* newest = nullptr;
  const int32_t* unitOffset = nullptr;
  int32_t* out = nullptr;
  int32_t units = 0, rank = 1, memory = 1, zeroPoint = 0;
};

struct RecurrentKernels {
  // How many products timeDots8 sums into one int32 (4: VNNI quads, 2: VPMADDWD pairs), and
  // what it (and gemvPacked) adds to each int8 operand first (128: the unsigned VNNI operand).
  int32_t dotGroup = 2;
  int32_t stateBias = 0;
  // groups[i] = sum over j < dotGroup of (s[g] + stateBias) * w[g], g = i * dotGroup + j, for
  // i < n / dotGroup (n a multiple of dotGroup); exact in int32.
  void (*timeDots8)(const int8_t* s, const int8_t* w, int32_t n, int32_t* groups) = nullptr;
  // out[i] = add[i] + sum over j < size of in[i * size + j], wrapping int32, for i < count;
  // `in` (count * size entries) is a work buffer and may be overwritten.
  void (*groupSums)(int32_t* in, int32_t count, int32_t size, const int32_t* add,
                    int32_t* out) = nullptr;
  // dst[i * stride] = (int8) (v[i] + add) with wrap-around, for i < n.
  void (*scatterBytes)(const int32_t* v, int32_t n, int32_t add, int8_t* dst,
                       int32_t stride) = nullptr;
  // out[i] = (int8) v[i] for i < n (values already in int8 range).
  void (*narrowBytes)(const int32_t* v, int32_t n, int8_t* out) = nullptr;
  // out[i] = table[(uint16) saturate_int16(a[i] + b[i])] for i < n (a, b in int16 range).
  void (*addLookup)(const int32_t* a, const int32_t* b, int32_t n, const int16_t* table,
                    int16_t* out) = nullptr;
  // out[i] = x[i] * y[i] as int32, for i < n.
  void (*products16)(const int16_t* x, const int16_t* y, int32_t n, int32_t* out) = nullptr;
  // A [rows][depth] int8 matrix packed once (host cache) for gemvPacked: packedGemvBytes(rows,
  // depth) bytes, written by packGemv.
  size_t (*packedGemvBytes)(int32_t rows, int32_t depth) = nullptr;
  void (*packGemv)(const int8_t* w, int32_t rows, int32_t depth, void* packed) = nullptr;
  // acc[r] = sum over k of (x[k] + stateBias) * w[r][k] for r < rows; acc holds roundUp(rows,
  // 16) entries, of which those past `rows` may be written (with 0). x is read only to depth.
  void (*gemvPacked)(const void* packed, int32_t rows, int32_t depth, const int8_t* x,
                     int32_t* acc) = nullptr;
  // SvdfShift8 in one pass where this instruction set has a fused form for the shape; false
  // (nothing written) otherwise: the caller shifts, scatters and sums with the pieces above.
  bool (*svdfShift8)(const SvdfShift8& job) = nullptr;
};

// nullptr for Isa::kReference.
const RecurrentKernels* recurrentKernels(uint8_t isa);

}  // namespace tinyscope::runner::optimized
