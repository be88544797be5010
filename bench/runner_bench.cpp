// tinyscope's desktop runtime (optimized kernels) side by side with TensorFlow Lite Micro on every
// runnable model of golden/models.json (tiers core, extended, large, signal). Prints Markdown
// tables; checks nothing (the tests do).
//
//   runner_bench [--vs-tflm TFLM_RUN] [--shared DIR] [--rounds R] [--min-seconds S]
//                [--isa avx512vnni|avxvnni|avx2|reference] [--threads N] [MODEL...]
//
// Timing: R interleaved rounds per model; in each round TFLM (`tflm_run --bench N`, its own
// process, each Invoke() timed alone after a warm-up) and tinyscope (the same N invoke() calls
// timed alone in this process after an equal warm-up, no observer, no clock hooks) each give a
// median and a minimum. N is picked so a batch lasts about S seconds. The table shows the median
// of the round medians for each engine and the median of the per-round ratios with their range,
// of the medians and of the minima (on a loaded machine a long invoke is often preempted, which
// inflates its median but rarely its minimum). Without
// --vs-tflm the TFLM columns are empty. A separate pass with the observer and a clock gives the
// per-operator-type time split (second table).
// GMAC/s counts the model's int8 multiply-accumulates (models.json `macs`); "% peak" relates it
// to the VNNI peak of one core measured here with a loop of independent `vpdpbusd zmm`.
// Arena: the plan of the device's kernel set (the reference kernels, as the firmware runs them);
// what the optimized kernels build once outside the arena (decoded operators, packed weights,
// requantization constants) is "desktop weight cache bytes" (Interpreter::hostCacheBytes).
// --isa runs the optimized kernels with that instruction set (lowered to what the CPU has).
// --threads N splits the output rows of large CONV_2D / DEPTHWISE_CONV_2D layers across N
// threads (a pool kept for the whole run; TFLM stays single-threaded).
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "model_runner/host/host_cache.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/json.h"
#include "model_runner/host/thread_pool.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
#include "model_runner/optimized/optimized_ops.h"
#endif

namespace rh = tinyscope::runner::host;
using namespace tinyscope::runner;

namespace {

double nowUs() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t clockNs(void*) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Instruction set for the optimized run; empty: the host default (best available).
std::string g_isa;

Status addOptimizedKernels(OpResolver& resolver) {
#if TINYSCOPE_HAVE_OPTIMIZED_KERNELS
  if (!g_isa.empty()) {
    Status s = kernels::addAllOps(resolver);
    for (optimized::Isa isa : {optimized::Isa::kReference, optimized::Isa::kAvx2,
                               optimized::Isa::kAvxVnni, optimized::Isa::kAvx512Vnni}) {
      if (s == Status::kOk && g_isa == optimized::isaName(isa))
        s = optimized::addOptimizedOps(resolver, isa);
    }
    return s;
  }
#endif
  return rh::addKernels(resolver, rh::Kernels::kOptimized);
}

// Multiply-accumulates per second of `vpdpbusd zmm` on one core: 16 independent accumulators
// (enough to cover latency × throughput), best of 60 runs of ~1 ms (short runs so that some
// escape the preemptions of a loaded machine). 0 when the CPU has no AVX-512 VNNI.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) double vnniLoopGmacs() {
  __m512i acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-5);
  const long iterations = 8000;
  const double t0 = nowUs();
  for (long it = 0; it < iterations; ++it) {
    for (int i = 0; i < 16; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile(""
                     : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]),
                       "+v"(acc[5]), "+v"(acc[6]), "+v"(acc[7]));
    __asm__ volatile(""
                     : "+v"(acc[8]), "+v"(acc[9]), "+v"(acc[10]), "+v"(acc[11]), "+v"(acc[12]),
                       "+v"(acc[13]), "+v"(acc[14]), "+v"(acc[15]));
  }
  const double us = nowUs() - t0;
  __m512i sum = acc[0];
  for (int i = 1; i < 16; ++i) sum = _mm512_add_epi32(sum, acc[i]);
  volatile int sink = _mm512_reduce_add_epi32(sum);
  (void)sink;
  return static_cast<double>(iterations) * 16 * 64 / (us * 1e3);
}

double measureVnniPeakGmacs() {
  if (!__builtin_cpu_supports("avx512vnni")) return 0;
  double best = 0;
  for (int r = 0; r < 60; ++r) best = std::max(best, vnniLoopGmacs());
  return best;
}

