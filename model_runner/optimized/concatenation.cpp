// CONCATENATION, optimized: the same byte copies as the reference (TFLM concatenates only
// inputs quantized like the output, so nothing is ever requantized), with the short pieces a
// channel concatenation copies per pixel (up to 64 bytes) done as fixed-size overlapping
// moves instead of one memcpy call each; one memcpy per input when the axis is the outermost.
#include "model_runner/kernels/concatenation.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/optimized/optimized_registrations.h"

namespace tinyscope::runner::optimized {

namespace {

constexpr uint32_t kMaxInputs = 10;  // the reference's limit (checked by its prepare)

struct ConcatData {
  uint32_t inputs = 0;
  size_t outer = 1;                    // product of the output dims before the axis
  size_t chunkBytes[kMaxInputs] = {};  // bytes each input gives per outer step
};

// dst[0..n) = src[0..n) for n <= 64: two (or four) fixed-size moves that may overlap.
inline void copyShort(uint8_t* dst, const uint8_t* src, size_t n) {
  if (n >= 32) {
    std::memcpy(dst, src, 32);
    std::memcpy(dst + n - 32, src + n - 32, 32);
  } else if (n >= 16) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

Status prepare(OpContext& ctx) {
  // Every check (and every error message) of the reference kernel.
  const Status s = kernels::registerConcatenation().prepare(ctx);
  if (s != Status::kOk) return s;
  auto* d = static_cast<ConcatData*>(ctx.allocatePersistent(sizeof(ConcatData)));
  if (d == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *d = ConcatData();
  const TensorDesc output = ctx.output(0);
  int32_t axis = ctx.options().i32(schema::concatenation_options::kAxis);
  if (axis < 0) axis += output.rank;  // in range: the reference checked it
  size_t inner = schema::tensorTypeSize(output.type);
  for (int32_t i = 0; i < axis; ++i) d->outer *= static_cast<size_t>(output.dims[i]);
  for (int32_t i = axis + 1; i < output.rank; ++i) inner *= static_cast<size_t>(output.dims[i]);
  d->inputs = ctx.numInputs();
  for (uint32_t k = 0; k < d->inputs; ++k)
    d->chunkBytes[k] = static_cast<size_t>(ctx.input(k).dims[axis]) * inner;
  ctx.setUserData(d);
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const ConcatData*>(ctx.userData());
  auto* out = ctx.outputData<uint8_t>(0);
  const uint8_t* in[kMaxInputs] = {};
  size_t longest = 0;
  for (uint32_t i = 0; i < d->inputs; ++i) {
    in[i] = ctx.inputData<uint8_t>(i);
    longest = d->chunkBytes[i] > longest ? d->chunkBytes[i] : longest;
  }
  if (d->outer == 1 || longest > 64) {
    for (size_t k = 0; k < d->outer; ++k) {
      for (uint32_t i = 0; i < d->inputs; ++i) {
        const size_t n = d->chunkBytes[i];
        if (n == 0) continue;
        std::memcpy(out, in[i] + k * n, n);
        out += n;
      }
    }
    return;
  }
  for (size_t k = 0; k < d->outer; ++k) {
    for (uint32_t i = 0; i < d->inputs; ++i) {
      const size_t n = d->chunkBytes[i];
      copyShort(out, in[i] + k * n, n);
      out += n;
    }
  }
}

}  // namespace

OpRegistration registerConcatenation() {
  OpRegistration r = kernels::registerConcatenation();
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::optimized
