// One description of a model's graph (subgraph 0), held by both `inspect`'s ModelSummary and the
// tensor dumps' DumpManifest: operators with their tensors and MACs, tensors with shape, type,
// quantization (every channel), producer and model input/output position. Host only.
//
// describeGraph() reads a model that Model::load() verified, so every index in the description
// is in range and every quantized tensor has as many zero points as scales (model.cpp states
// the rule). A description parsed from a manifest is checked by parseManifest(). Plain values;
// any thread; memory: a few hundred bytes per tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model_runner/model.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::host {

struct GraphTensor {
  int32_t index = 0;
  std::string name;
  std::string type;  // "int8", "int32", ...
  std::vector<int32_t> shape;
  std::vector<double> scale;  // every channel; empty when not quantized
  std::vector<int64_t> zeroPoint;
  int32_t quantizedDimension = 0;
  int32_t quantChannels = 0;
  bool isConstant = false;
  bool isVariable = false;
  int32_t producerOp = -1;     // operator writing it, -1 for constants and model inputs
  std::string producerOpName;  // empty = none
  int32_t modelInput = -1;     // position in the model's inputs, -1 if not one
  int32_t modelOutput = -1;
  uint64_t bytes = 0;  // elements x element size
  std::string file;    // dumps only: "tensors/T<idx>.bin", empty = not dumped
};

struct GraphOperator {
  int32_t index = 0;
  std::string op;  // "CONV_2D" or "CUSTOM:<code>"
  std::vector<int32_t> inputs, outputs;
  uint64_t macs = 0;       // CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, SVDF, LSTM; else 0
  bool supported = false;  // the op table given to describeGraph has a kernel for it
};

struct GraphDescription {
  std::vector<int32_t> inputs, outputs;  // model input/output tensor indices
  std::vector<GraphOperator> operators;
  std::vector<GraphTensor> tensors;
};

class JsonWriter;

// The JSON layouts of a description: `inspect --json` (MACs and kernel support per operator) or
// a dump manifest (the golden layout: producers, model input/output positions and data files;
// per-channel constants without scale and zero point).
enum class GraphJson { kSummary, kManifest };
// Writes the "operators" and "tensors" members into the object `w` has open.
void writeGraphJson(JsonWriter& w, const GraphDescription& graph, GraphJson layout);

// Fills `out` from a verified model. `resolver` may be null (then `supported` stays false).
void describeGraph(const Model& model, const OpResolver* resolver, GraphDescription* out);

// Multiply-accumulates of one operator of a verified model; saturates instead of wrapping.
uint64_t operatorMacs(const Model& model, const OperatorDesc& op);

// Bytes per element of a type as descriptions name it ("int8" 1, "float32" 4, ...); 0 unknown.
size_t elementSizeOf(const std::string& typeName);

// Operator name as the golden manifests spell it: "CONV_2D", or "CUSTOM:<custom_code>".
std::string manifestOpName(const OperatorDesc& op);

}  // namespace tinyscope::runner::host
