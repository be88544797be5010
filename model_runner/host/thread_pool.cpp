#include "model_runner/host/thread_pool.h"

#include <memory>

#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
#include "model_runner/optimized/parallel.h"
#endif

namespace tinyscope::runner::host {

namespace {

constexpr size_t kScratchAlign = 64;

#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
void runOnPool(void* pool, int32_t tasks, size_t scratchBytes,
               void (*task)(void* arg, int32_t index, int8_t* scratch), void* arg) {
  static_cast<ThreadPool*>(pool)->run(tasks, scratchBytes, task, arg);
}
#endif

}  // namespace

ThreadPool::ThreadPool(int threads)
    : m_threads(threads < 1 ? 1 : (threads > kMaxThreads ? kMaxThreads : threads)) {
  m_scratch.resize(static_cast<size_t>(m_threads));
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  auto* splitter = new optimized::WorkSplitter;
  splitter->threads = m_threads;
  splitter->pool = this;
  splitter->run = runOnPool;
  m_splitter = splitter;
#endif
  for (int w = 1; w < m_threads; ++w) m_workers.emplace_back([this, w] { workerLoop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  for (std::thread& t : m_workers) t.join();
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  delete static_cast<optimized::WorkSplitter*>(m_splitter);
#endif
}

int8_t* ThreadPool::scratch(int slot) {
  std::vector<int8_t>& buffer = m_scratch[static_cast<size_t>(slot)];
  if (buffer.empty()) return nullptr;
  const auto address = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + (kScratchAlign - address % kScratchAlign) % kScratchAlign;
}

void ThreadPool::drain(int slot) {
  int8_t* own = scratch(slot);
  for (int32_t i = m_next.fetch_add(1); i < m_tasks; i = m_next.fetch_add(1)) m_task(m_arg, i, own);
}

void ThreadPool::workerLoop(int slot) {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
    if (m_stop) return;
    seen = m_generation;
    lock.unlock();
    drain(slot);
    lock.lock();
    if (--m_active == 0) m_done.notify_one();
  }
}

void ThreadPool::run(int32_t tasks, size_t scratchBytes, Task task, void* arg) {
  if (scratchBytes > m_scratchBytes) {  // no task is running: every buffer may grow
    for (std::vector<int8_t>& b : m_scratch) b.assign(scratchBytes + kScratchAlign, 0);
    m_scratchBytes = scratchBytes;
  }
  m_task = task;
  m_arg = arg;
  m_tasks = tasks;
  m_tasksRun += static_cast<uint64_t>(tasks > 0 ? tasks : 0);
  m_next.store(0);
  if (m_workers.empty() || tasks < 2) {
    drain(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_active = static_cast<int>(m_workers.size());
    ++m_generation;
  }
  m_wake.notify_all();
  drain(0);
  std::unique_lock<std::mutex> lock(m_mutex);
  m_done.wait(lock, [&] { return m_active == 0; });
}

ThreadPool::Use::Use(ThreadPool* pool) {
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  m_previous = optimized::workSplitter();
  const bool split = pool != nullptr && pool->threads() > 1;
  optimized::setWorkSplitter(split ? static_cast<const optimized::WorkSplitter*>(pool->m_splitter)
                                   : nullptr);
#else
  (void)pool;
#endif
}

ThreadPool::Use::~Use() {
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  optimized::setWorkSplitter(static_cast<const optimized::WorkSplitter*>(m_previous));
#endif
}

}  // namespace tinyscope::runner::host