// One allocated interpreter with its arena.
struct Engine {
  AllOpsResolver resolver;
  rh::HostCache cache;  // the optimized kernels' packed weights, outside the arena
  std::vector<uint8_t> arena;
  std::unique_ptr<Interpreter> interp;
  std::vector<std::vector<uint8_t>> inputs;
  std::string error;

  // Smallest power-of-two arena from 64 KiB up. Input 0 from xorshift32 seed 1 (the golden
  // generator, as `tflm_run --seed 1`), other inputs zero (as tflm_run leaves them).
  bool load(const rh::ModelFile& model, bool optimized) {
    if (optimized) {
      addOptimizedKernels(resolver);
    } else {
      rh::addKernels(resolver, rh::Kernels::kReference);
    }
    for (size_t size = size_t{64} << 10;; size *= 2) {
      arena.assign(size, 0);
      interp = std::make_unique<Interpreter>(model.bytes.data(), model.bytes.size(), resolver,
                                             arena.data(), arena.size());
      if (optimized) interp->setHostCache(rh::HostCache::allocate, &cache);
      const Status s = interp->allocate();
      if (s == Status::kOk) break;
      if (s != Status::kArenaTooSmall || size >= (size_t{1} << 30)) {
        error = statusMessage(s);
        return false;
      }
    }
    for (uint32_t i = 0; i < interp->inputsSize(); ++i) {
      const size_t bytes = interp->input(i).bytes;
      inputs.push_back(i == 0 ? rh::xorshift32Bytes(1, bytes) : std::vector<uint8_t>(bytes, 0));
    }
    return true;
  }
  // Activations may reuse the input's memory, so the input is written before every invoke.
  void setInputs() {
    for (uint32_t i = 0; i < interp->inputsSize(); ++i)
      std::memcpy(interp->input(i).data, inputs[i].data(), inputs[i].size());
  }
  // Output 0 of the first invoke from the reset state.
  std::vector<uint8_t> firstOutput() {
    interp->resetState();
    setInputs();
    interp->invoke();
    const TensorView out = interp->output(0);
    const auto* p = static_cast<const uint8_t*>(out.data);
    return std::vector<uint8_t>(p, p + out.bytes);
  }
  // Warm-up of `warmMs`, then `n` invoke() calls each timed alone: their median in µs (and
  // their minimum in *minUs).
  double batchMedianUs(int n, double warmMs, double* minUs = nullptr) {
    const double warmEnd = nowUs() + warmMs * 1e3;
    do {
      setInputs();
      interp->invoke();
    } while (nowUs() < warmEnd);
    std::vector<double> samples;
    samples.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      setInputs();
      const double t0 = nowUs();
      interp->invoke();
      samples.push_back(nowUs() - t0);
    }
    if (minUs != nullptr) *minUs = *std::min_element(samples.begin(), samples.end());
    return median(samples);
  }
};

// Runs tflm_run and returns its "key value" lines; empty on failure.
std::map<std::string, std::string> runTflm(const std::string& tflmRun, const std::string& args) {
  std::map<std::string, std::string> kv;
  const std::string cmd = "'" + tflmRun + "' " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return kv;
  char line[512];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    const size_t sp = s.find(' ');
    if (sp != std::string::npos) kv[s.substr(0, sp)] = s.substr(sp + 1);
  }
  if (pclose(p) != 0) kv.clear();
  return kv;
}

struct OpShare {
  std::string name;
  double us = 0;
};

