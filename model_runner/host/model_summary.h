// What `tinyscope-cli inspect` shows about a model (host only): operators with MACs, tensors
// with shape/type/quantization, and the arena the runtime plans for it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tinyscope::runner::host {

struct SummaryTensor {
  int32_t index = 0;
  std::string name;
  std::string type;
  std::vector<int32_t> shape;
  std::vector<float> scale;  // all channels
  std::vector<int64_t> zeroPoint;
  int32_t quantizedDimension = 0;
  bool isConstant = false;
  bool isVariable = false;
  uint64_t bytes = 0;
};

struct SummaryOperator {
  int32_t index = 0;
  std::string op;  // "CONV_2D" or "CUSTOM:<code>"
  std::vector<int32_t> inputs, outputs;
  uint64_t macs = 0;       // CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED; 0 otherwise
  bool supported = false;  // the runtime's op table has a kernel
};

struct ModelSummary {
  uint64_t modelBytes = 0;
  uint32_t schemaVersion = 0;
  std::string description;
  uint32_t numSubgraphs = 0;
  std::vector<int32_t> inputs, outputs;
  std::vector<SummaryOperator> operators;
  std::vector<SummaryTensor> tensors;
  std::map<std::string, int> opCounts;
  uint64_t totalMacs = 0;
  bool runnable = false;      // allocate() succeeded with the core op table
  std::string allocateError;  // why not, when !runnable
  uint64_t arenaBytes = 0;    // planned arena (activations + persistent) when runnable
  uint64_t arenaPersistentBytes = 0;
  uint64_t constantBytes = 0;  // weights and other constant data in the model
};

// Verifies and describes the model; false + error when the model is malformed.
// An unsupported operator is not an error: runnable=false and allocateError say why.
bool buildModelSummary(const uint8_t* bytes, size_t size, ModelSummary* out, std::string* error);

std::string summaryToJson(const ModelSummary& summary);

}  // namespace tinyscope::runner::host
