// PAD and PADV2, optimized: the reference's output bytes written as a few long copies and fills.
// Each dimension without padding is merged into the next outer one (NHWC padded in H and W
// copies one W x C row per input row instead of one C-long piece per pixel), and the fills
// that meet between rows (a row's trailing pad, the next row's leading pad, a dimension's pad
// blocks) are joined into one memset. Any element size of 1, 2 or 4 bytes; nothing is kept but
// the reference's op data.
#include "model_runner/kernels/pad.h"

#include <cstring>

#include "model_runner/optimized/optimized_registrations.h"

namespace tinyscope::runner::optimized {

namespace {

// The padding as nested loops over bytes, outermost first, after merging.
struct PadLoops {
  int32_t rank = 0;
  size_t in[kMaxDims] = {}, before[kMaxDims] = {}, after[kMaxDims] = {};
  size_t step[kMaxDims] = {};  // output bytes of one index of the dimension
};

// False when the input is empty (the output is then all padding).
bool mergeLoops(const kernels::PadParams& p, size_t elementSize, PadLoops* l) {
  // Built innermost first, reversed at the end.
  size_t in[kMaxDims], before[kMaxDims], after[kMaxDims];
  int32_t n = 0;
  for (int32_t d = p.rank - 1; d >= 0; --d) {
    if (p.inDims[d] == 0) return false;
    const size_t unit = d == p.rank - 1 ? elementSize : 1;
    const size_t i = static_cast<size_t>(p.inDims[d]) * unit;
    const size_t b = static_cast<size_t>(p.before[d]) * unit;
    const size_t a = static_cast<size_t>(p.after[d]) * unit;
    if (n > 0 && before[n - 1] == 0 && after[n - 1] == 0) {
      // The inner (unpadded, contiguous) block becomes this dimension's unit.
      const size_t inner = in[n - 1];
      in[n - 1] = i * inner;
      before[n - 1] = b * inner;
      after[n - 1] = a * inner;
      continue;
    }
    in[n] = i;
    before[n] = b;
    after[n] = a;
    ++n;
  }
  l->rank = n;
  size_t step = 1;
  for (int32_t k = 0; k < n; ++k) {  // innermost first
    const int32_t d = n - 1 - k;
    l->in[d] = in[k];
    l->before[d] = before[k];
    l->after[d] = after[k];
    l->step[d] = step;
    step *= before[k] + in[k] + after[k];
  }
  return true;
}

// Sequential output writer: fills are deferred and joined until the next copy.
class PadWriter {
 public:
  PadWriter(uint8_t* out, const uint8_t* value, size_t elementSize)
      : m_out(out), m_elementSize(elementSize) {
    std::memcpy(m_value, value, elementSize);
    m_uniform = true;
    for (size_t i = 1; i < elementSize; ++i) m_uniform = m_uniform && value[i] == value[0];
  }
  void fill(size_t bytes) { m_pending += bytes; }
  void copy(const uint8_t* src, size_t bytes) {
    flush();
    std::memcpy(m_out, src, bytes);
    m_out += bytes;
  }
  void flush() {
    if (m_pending == 0) return;
    if (m_uniform) {
      std::memset(m_out, m_value[0], m_pending);
    } else if (m_elementSize == 2) {
      uint16_t v;
      std::memcpy(&v, m_value, 2);
      for (size_t i = 0; i < m_pending; i += 2) std::memcpy(m_out + i, &v, 2);
    } else {
      uint32_t v;
      std::memcpy(&v, m_value, 4);
      for (size_t i = 0; i < m_pending; i += 4) std::memcpy(m_out + i, &v, 4);
    }
    m_out += m_pending;
    m_pending = 0;
  }

 private:
  uint8_t* m_out;
  size_t m_pending = 0;
  uint8_t m_value[4] = {};
  size_t m_elementSize;
  bool m_uniform = true;
};

void walk(const PadLoops& l, int32_t d, const uint8_t*& in, PadWriter& w) {
  if (d == l.rank - 1) {
    w.fill(l.before[d]);
    w.copy(in, l.in[d]);
    in += l.in[d];
    w.fill(l.after[d]);
    return;
  }
  w.fill(l.before[d] * l.step[d]);
  for (size_t i = 0; i < l.in[d]; ++i) walk(l, d + 1, in, w);
  w.fill(l.after[d] * l.step[d]);
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const kernels::PadOpData*>(ctx.userData());
  const size_t size = d->elementSize;
  uint8_t value[4];
  switch (size) {
    case 1: {
      const int8_t v = kernels::reference::padValueOf<int8_t>(ctx, *d);
      std::memcpy(value, &v, 1);
      break;
    }
    case 2: {
      const int16_t v = kernels::reference::padValueOf<int16_t>(ctx, *d);
      std::memcpy(value, &v, 2);
      break;
    }
    default: {
      const int32_t v = kernels::reference::padValueOf<int32_t>(ctx, *d);
      std::memcpy(value, &v, 4);
      break;
    }
  }
  const auto* in = ctx.inputData<uint8_t>(0);
  auto* out = ctx.outputData<uint8_t>(0);
  PadWriter w(out, value, size);
  const kernels::PadParams& p = d->params;
  PadLoops l;
  if (p.rank == 0) {
    w.copy(in, size);
  } else if (!mergeLoops(p, size, &l)) {
    size_t total = size;
    for (int32_t k = 0; k < p.rank; ++k)
      total *= static_cast<size_t>(p.before[k] + p.inDims[k] + p.after[k]);
    w.fill(total);
  } else {
    walk(l, 0, in, w);
  }
  w.flush();
}

}  // namespace

OpRegistration registerPad() {
  return withInvoke(kernels::registerPad(), invoke);
}

OpRegistration registerPadV2() {
  return withInvoke(kernels::registerPadV2(), invoke);
}

}  // namespace tinyscope::runner::optimized