// Per-operator-type time of the optimized kernels: observer + clock over `n` invokes, the median
// per type (robust to the preemptions a loaded machine adds).
std::vector<OpShare> opShares(Engine& e, int n) {
  std::map<std::string, uint64_t> ns;
  auto observe = [](const OpEvent& ev, void* ctx) {
    (*static_cast<std::map<std::string, uint64_t>*>(ctx))[ev.opName] += ev.elapsedTicks;
  };
  e.interp->setObserver(observe, &ns);
  e.interp->setClock(clockNs, nullptr);
  std::map<std::string, std::vector<double>> samples;
  for (int i = 0; i < n; ++i) {
    e.setInputs();
    ns.clear();
    e.interp->invoke();
    for (const auto& [name, t] : ns) samples[name].push_back(static_cast<double>(t) / 1e3);
  }
  e.interp->setObserver(nullptr, nullptr);
  e.interp->setClock(nullptr, nullptr);
  std::vector<OpShare> v;
  for (const auto& [name, t] : samples) v.push_back({name, median(t)});
  std::sort(v.begin(), v.end(), [](const OpShare& a, const OpShare& b) { return a.us > b.us; });
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared = TINYSCOPE_SHARED_DIR;
  std::string tflmRun;
  double minSeconds = 0.3;
  int rounds = 5;
  int threads = 1;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) {
      shared = argv[++i];
    } else if (a == "--vs-tflm" && i + 1 < argc) {
      tflmRun = argv[++i];
    } else if (a == "--isa" && i + 1 < argc) {
      g_isa = argv[++i];
    } else if (a == "--min-seconds" && i + 1 < argc) {
      minSeconds = std::atof(argv[++i]);
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
      if (threads < 1 || threads > rh::kMaxThreads) {
        std::fprintf(stderr, "runner_bench: --threads must be 1 to %d\n", rh::kMaxThreads);
        return 2;
      }
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: runner_bench [--vs-tflm TFLM_RUN] [--shared DIR] [--rounds R] [--min-seconds "
          "S]\n"
          "                    [--isa avx512vnni|avxvnni|avx2|reference] [--threads N] "
          "[MODEL...]\n");
      return 0;
    } else {
      only.push_back(a);
    }
  }
  std::vector<uint8_t> jsonBytes;
  std::string error;
  if (!rh::readBinaryFile(shared + "/golden/models.json", &jsonBytes, &error)) {
    std::fprintf(stderr, "runner_bench: %s\n", error.c_str());
    return 2;
  }
  rh::JsonValue models;
  if (!rh::parseJson(std::string(jsonBytes.begin(), jsonBytes.end()), &models, &error)) {
    std::fprintf(stderr, "runner_bench: models.json: %s\n", error.c_str());
    return 2;
  }
  const double peak = measureVnniPeakGmacs();
  // Every tinyscope invoke runs on this thread; with N > 1 its large layers use the pool too.
  rh::ThreadPool pool(threads);
  const rh::ThreadPool::Use split(&pool);
  char load[64] = "?";
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fgets(load, sizeof load, f) == nullptr) std::strcpy(load, "?");
    std::fclose(f);
    // The 1, 5 and 15 minute averages.
    char* p = load;
    for (int spaces = 0; *p != 0 && !(*p == ' ' && ++spaces == 3); ++p) {}
    *p = 0;
  }
  std::printf(
      "optimized kernels: %s; measured VNNI peak (vpdpbusd zmm, one core): %.0f GMAC/s; %d "
      "interleaved rounds, batches of ~%.2f s per engine; tinyscope threads: %d; load average at "
      "start: %s\n\n",
      g_isa.empty() ? rh::optimizedKernelsIsa() : g_isa.c_str(), peak, rounds, minSeconds, threads,
      load);
  std::printf(
      "| model | tier | MMAC | TFLM µs | tinyscope µs | × TFLM (range) | × TFLM by minima (range) "
      "| "
      "GMAC/s | %% peak | arena (device plan) | TFLM arena | desktop weight cache bytes | output "
      "vs "
      "TFLM |\n");
  std::printf(
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
      "|\n");
  std::vector<std::pair<std::string, std::vector<OpShare>>> shares;
  const std::string tmpOut = "/tmp/runner_bench_tflm_" + std::to_string(getpid()) + ".bin";
  for (const auto& [name, entry] : models.object) {
    const std::string tier = entry.stringOr("tier", "");
    if (tier != "core" && tier != "extended" && tier != "large" && tier != "signal") continue;
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    const std::string path = shared + "/models/" + name + ".tflite";
    rh::ModelFile model;
    if (!rh::loadModelFile(path, &model, &error)) {
      std::printf("| %s | %s | | %s | | | | | | | |\n", name.c_str(), tier.c_str(), error.c_str());
      continue;
    }
    Engine device, opt;
    if (!device.load(model, false) || !opt.load(model, true)) {
      std::printf("| %s | %s | | not runnable: %s | | | | | | | | | |\n", name.c_str(),
                  tier.c_str(), (device.error + opt.error).c_str());
      continue;
    }
    const std::vector<uint8_t> ours = opt.firstOutput();
    const double macs = entry.numberOr("macs", 0);
    // Batch size from TFLM's recorded median (or ours): ~minSeconds per engine and round.
    const double estimateUs =
        std::max(entry.numberOr("tflm_median_us", 0), opt.batchMedianUs(3, 0));
    const int n =
        static_cast<int>(std::clamp(minSeconds * 1e6 / std::max(estimateUs, 0.01), 3.0, 200000.0));
    const double warmMs = std::clamp(minSeconds * 200, 20.0, 200.0);
    std::string check = "not compared";
    long long tflmArena = entry.intOr("arena_used_bytes", 0);
    std::vector<double> tflmUs, ourUs, ratios, minRatios;
    bool tflmOk = !tflmRun.empty();
    if (tflmOk) {
      const auto kv = runTflm(tflmRun, "'" + path + "' --seed 1 --output " + tmpOut);
      std::vector<uint8_t> theirs;
      std::string readError;
      if (kv.count("status") && kv.at("status") == "ok" &&
          rh::readBinaryFile(tmpOut, &theirs, &readError)) {
        check = theirs == ours ? "identical" : "DIFFER";
        tflmArena = std::atoll(kv.at("arena_used_bytes").c_str());
      } else {
        check = "TFLM refused";
        tflmOk = false;
      }
      std::remove(tmpOut.c_str());
    }
    double tflmMin = 0;
    for (int r = 0; r < rounds; ++r) {
      if (tflmOk) {
        const auto kv = runTflm(tflmRun, "'" + path + "' --seed 1 --bench " + std::to_string(n) +
                                             " --warmup-ms " + fmt("%.0f", warmMs));
        if (kv.count("median_us") == 0 || kv.count("min_us") == 0) {
          tflmOk = false;
        } else {
          tflmUs.push_back(std::atof(kv.at("median_us").c_str()));
          tflmMin = std::atof(kv.at("min_us").c_str());
        }
      }
      double ourMin = 0;
      ourUs.push_back(opt.batchMedianUs(n, warmMs, &ourMin));
      if (tflmOk) {
        ratios.push_back(tflmUs.back() / ourUs.back());
        minRatios.push_back(tflmMin / ourMin);
      }
    }
    const double oursMedian = median(ourUs);
    const double gmacs = macs / (oursMedian * 1e3);
    std::string tflmCell, ratioCell, minRatioCell;
    auto ratioText = [](const std::vector<double>& v) {
      return fmt("%.1f×", median(v)) + " (" + fmt("%.1f", *std::min_element(v.begin(), v.end())) +
             "–" + fmt("%.1f", *std::max_element(v.begin(), v.end())) + ")";
    };
    if (tflmOk && !ratios.empty()) {
      tflmCell = fmt("%.2f", median(tflmUs));
      ratioCell = ratioText(ratios);
      minRatioCell = ratioText(minRatios);
    }
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %lld | %lld | %lld | %s |\n",
                name.c_str(), tier.c_str(), fmt("%.2f", macs / 1e6).c_str(), tflmCell.c_str(),
                fmt("%.2f", oursMedian).c_str(), ratioCell.c_str(), minRatioCell.c_str(),
                fmt("%.1f", gmacs).c_str(), peak > 0 ? fmt("%.1f", 100 * gmacs / peak).c_str() : "",
                static_cast<long long>(device.interp->arenaUsedBytes()), tflmArena,
                static_cast<long long>(opt.interp->hostCacheBytes()), check.c_str());
    std::fflush(stdout);
    shares.emplace_back(name, opShares(opt, std::max(1, std::min(n, 2000))));
  }
  std::printf(
      "\nWhere the optimized kernels spend the time (separate pass with the per-operator "
      "observer and clock: median µs per inference of each operator type, largest first):\n\n");
  std::printf("| model | operator types |\n| --- | --- |\n");
  for (const auto& [name, v] : shares) {
    double total = 0;
    for (const OpShare& s : v) total += s.us;
    std::string cell;
    for (size_t i = 0; i < v.size() && i < 4; ++i) {
      if (!cell.empty()) cell += ", ";
      cell += v[i].name + " " + fmt("%.1f", v[i].us) + " (" +
              fmt("%.0f%%", total > 0 ? 100 * v[i].us / total : 0) + ")";
    }
    if (v.size() > 4) cell += ", …";
    std::printf("| %s | %s |\n", name.c_str(), cell.c_str());
  }
  return 0;
}
