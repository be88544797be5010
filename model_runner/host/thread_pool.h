// A small persistent pool of desktop threads that splits one operator's output rows (see
// model_runner/optimized/parallel.h); host only.
//
// ThreadPool(n) starts n - 1 worker threads once and keeps them until destruction (the caller of
// run() is the n-th); no threads are created per invoke. One run() at a time (the thread that
// owns the interpreter); instances share nothing. Memory: one scratch buffer per thread, grown to
// the largest band a layer asks for.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tinyscope::runner::host {

constexpr int kMaxThreads = 64;

class ThreadPool {
 public:
  using Task = void (*)(void* arg, int32_t index, int8_t* scratch);

  // `threads` is clamped to [1, kMaxThreads].
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return m_threads; }
  // Tasks run so far (all run() calls; read between them).
  uint64_t tasksRun() const { return m_tasksRun; }
  // task(arg, i, scratch) for every i in [0, tasks), on the workers and the calling thread;
  // returns when all are done. `scratch`: scratchBytes, 64-byte aligned, private to its thread.
  void run(int32_t tasks, size_t scratchBytes, Task task, void* arg);

  // While alive, the optimized CONV_2D / DEPTHWISE_CONV_2D kernels invoked on this thread split
  // their output rows across `pool` (nullptr or a one-thread pool: no splitting). Restores the
  // previous setting on destruction.
  class Use {
   public:
    explicit Use(ThreadPool* pool);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    const void* m_previous = nullptr;
  };

 private:
  void workerLoop(int slot);
  void drain(int slot);
  int8_t* scratch(int slot);

  int m_threads = 1;
  std::vector<std::thread> m_workers;
  std::vector<std::vector<int8_t>> m_scratch;  // by slot; 0 is the caller
  size_t m_scratchBytes = 0;
  std::mutex m_mutex;
  std::condition_variable m_wake, m_done;
  uint64_t m_generation = 0;
  int m_active = 0;
  bool m_stop = false;
  Task m_task = nullptr;
  void* m_arg = nullptr;
  int32_t m_tasks = 0;
  uint64_t m_tasksRun = 0;
  std::atomic<int32_t> m_next{0};
  void* m_splitter = nullptr;  // optimized::WorkSplitter, when the optimized kernels are built
};

}  // namespace tinyscope::runner::host
