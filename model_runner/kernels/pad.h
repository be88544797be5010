// PAD: constant padding of up to 6 dimensions with the output zero point (0 for unquantized
// tensors), like TFLite Micro's reference kernel. The paddings operand ([rank, 2] int32 or
// int64, before/after per dimension) must be a constant of the model. Any element type of 1, 2
// or 4 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "model_runner/model.h"
#include "model_runner/op_context.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

struct PadParams {
  int32_t rank = 0;
  int32_t inDims[kMaxDims] = {};
  int32_t before[kMaxDims] = {};
  int32_t after[kMaxDims] = {};
};

// The op data a prepared PAD/PADV2 keeps (persistent arena); the optimized kernel set reads it.
struct PadOpData {
  PadParams params;
  int32_t padValue = 0;
  uint8_t elementSize = 1;
  bool padFromInput = false;  // PADV2: the value is input 2's (read at invoke)
};

namespace reference {

// The value an invoke pads with (PADV2 with a value operand: that operand's bytes).
template <typename T>
T padValueOf(const OpContext& ctx, const PadOpData& d) {
  if (!d.padFromInput) return static_cast<T>(d.padValue);
  T v;
  std::memcpy(&v, ctx.inputData<uint8_t>(2), sizeof v);
  return v;
}

// Writes the padded copy of `input` into `output` (row-major, output dim d = before + in + after).
template <typename T>
void pad(const PadParams& p, T padValue, const T* input, T* output) {
  // Row lengths of the output below each dimension.
  size_t outInner[kMaxDims + 1];
  outInner[p.rank] = 1;
  for (int32_t d = p.rank - 1; d >= 0; --d) {
    outInner[d] = outInner[d + 1] * static_cast<size_t>(p.before[d] + p.inDims[d] + p.after[d]);
  }
  auto fill = [padValue](T* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = padValue;
  };
  if (p.rank == 0) {
    output[0] = input[0];
    return;
  }
  // Walk the input rows (all dimensions but the last) with an index counter; pad blocks are
  // written when a dimension's index starts (before) or ends (after).
  int32_t index[kMaxDims] = {};
  const int32_t last = p.rank - 1;
  const T* in = input;
  T* out = output;
  bool empty = false;
  for (int32_t d = 0; d < p.rank; ++d) empty = empty || p.inDims[d] == 0;
  if (empty) {
    fill(output, outInner[0]);
    return;
  }
  while (true) {
    // Leading pads of every dimension whose index is at 0 from the outermost such one.
    int32_t firstStart = last;
    while (firstStart > 0 && index[firstStart - 1] == 0) --firstStart;
    for (int32_t d = firstStart; d < last; ++d) {
      fill(out, static_cast<size_t>(p.before[d]) * outInner[d + 1]);
      out += static_cast<size_t>(p.before[d]) * outInner[d + 1];
    }
    // One row: before, data, after.
    fill(out, static_cast<size_t>(p.before[last]));
    out += p.before[last];
    std::memcpy(out, in, sizeof(T) * static_cast<size_t>(p.inDims[last]));
    out += p.inDims[last];
    in += p.inDims[last];
    fill(out, static_cast<size_t>(p.after[last]));
    out += p.after[last];
    // Advance the row counter; trailing pads of each dimension that completes.
    int32_t d = last - 1;
    for (; d >= 0; --d) {
      if (++index[d] < p.inDims[d]) break;
      index[d] = 0;
      fill(out, static_cast<size_t>(p.after[d]) * outInner[d + 1]);
      out += static_cast<size_t>(p.after[d]) * outInner[d + 1];
    }
    if (d < 0) break;
  }
}

}  // namespace reference

OpRegistration registerPad();
// PADV2: PAD whose pad value is its optional third operand (one value of the input's type; an
// int8 one quantized like the output), as TFLite Micro's kernel.
OpRegistration registerPadV2();

}  // namespace tinyscope::runner::kernels
