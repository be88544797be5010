#include "model_runner/optimized/parallel.h"

namespace tinyscope::runner::optimized {

namespace {

thread_local const WorkSplitter* t_splitter = nullptr;

// Below this many multiply-accumulates a layer runs on one thread: waking the others costs more.
constexpr int64_t kMinSplitMacs = int64_t{1} << 19;
constexpr int32_t kMaxBands = 64;

// The part of `job` that computes output rows [y0, y1) of a single image: the input starts at
// the first row those outputs read (the rows above become padding that is never reached) and
// ends after the last one, so each band reads and writes only its own rows.
template <typename Job>
Job band(const Job& job, int32_t inC, int32_t outC, int32_t y0, int32_t y1) {
  Job b = job;
  const int32_t first = y0 * job.strideH - job.padH;
  const int32_t last = (y1 - 1) * job.strideH - job.padH + (job.filterH - 1) * job.dilationH;
  const int32_t r0 = first > 0 ? first : 0;
  const int32_t r1 = last + 1 < job.inH ? last + 1 : job.inH;
  b.outH = y1 - y0;
  b.padH = r0 - first;
  b.inH = r1 > r0 ? r1 - r0 : 0;
  b.input =
      job.input + static_cast<size_t>(r0) * static_cast<size_t>(job.inW) * static_cast<size_t>(inC);
  b.output = job.output +
             static_cast<size_t>(y0) * static_cast<size_t>(job.outW) * static_cast<size_t>(outC);
  return b;
}

template <typename Job, typename Fn>
struct Bands {
  Job jobs[kMaxBands];
  Fn fn = nullptr;
};

template <typename Job, typename Fn>
void runBand(void* arg, int32_t index, int8_t* scratch) {
  auto* bands = static_cast<Bands<Job, Fn>*>(arg);
  Job j = bands->jobs[index];
  j.scratch = reinterpret_cast<decltype(j.scratch)>(scratch);
  bands->fn(j);
}

template <typename Job, typename Fn, typename ScratchBytes>
bool inBands(const Job& job, Fn fn, int32_t inC, int32_t outC, int64_t macsPerRow,
             ScratchBytes scratchBytes) {
  const WorkSplitter* s = t_splitter;
  if (s == nullptr || s->threads < 2 || s->run == nullptr || job.batches != 1 || job.outH < 2)
    return false;
  if (macsPerRow * job.outH < kMinSplitMacs) return false;
  int32_t tasks = s->threads < kMaxBands ? s->threads : kMaxBands;
  if (tasks > job.outH) tasks = job.outH;
  Bands<Job, Fn> bands;
  bands.fn = fn;
  size_t scratch = 0;
  for (int32_t t = 0; t < tasks; ++t) {
    const int32_t y0 = static_cast<int32_t>(int64_t{job.outH} * t / tasks);
    const int32_t y1 = static_cast<int32_t>(int64_t{job.outH} * (t + 1) / tasks);
    bands.jobs[t] = band(job, inC, outC, y0, y1);
    const size_t bytes = scratchBytes(bands.jobs[t]);
    if (bytes > scratch) scratch = bytes;
  }
  s->run(s->pool, tasks, scratch, runBand<Job, Fn>, &bands);
  return true;
}

}  // namespace

void setWorkSplitter(const WorkSplitter* splitter) {
  t_splitter = splitter;
}

const WorkSplitter* workSplitter() {
  return t_splitter;
}

bool gemmInBands(const GemmJob& job, void (*gemm)(const GemmJob&)) {
  const int64_t macsPerRow = int64_t{job.outW} * job.depth * job.channels;
  return inBands(job, gemm, job.inC, job.channels, macsPerRow,
                 [](const GemmJob& j) { return gemmScratchBytes(j); });
}

bool depthwiseInBands(const DepthwiseJob& job, void (*depthwise)(const DepthwiseJob&)) {
  const int32_t inC = job.depthMultiplier > 1 ? job.channels / job.depthMultiplier : job.channels;
  const int64_t macsPerRow = int64_t{job.outW} * job.filterH * job.filterW * job.channels;
  return inBands(job, depthwise, inC, job.channels, macsPerRow,
                 [](const DepthwiseJob& j) { return depthwiseScratchBytes(j); });
}

}  // namespace tinyscope::runner::optimized
