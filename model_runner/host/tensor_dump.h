// Tensor dumps in the golden layout (host only): a directory with input.bin, output.bin,
// output<k>.bin, manifest.json and tensors/T<idx>.bin. Desktop runs, device dumps and the
// golden files share this layout, so one comparator serves all of them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model_runner/host/graph_description.h"
#include "model_runner/host/host_runner.h"

namespace tinyscope::runner::host {

using DumpTensor = GraphTensor;  // `file` names its data, relative to the dump folder
using DumpOperator = GraphOperator;

// The graph part (inputs, outputs, operators, tensors) is the model's GraphDescription; scale
// and zero_point of per-channel constants are not written (the golden layout omits them).
struct DumpManifest : GraphDescription {
  std::string format = "tflm_ref manifest v1";
  std::string model, modelFile, modelSha256;
  std::string caseName;
  std::string inputSource;
  std::string oracle;   // what produced the data, e.g. "tinyscope model_runner optimized kernels"
  std::string kernels;  // "reference" or "optimized" for desktop runs; empty when not known
  uint64_t modelBytes = 0;
  int64_t inputSeed = -1;
  std::string inputGenerator = "file";
  int32_t numSubgraphs = 1;
  uint64_t arenaUsedBytes = 0;
  uint64_t arenaUsedBytesPreserveAll = 0;
  bool preserveAllOutputMatches = true;
  bool tensorsDumped = true;
};

struct TensorDump {
  DumpManifest manifest;
  std::vector<uint8_t> input;                    // input.bin
  std::vector<std::vector<uint8_t>> outputs;     // output.bin, output1.bin, ...
  std::map<int32_t, std::vector<uint8_t>> data;  // tensors/T<idx>.bin by tensor index
};

// Reads a dump directory. The manifest is not trusted: every file it names must stay inside
// `dir` (after resolving "..", absolute paths and symlinks), be a regular file, and hold exactly
// shape x element-size bytes; input.bin and output*.bin, when present, the size of the model
// input/output tensor. Missing tensors/ files listed in the manifest are an error only when
// tensors_dumped is true. Errors name the file or the manifest field.
bool readDump(const std::string& dir, TensorDump* out, std::string* error);
// Writes a dump directory (created if missing, files overwritten).
bool writeDump(const std::string& dir, const TensorDump& dump, std::string* error);

// Parses and checks a manifest: numbers in range for their field, tensor indices in range,
// every tensor's `bytes` equal to its shape x element size. Errors name the field.
bool parseManifest(const std::string& json, DumpManifest* out, std::string* error);
std::string manifestToJson(const DumpManifest& manifest);

// Builds the dump of one run of `model` (see runModel with captureTensors).
// `inputSeed` >= 0 marks an xorshift32 input, -1 a file input described by `inputSource`.
bool makeDump(const ModelFile& model, const std::string& caseName, const std::string& inputSource,
              int64_t inputSeed, const std::vector<uint8_t>& input, const RunResult& run,
              TensorDump* out, std::string* error);

}  // namespace tinyscope::runner::host
