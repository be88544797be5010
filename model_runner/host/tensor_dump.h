// Tensor dumps in the golden layout (host only): a directory with input.bin, output.bin,
// output<k>.bin, manifest.json and tensors/T<idx>.bin. Desktop runs, device dumps and the
// golden files share this layout, so one comparator serves all of them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model_runner/host/host_runner.h"

namespace tinyscope::runner::host {

struct DumpTensor {
  int32_t index = 0;
  std::string name;
  std::string type;  // "int8", "int32", ...
  std::vector<int32_t> shape;
  std::vector<double> scale;  // empty for unquantized and for per-channel constants
  std::vector<int64_t> zeroPoint;
  int32_t quantizedDimension = 0;
  int32_t quantChannels = 0;
  bool isConstant = false;
  bool isVariable = false;
  int32_t producerOp = -1;
  std::string producerOpName;  // empty = null
  int32_t modelInput = -1;
  int32_t modelOutput = -1;
  uint64_t bytes = 0;
  std::string file;  // "tensors/T<idx>.bin", empty = null
};

struct DumpOperator {
  int32_t index = 0;
  std::string op;  // "CONV_2D" or "CUSTOM:<code>"
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
};

struct DumpManifest {
  std::string format = "tflm_ref manifest v1";
  std::string model, modelFile, modelSha256;
  std::string caseName;
  std::string inputSource;
  std::string oracle;
  uint64_t modelBytes = 0;
  int64_t inputSeed = -1;
  std::string inputGenerator = "file";
  std::vector<int32_t> inputs, outputs;
  int32_t numSubgraphs = 1;
  uint64_t arenaUsedBytes = 0;
  uint64_t arenaUsedBytesPreserveAll = 0;
  bool preserveAllOutputMatches = true;
  bool tensorsDumped = true;
  std::vector<DumpOperator> operators;
  std::vector<DumpTensor> tensors;
};

struct TensorDump {
  DumpManifest manifest;
  std::vector<uint8_t> input;                    // input.bin
  std::vector<std::vector<uint8_t>> outputs;     // output.bin, output1.bin, ...
  std::map<int32_t, std::vector<uint8_t>> data;  // tensors/T<idx>.bin by tensor index
};

// Reads a dump directory. Missing tensors/ files listed in the manifest are an error only
// when tensors_dumped is true.
bool readDump(const std::string& dir, TensorDump* out, std::string* error);
// Writes a dump directory (created if missing, files overwritten).
bool writeDump(const std::string& dir, const TensorDump& dump, std::string* error);

bool parseManifest(const std::string& json, DumpManifest* out, std::string* error);
std::string manifestToJson(const DumpManifest& manifest);

// Builds the dump of one run of `model` (see runModel with captureTensors).
// `inputSeed` >= 0 marks an xorshift32 input, -1 a file input described by `inputSource`.
bool makeDump(const ModelFile& model, const std::string& caseName, const std::string& inputSource,
              int64_t inputSeed, const std::vector<uint8_t>& input, const RunResult& run,
              TensorDump* out, std::string* error);

}  // namespace tinyscope::runner::host
