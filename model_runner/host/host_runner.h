// Desktop helpers that run a model file with the freestanding runtime (host only).
//
// These are what `tinyscope-cli run/bench` call. Plain structs in, plain structs out; every
// failure is reported as `false` plus one sentence in `error` naming the file or tensor.
// Not thread-safe per call site, but calls share no state and may run on different threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model_runner/host/file_io.h"
#include "model_runner/host/graph_description.h"
#include "model_runner/model.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::host {

struct ModelFile {
  std::string path;
  std::string name;            // file name without directory and ".tflite"
  std::vector<uint8_t> bytes;  // 16-byte aligned by the allocator on the supported hosts
};

// Reads a model file (readBinaryFile with kMaxModelFileBytes); `name` is the file name without
// folder and ".tflite".
bool loadModelFile(const std::string& path, ModelFile* out, std::string* error);

struct OpRecord {
  int32_t index = 0;
  std::string name;
  uint64_t nanoseconds = 0;
};

// Which kernels run CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: the reference kernels (the
// oracle, as on the device) or the optimized desktop kernels (model_runner/optimized, x86-64
// builds only; bit-exact with the reference ones; weights read in place, arena within TFLM's).
enum class Kernels { kReference, kOptimized };
bool optimizedKernelsAvailable();
// kOptimized when this build has them, else kReference.
Kernels defaultKernels();
const char* kernelsName(Kernels kernels);  // "reference", "optimized"
// "reference" / "optimized"; false for anything else.
bool parseKernels(const std::string& text, Kernels* out);
// Instruction set the optimized kernels use on this CPU ("avx512vnni", "avxvnni", "avx2"), or
// "reference" when they fall back to the reference math or are not built.
const char* optimizedKernelsIsa();
// The desktop op table: every reference kernel, then the optimized ones for kOptimized (when
// built). kResolverFull when `resolver` has no room.
Status addKernels(OpResolver& resolver, Kernels kernels);

struct RunOptions {
  bool captureTensors = true;  // copy every non-constant tensor as it is produced
  size_t arenaBytes = 0;       // 0: start at 64 KiB and double until allocate() succeeds
  Kernels kernels = defaultKernels();
  // Threads for one invoke (1 to kMaxThreads): > 1 splits the output rows of large CONV_2D and
  // DEPTHWISE_CONV_2D layers of the optimized kernels across a pool the instance keeps
  // (thread_pool.h); results are bit-identical to one thread.
  int threads = 1;
};

struct RunResult {
  bool kernelsKnown = false;              // set by runModel (a desktop run), not for device runs
  Kernels kernels = Kernels::kReference;  // the kernel set that ran, when kernelsKnown
  size_t arenaUsedBytes = 0;
  size_t arenaPersistentBytes = 0;
  std::vector<OpRecord> ops;                      // execution order, with per-op time
  std::vector<std::vector<uint8_t>> tensorBytes;  // by tensor index (captured tensors only)
  std::vector<bool> captured;                     // by tensor index
  std::vector<std::vector<uint8_t>> outputs;      // model outputs, in order
};

// Allocates, copies `inputs[i]` into model input i (sizes must match), invokes once.
bool runModel(const ModelFile& model, const std::vector<std::vector<uint8_t>>& inputs,
              const RunOptions& options, RunResult* result, std::string* error);

// One allocated interpreter that runs many inputs, as a device does: variable (state) tensors
// carry over from one run to the next like on the agent. Borrows `model` (must outlive it);
// owns its arena (the model's planned size). One thread at a time; instances share nothing.
class ModelInstance {
 public:
  ModelInstance();
  ~ModelInstance();
  ModelInstance(const ModelInstance&) = delete;
  ModelInstance& operator=(const ModelInstance&) = delete;
  // false + one sentence naming the model file when it does not load or allocate.
  bool open(const ModelFile& model, const RunOptions& options, std::string* error);
  // runModel's contract, on the open interpreter.
  bool run(const std::vector<std::vector<uint8_t>>& inputs, RunResult* result, std::string* error);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

struct BenchResult {
  int iterations = 0;
  double medianUs = 0.0;
  double p90Us = 0.0;
  double minUs = 0.0;
  std::vector<std::string> opNames;
  std::vector<double> perOpMedianUs;
  size_t arenaUsedBytes = 0;
  Kernels kernels = Kernels::kReference;
};

// Invokes `warmup` + `iterations` times on one interpreter; statistics over the timed runs.
// `threads` as RunOptions::threads.
bool benchModel(const ModelFile& model, const std::vector<std::vector<uint8_t>>& inputs,
                int iterations, int warmup, BenchResult* result, std::string* error,
                Kernels kernels = defaultKernels(), int threads = 1);

}  // namespace tinyscope::runner::host
