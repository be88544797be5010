// libFuzzer target: what `tinyscope-cli inspect` and the dump writer do with a model file, on
// arbitrary bytes: buildModelSummary (verify, describe, MAC counts, plan within 1 MiB), its
// JSON, and a dump manifest of the model written and parsed back. Beyond crashes, hangs and
// ASan/UBSan findings, the target aborts when a manifest we wrote is refused by our own parser.
// Inputs that start with '{' are parsed as a dump manifest instead (what `compare` reads;
// seeded with golden manifests), so hostile manifests are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_dump.h"

using namespace tinyscope::runner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 0 && data[0] == '{') {
    host::DumpManifest manifest;
    std::string error;
    if (host::parseManifest(std::string(data, data + size), &manifest, &error)) {
      (void)host::manifestToJson(manifest);
    }
    return 0;
  }
  host::ModelFile file;
  file.path = "fuzz.tflite";
  file.name = "fuzz";
  file.bytes.assign(data, data + size);  // vector storage is 16-byte aligned
  host::ModelSummary summary;
  std::string error;
  if (!host::buildModelSummary(file.bytes.data(), file.bytes.size(), &summary, &error,
                               size_t{1} << 20)) {
    return 0;
  }
  (void)host::summaryToJson(summary);
  host::RunResult run;  // nothing captured: the manifest describes the graph only
  host::TensorDump dump;
  if (!host::makeDump(file, "fuzz", "fuzz", 1, {}, run, &dump, &error)) {
    std::fprintf(stderr, "makeDump refused a verified model: %s\n", error.c_str());
    std::abort();
  }
  host::DumpManifest back;
  if (!host::parseManifest(host::manifestToJson(dump.manifest), &back, &error)) {
    std::fprintf(stderr, "our own manifest does not parse: %s\n", error.c_str());
    std::abort();
  }
  return 0;
}
