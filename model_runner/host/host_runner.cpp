#include "model_runner/host/host_runner.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

#include "model_runner/host/error_format.h"
#include "model_runner/host/host_cache.h"
#include "model_runner/host/thread_pool.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
#include "model_runner/optimized/optimized_ops.h"
#endif

namespace tinyscope::runner::host {

bool loadModelFile(const std::string& path, ModelFile* out, std::string* error) {
  out->path = path;
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string ext = ".tflite";
  if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
    name.resize(name.size() - ext.size());
  }
  out->name = name;
  return readBinaryFile(path, &out->bytes, error);
}

bool optimizedKernelsAvailable() {
  return TINYSCOPE_HAVE_OPTIMIZED_KERNELS != 0;
}

Kernels defaultKernels() {
  return optimizedKernelsAvailable() ? Kernels::kOptimized : Kernels::kReference;
}

const char* kernelsName(Kernels kernels) {
  return kernels == Kernels::kOptimized ? "optimized" : "reference";
}

bool parseKernels(const std::string& text, Kernels* out) {
  if (text == "reference") {
    *out = Kernels::kReference;
    return true;
  }
  if (text == "optimized") {
    *out = Kernels::kOptimized;
    return true;
  }
  return false;
}

const char* optimizedKernelsIsa() {
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  return optimized::isaName(optimized::detectIsa());
#else
  return "reference";
#endif
}

Status addKernels(OpResolver& resolver, Kernels kernelSet) {
  Status s = kernels::addAllOps(resolver);
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  if (s == Status::kOk && kernelSet == Kernels::kOptimized)
    s = optimized::addOptimizedOps(resolver);
#else
  (void)kernelSet;
#endif
  return s;
}

namespace {

uint64_t nowNs(void*) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

struct Session {
  AllOpsResolver resolver;
  std::vector<uint8_t> arena;
  std::unique_ptr<HostCache> cache;  // optimized kernels' prepared weights; outlives interp
  std::unique_ptr<Interpreter> interp;
};

bool openSession(const ModelFile& model, size_t arenaBytes, Kernels kernelSet, Session* s,
                 std::string* error) {
  addKernels(s->resolver, kernelSet);
  size_t size = arenaBytes != 0 ? arenaBytes : size_t{64} << 10;
  while (true) {
    s->arena.assign(size, 0);
    s->interp = std::make_unique<Interpreter>(model.bytes.data(), model.bytes.size(), s->resolver,
                                              s->arena.data(), s->arena.size());
    if (kernelSet == Kernels::kOptimized) {
      s->cache = std::make_unique<HostCache>();
      s->interp->setHostCache(HostCache::allocate, s->cache.get());
    }
    if (s->interp->status() != Status::kOk) {
      *error = model.path + ": " + formatError(s->interp->error());
      return false;
    }
    const Status st = s->interp->allocate();
    if (st == Status::kOk) return true;
    if (st == Status::kArenaTooSmall && arenaBytes == 0 && size < (size_t{1} << 30)) {
      size *= 2;
      continue;
    }
    *error = model.path + ": " + formatError(s->interp->error());
    return false;
  }
}

bool copyInputs(const ModelFile& model, Interpreter& interp,
                const std::vector<std::vector<uint8_t>>& inputs, std::string* error) {
  if (inputs.size() != interp.inputsSize()) {
    *error = model.path + ": the model has " + std::to_string(interp.inputsSize()) + " inputs, " +
             std::to_string(inputs.size()) + " given";
    return false;
  }
  for (uint32_t i = 0; i < interp.inputsSize(); ++i) {
    const TensorView v = interp.input(i);
    if (inputs[i].size() != v.bytes) {
      *error = model.path + ": input " + std::to_string(i) + " needs " + std::to_string(v.bytes) +
               " bytes, " + std::to_string(inputs[i].size()) + " given";
      return false;
    }
    if (v.bytes > 0) std::memcpy(v.data, inputs[i].data(), v.bytes);
  }
  return true;
}

struct Capture {
  RunResult* result = nullptr;
  bool tensors = false;
};

void copyTensor(RunResult* r, const TensorView& v) {
  if (v.index < 0 || v.data == nullptr) return;
  const auto i = static_cast<size_t>(v.index);
  const auto* p = static_cast<const uint8_t*>(v.data);
  r->tensorBytes[i].assign(p, p + v.bytes);
  r->captured[i] = true;
}

void observe(const OpEvent& ev, void* context) {
  auto* c = static_cast<Capture*>(context);
  OpRecord rec;
  rec.index = ev.opIndex;
  rec.name = manifestOpName(ev.interpreter->model().op(static_cast<uint32_t>(ev.opIndex)));
  rec.nanoseconds = ev.elapsedTicks;
  c->result->ops.push_back(rec);
  if (!c->tensors) return;
  const OperatorDesc op = ev.interpreter->model().op(static_cast<uint32_t>(ev.opIndex));
  for (uint32_t k = 0; k < op.outputs.size(); ++k) {
    copyTensor(c->result, ev.interpreter->tensor(static_cast<uint32_t>(op.outputs.i32(k))));
  }
}

}  // namespace

struct ModelInstance::State {
  const ModelFile* model = nullptr;
  RunOptions options;
  Session session;
  std::unique_ptr<ThreadPool> pool;  // options.threads > 1
};

