// MEAN and SUM, optimized for int8 and int16: the reference's wrapping int32 sums of
// (q - zero point) taken as sum(q) - count * zero point (the same value modulo 2^32, so the
// same bits), over loops where dimensions of one are dropped and neighbours that are both
// reduced or both kept are merged. A kept innermost run (MEAN over H and W of NHWC: the
// channels) is added to C sums at a time in a loop the compiler vectorizes (for AVX2 when an
// instruction set is registered); a reduced one is summed into one. The requantization is the
// reference's scalar loop (now most of the time of a 1280-channel MEAN). float32 keeps the
// reference (its float sums depend on the order).
#include "model_runner/kernels/mean.h"

#include "model_runner/op_context.h"
#include "model_runner/optimized/optimized_registrations.h"

namespace tinyscope::runner::optimized {

namespace {

// The reduction as nested loops over the input, outermost first.
struct MeanLoops {
  int32_t rank = 0;
  size_t size[kMaxDims] = {};
  bool reduced[kMaxDims] = {};
  size_t outStep[kMaxDims] = {};  // output sums one index of the loop moves (0: reduced)
};

MeanLoops mergeLoops(const kernels::MeanParams& p) {
  MeanLoops l;
  for (int32_t d = 0; d < p.rank; ++d) {
    if (p.inDims[d] == 1) continue;
    const auto size = static_cast<size_t>(p.inDims[d]);
    if (l.rank > 0 && l.reduced[l.rank - 1] == p.reduced[d]) {
      l.size[l.rank - 1] *= size;
      continue;
    }
    l.size[l.rank] = size;
    l.reduced[l.rank] = p.reduced[d];
    ++l.rank;
  }
  if (l.rank == 0) {  // one element
    l.size[0] = 1;
    l.rank = 1;
  }
  size_t step = 1;
  for (int32_t d = l.rank - 1; d >= 0; --d) {
    l.outStep[d] = l.reduced[d] ? 0 : step;
    if (!l.reduced[d]) step *= l.size[d];
  }
  return l;
}

// The innermost run: n inputs added (wrapping) to n sums, or to one when the run is reduced.
template <typename T>
inline __attribute__((always_inline)) void addRun(const T* in, size_t n, bool reduced,
                                                  uint32_t* sums) {
  if (reduced) {
    uint32_t s = 0;
    for (size_t i = 0; i < n; ++i) s += static_cast<uint32_t>(static_cast<int32_t>(in[i]));
    *sums += s;
  } else {
    for (size_t i = 0; i < n; ++i) sums[i] += static_cast<uint32_t>(static_cast<int32_t>(in[i]));
  }
}

// addRun as the compiler vectorizes it for the baseline (SSE2) or for AVX2.
template <typename T>
void addRunPortable(const T* in, size_t n, bool reduced, uint32_t* sums) {
  addRun(in, n, reduced, sums);
}
template <typename T>
__attribute__((target("avx2"))) void addRunAvx2(const T* in, size_t n, bool reduced,
                                                uint32_t* sums) {
  addRun(in, n, reduced, sums);
}

template <typename T>
using AddRun = void (*)(const T* in, size_t n, bool reduced, uint32_t* sums);

// sums[o..] += the input below loop d (wrapping); advances `in`.
template <typename T>
void accumulate(const MeanLoops& l, int32_t d, AddRun<T> run, const T*& in, uint32_t* sums) {
  const size_t n = l.size[d];
  if (d == l.rank - 1) {
    run(in, n, l.reduced[d], sums);
    in += n;
    return;
  }
  for (size_t i = 0; i < n; ++i) accumulate(l, d + 1, run, in, sums + i * l.outStep[d]);
}

template <typename T>
void meanInt(const kernels::MeanOpData& d, bool avx2, const T* input, T* output) {
  const kernels::MeanParams& p = d.params;
  auto* sums = static_cast<uint32_t*>(d.temp);
  for (int32_t i = 0; i < p.outputCount; ++i) sums[i] = 0;
  size_t total = 1;
  for (int32_t k = 0; k < p.rank; ++k) total *= static_cast<size_t>(p.inDims[k]);
  if (total > 0) {
    const MeanLoops l = mergeLoops(p);
    accumulate(l, 0, avx2 ? addRunAvx2<T> : addRunPortable<T>, input, sums);
    const size_t count = total / static_cast<size_t>(p.outputCount);
    const uint32_t zeroPointTotal =
        static_cast<uint32_t>(count) * static_cast<uint32_t>(p.inputZeroPoint);
    for (int32_t i = 0; i < p.outputCount; ++i) sums[i] -= zeroPointTotal;
  }
  kernels::reference::requantizeSums(p, static_cast<const int32_t*>(d.temp), output);
}

void invoke(const OpContext& ctx, bool avx2, void (*reference)(const OpContext&)) {
  const auto* d = static_cast<const kernels::MeanOpData*>(ctx.userData());
  if (d->type == TensorType::kInt8) {
    meanInt(*d, avx2, ctx.inputData<int8_t>(0), ctx.outputData<int8_t>(0));
  } else if (d->type == TensorType::kInt16) {
    meanInt(*d, avx2, ctx.inputData<int16_t>(0), ctx.outputData<int16_t>(0));
  } else {
    reference(ctx);
  }
}

// kAvx2: registered for an instruction set (every one has AVX2).
template <bool kAvx2>
void invokeMean(const OpContext& ctx) {
  invoke(ctx, kAvx2, kernels::registerMean().invoke);
}

template <bool kAvx2>
void invokeSum(const OpContext& ctx) {
  invoke(ctx, kAvx2, kernels::registerSum().invoke);
}

}  // namespace

OpRegistration registerMean(Isa isa) {
  return withInvoke(kernels::registerMean(), forIsa(isa, invokeMean<false>, invokeMean<true>,
                                                    invokeMean<true>, invokeMean<true>));
}

OpRegistration registerSum(Isa isa) {
  return withInvoke(kernels::registerSum(), forIsa(isa, invokeSum<false>, invokeSum<true>,
                                                   invokeSum<true>, invokeSum<true>));
}

}  // namespace tinyscope::runner::optimized
