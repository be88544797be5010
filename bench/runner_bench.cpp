// Reference vs optimized kernels on every runnable model of golden/models.json (tiers core,
// extended, large, signal): median µs per inference for each kernel set, the optimized GMAC/s, the
// arena each needs next to TFLM's, and the speed against TFLM's reference-kernel median from
// models.json. Prints a Markdown table; checks nothing (the tests do).
//
//   runner_bench [--shared DIR] [--min-seconds S] [--isa avx512vnni|avxvnni|avx2|reference]
//   [MODEL...]
// --isa runs the optimized kernels with that instruction set (lowered to what the CPU has).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "model_runner/host/host_runner.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/json.h"
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

struct Timing {
  bool ok = false;
  std::string error;
  double medianUs = 0, minUs = 0;
  int runs = 0;
  size_t arenaBytes = 0;
  std::vector<uint8_t> output;
};

// Allocates with the smallest power-of-two arena from 64 KiB up, then times invoke() alone
// (no observer, no clock hooks): a warm-up, then runs until `minSeconds` and at least 5 runs.
Timing timeModel(const rh::ModelFile& model, bool optimized, double minSeconds) {
  Timing t;
  AllOpsResolver resolver;
  if (optimized) {
    addOptimizedKernels(resolver);
  } else {
    rh::addKernels(resolver, rh::Kernels::kReference);
  }
  std::vector<uint8_t> arena;
  std::unique_ptr<Interpreter> interp;
  for (size_t size = size_t{64} << 10;; size *= 2) {
    arena.assign(size, 0);
    interp = std::make_unique<Interpreter>(model.bytes.data(), model.bytes.size(), resolver,
                                           arena.data(), arena.size());
    const Status s = interp->allocate();
    if (s == Status::kOk) break;
    if (s != Status::kArenaTooSmall || size >= (size_t{1} << 30)) {
      t.error = statusMessage(s);
      return t;
    }
  }
  // Activations may reuse the input's memory, so the input is written before every invoke.
  std::vector<std::vector<uint8_t>> inputs;
  for (uint32_t i = 0; i < interp->inputsSize(); ++i)
    inputs.push_back(rh::xorshift32Bytes(i + 1, interp->input(i).bytes));
  auto setInputs = [&] {
    interp->resetState();
    for (uint32_t i = 0; i < interp->inputsSize(); ++i)
      std::memcpy(interp->input(i).data, inputs[i].data(), inputs[i].size());
  };
  const double warmEnd = nowUs() + 0.2e6 * minSeconds;
  do {
    setInputs();
    interp->invoke();
  } while (nowUs() < warmEnd);
  std::vector<double> samples;
  const double start = nowUs();
  while (samples.size() < 5 || nowUs() - start < minSeconds * 1e6) {
    setInputs();
    const double t0 = nowUs();
    interp->invoke();
    samples.push_back(nowUs() - t0);
  }
  std::sort(samples.begin(), samples.end());
  t.ok = true;
  t.runs = static_cast<int>(samples.size());
  t.medianUs = samples[samples.size() / 2];
  t.minUs = samples.front();
  t.arenaBytes = interp->arenaUsedBytes();
  const TensorView out = interp->output(0);
  const auto* p = static_cast<const uint8_t*>(out.data);
  t.output.assign(p, p + out.bytes);
  return t;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared = TINYSCOPE_SHARED_DIR;
  double minSeconds = 0.5;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) {
      shared = argv[++i];
    } else if (a == "--isa" && i + 1 < argc) {
      g_isa = argv[++i];
    } else if (a == "--min-seconds" && i + 1 < argc) {
      minSeconds = std::atof(argv[++i]);
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: runner_bench [--shared DIR] [--min-seconds S] [--isa "
          "avx512vnni|avxvnni|avx2|reference] "
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
  std::printf(
      "optimized kernels: %s; timing: median of >= %.1f s of invoke() per model and kernel set\n\n",
      g_isa.empty() ? rh::optimizedKernelsIsa() : g_isa.c_str(), minSeconds);
  std::printf(
      "| model | tier | MMAC | reference µs | optimized µs | optimized min µs | speed-up | GMAC/s "
      "| TFLM µs | "
      "× TFLM | arena ref | arena opt | TFLM arena | outputs |\n");
  std::printf(
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
      "--- |\n");
  for (const auto& [name, entry] : models.object) {
    const std::string tier = entry.stringOr("tier", "");
    if (tier != "core" && tier != "extended" && tier != "large" && tier != "signal") continue;
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    rh::ModelFile model;
    if (!rh::loadModelFile(shared + "/models/" + name + ".tflite", &model, &error)) {
      std::printf("| %s | %s | | %s | | | | | | | | | | |\n", name.c_str(), tier.c_str(),
                  error.c_str());
      continue;
    }
    const Timing ref = timeModel(model, false, minSeconds);
    if (!ref.ok) {
      std::printf("| %s | %s | | not runnable: %s | | | | | | | | | | |\n", name.c_str(),
                  tier.c_str(), ref.error.c_str());
      continue;
    }
    const Timing opt = timeModel(model, true, minSeconds);
    const double macs = entry.numberOr("macs", 0);
    const double tflmUs = entry.numberOr("tflm_median_us", 0);
    const int64_t tflmArena = entry.intOr("arena_used_bytes", 0);
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %lld | %lld | %lld | %s |\n",
                name.c_str(), tier.c_str(), fmt("%.2f", macs / 1e6).c_str(),
                fmt("%.1f", ref.medianUs).c_str(), fmt("%.1f", opt.medianUs).c_str(),
                fmt("%.1f", opt.minUs).c_str(), fmt("%.1f×", ref.medianUs / opt.medianUs).c_str(),
                fmt("%.1f", macs / (opt.medianUs * 1e3)).c_str(), fmt("%.1f", tflmUs).c_str(),
                fmt("%.1f×", tflmUs / opt.medianUs).c_str(), static_cast<long long>(ref.arenaBytes),
                static_cast<long long>(opt.arenaBytes), static_cast<long long>(tflmArena),
                ref.output == opt.output ? "identical" : "DIFFER");
    std::fflush(stdout);
  }
  return 0;
}
