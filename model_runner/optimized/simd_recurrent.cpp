// RecurrentKernels for each instruction set: simd_recurrent_body.inc compiled three times, each
// in its own namespace under a function-level target (GCC: target pragma; clang: the same
// target attribute on every function), so the library still runs on any x86-64; the tables are
// handed out only after a CPU check (recurrentKernels follows simdKernels).
#include "model_runner/optimized/simd_recurrent.h"

#include <immintrin.h>

#include <cstddef>
#include <cstring>

#include "model_runner/optimized/optimized_ops.h"
#include "model_runner/optimized/simd_kernels.h"

#if !defined(__clang__)
// GCC 12's AVX-512 headers build some intrinsics on an undefined vector and warn about it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#define TS_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define TS_TARGET_BEGIN(t) \
  TS_PRAGMA(clang attribute push(__attribute__((target(t))), apply_to = function))
#define TS_TARGET_END TS_PRAGMA(clang attribute pop)
#else
#define TS_TARGET_BEGIN(t) TS_PRAGMA(GCC push_options) TS_PRAGMA(GCC target(t))
#define TS_TARGET_END TS_PRAGMA(GCC pop_options)
#endif

namespace tinyscope::runner::optimized {

#define TS_RECURRENT_ISA 1
#define TS_RECURRENT_NS recurrent_avx2
#define TS_RECURRENT_TARGET "avx2"
#include "model_runner/optimized/simd_recurrent_body.inc"

#define TS_RECURRENT_ISA 2
#define TS_RECURRENT_NS recurrent_avxvnni
#define TS_RECURRENT_TARGET "avx2,avxvnni"
#include "model_runner/optimized/simd_recurrent_body.inc"

#define TS_RECURRENT_ISA 3
#define TS_RECURRENT_NS recurrent_avx512vnni
#define TS_RECURRENT_TARGET "avx2,avx512f,avx512bw,avx512vl,avx512vnni"
#include "model_runner/optimized/simd_recurrent_body.inc"

const RecurrentKernels* recurrentKernels(uint8_t isa) {
  switch (static_cast<Isa>(isa)) {
    case Isa::kAvx512Vnni:
      return &recurrent_avx512vnni::kKernels;
    case Isa::kAvxVnni:
      return &recurrent_avxvnni::kKernels;
    case Isa::kAvx2:
      return &recurrent_avx2::kKernels;
    case Isa::kReference:
      break;
  }
  return nullptr;
}

}  // namespace tinyscope::runner::optimized

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