ModelInstance::ModelInstance() = default;
ModelInstance::~ModelInstance() = default;

bool ModelInstance::open(const ModelFile& model, const RunOptions& options, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  m_state = std::make_unique<State>();
  m_state->model = &model;
  m_state->options = options;
  if (openSession(model, options.arenaBytes, options.kernels, &m_state->session, err)) {
    if (options.threads > 1) m_state->pool = std::make_unique<ThreadPool>(options.threads);
    return true;
  }
  m_state.reset();
  return false;
}

bool ModelInstance::run(const std::vector<std::vector<uint8_t>>& inputs, RunResult* result,
                        std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  *result = RunResult();
  if (!m_state) {
    *err = "no model is open";
    return false;
  }
  const ModelFile& model = *m_state->model;
  const RunOptions& options = m_state->options;
  Interpreter& interp = *m_state->session.interp;
  if (!copyInputs(model, interp, inputs, err)) return false;
  // addKernels() falls back to the reference kernels where the optimized ones are not built.
  result->kernels = optimizedKernelsAvailable() ? options.kernels : Kernels::kReference;
  result->kernelsKnown = true;
  const uint32_t n = interp.model().numTensors();
  result->tensorBytes.assign(n, {});
  result->captured.assign(n, false);
  result->arenaUsedBytes = interp.arenaUsedBytes();
  result->arenaPersistentBytes = interp.arenaPersistentBytes();
  if (options.captureTensors) {
    for (uint32_t i = 0; i < interp.inputsSize(); ++i) copyTensor(result, interp.input(i));
  }
  Capture capture{result, options.captureTensors};
  interp.setObserver(observe, &capture);
  interp.setClock(nowNs, nullptr);
  const ThreadPool::Use split(m_state->pool.get());
  const Status invoked = interp.invoke();
  interp.setObserver(nullptr, nullptr);
  if (invoked != Status::kOk) {
    *err = model.path + ": " + formatError(interp.error());
    return false;
  }
  if (options.captureTensors) {
    for (uint32_t t = 0; t < n; ++t) {
      const TensorDesc d = interp.model().tensor(t);
      if (d.isVariable && !d.isConstant()) copyTensor(result, interp.tensor(t));
    }
  }
  for (uint32_t i = 0; i < interp.outputsSize(); ++i) {
    const TensorView v = interp.output(i);
    const auto* p = static_cast<const uint8_t*>(v.data);
    result->outputs.emplace_back(p, p + (p != nullptr ? v.bytes : 0));
  }
  return true;
}

bool runModel(const ModelFile& model, const std::vector<std::vector<uint8_t>>& inputs,
              const RunOptions& options, RunResult* result, std::string* error) {
  *result = RunResult();
  ModelInstance instance;
  return instance.open(model, options, error) && instance.run(inputs, result, error);
}

namespace {
double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 != 0 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

struct BenchCapture {
  std::vector<std::vector<double>>* perOp;
};

void benchObserve(const OpEvent& ev, void* context) {
  auto* c = static_cast<BenchCapture*>(context);
  (*c->perOp)[static_cast<size_t>(ev.opIndex)].push_back(static_cast<double>(ev.elapsedTicks) /
                                                         1000.0);
}
}  // namespace

bool benchModel(const ModelFile& model, const std::vector<std::vector<uint8_t>>& inputs,
                int iterations, int warmup, BenchResult* result, std::string* error,
                Kernels kernels, int threads) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  *result = BenchResult();
  if (iterations < 1) {
    *err = "the iteration count must be at least 1";
    return false;
  }
  Session s;
  if (!openSession(model, 0, kernels, &s, err)) return false;
  Interpreter& interp = *s.interp;
  if (!copyInputs(model, interp, inputs, err)) return false;
  const uint32_t numOps = interp.model().numOperators();
  ThreadPool pool(threads);
  const ThreadPool::Use split(&pool);
  for (int i = 0; i < warmup; ++i) interp.invoke();
  std::vector<std::vector<double>> perOp(numOps);
  BenchCapture capture{&perOp};
  interp.setClock(nowNs, nullptr);
  interp.setObserver(benchObserve, &capture);
  std::vector<double> totals;
  for (int i = 0; i < iterations; ++i) {
    const uint64_t t0 = nowNs(nullptr);
    interp.invoke();
    totals.push_back(static_cast<double>(nowNs(nullptr) - t0) / 1000.0);
  }
  result->iterations = iterations;
  result->medianUs = median(totals);
  result->minUs = *std::min_element(totals.begin(), totals.end());
  std::vector<double> sorted = totals;
  std::sort(sorted.begin(), sorted.end());
  result->p90Us = sorted[std::min(sorted.size() - 1,
                                  static_cast<size_t>(0.9 * static_cast<double>(sorted.size())))];
  for (uint32_t o = 0; o < numOps; ++o) {
    result->opNames.push_back(manifestOpName(interp.model().op(o)));
    result->perOpMedianUs.push_back(median(perOp[o]));
  }
  result->arenaUsedBytes = interp.arenaUsedBytes();
  result->kernels = kernels;
  return true;
}

}  // namespace tinyscope::runner::host
