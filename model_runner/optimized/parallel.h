// Output rows of one CONV_2D / DEPTHWISE_CONV_2D split across desktop threads (host only).
//
// The host runner installs a WorkSplitter for the invokes made on its own thread
// (setWorkSplitter, thread-local); without one, always the case on a device, every kernel runs
// on the calling thread alone. Each task computes a band of output rows with the same integer
// arithmetic as the whole layer, so results are bit-identical whatever the thread count. The
// splitter provides each running thread a private scratch of the size asked (host memory), so the
// arena plan does not change. No heap here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/optimized/simd_kernels.h"

namespace tinyscope::runner::optimized {

struct WorkSplitter {
  int32_t threads = 1;
  void* pool = nullptr;
  // Runs task(arg, i, scratch) for every i in [0, tasks) on up to `threads` threads (the caller
  // one of them) and returns when all are done; `scratch` is scratchBytes, 16-byte aligned,
  // private to the running thread.
  void (*run)(void* pool, int32_t tasks, size_t scratchBytes,
              void (*task)(void* arg, int32_t index, int8_t* scratch), void* arg) = nullptr;
};

// The splitter used by invokes on the calling thread; nullptr (the default) for none. The
// pointee must outlive those invokes.
void setWorkSplitter(const WorkSplitter* splitter);
const WorkSplitter* workSplitter();

// Runs `gemm(job)` / `depthwise(job)` (one batch's worth of rows or more) as bands of output rows
// on the installed splitter's threads. False, having done nothing, when there is no splitter
// with two or more threads or the layer is too small to gain: then run the job as usual.
bool gemmInBands(const GemmJob& job, void (*gemm)(const GemmJob&));
bool depthwiseInBands(const DepthwiseJob& job, void (*depthwise)(const DepthwiseJob&));

}  // namespace tinyscope::runner::optimized
