// A verified, read-in-place view of a .tflite model.
//
// Ownership: Model never copies or owns the model bytes; they must outlive the Model and every
// view taken from it. A Model must not be copied or moved after load() (its views point into
// it). load() runs a full verification pass (every offset, vtable, vector, string, index,
// shape, quantization array and constant buffer); only after it returned Status::kOk are the
// accessors meaningful. Accessors are bounds-checked regardless, so they never read outside
// the bytes. Single-threaded; no heap; load() is O(model size) with a work budget.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/flatbuffer_reader.h"
#include "model_runner/status.h"
#include "model_runner/tflite_schema.h"

namespace tinyscope::runner {

constexpr uint32_t kMaxDims = 6;
constexpr uint32_t kMaxTensors = 8192;
constexpr uint32_t kMaxOperators = 8192;
constexpr uint32_t kMaxOperatorCodes = 1024;
constexpr uint32_t kMaxSubgraphs = 64;

using schema::TensorType;

// Everything the model says about one tensor of subgraph 0.
struct TensorDesc {
  int32_t index = -1;
  TensorType type = TensorType::kFloat32;
  uint8_t rank = 0;
  int32_t dims[kMaxDims] = {};
  size_t elementCount = 0;
  size_t bytes = 0;                    // elementCount * element size
  const uint8_t* constData = nullptr;  // in the model bytes; null unless constant
  bool isVariable = false;
  fb::String name;
  fb::Vector scales;      // float32 per channel (or 1 entry per tensor)
  fb::Vector zeroPoints;  // int64 per channel
  int32_t quantizedDimension = 0;

  bool isConstant() const { return constData != nullptr; }
  uint32_t numChannels() const { return scales.size(); }
  float scale() const { return scales.size() > 0 ? scales.f32(0) : 0.0f; }
  int32_t zeroPoint() const {
    return zeroPoints.size() > 0 ? static_cast<int32_t>(zeroPoints.i64(0)) : 0;
  }
  int32_t dim(int32_t i) const { return (i >= 0 && i < rank) ? dims[i] : 1; }
};

// Everything the model says about one operator of subgraph 0.
struct OperatorDesc {
  int32_t index = -1;
  uint32_t opcodeIndex = 0;
  int32_t builtinCode = 0;
  fb::String customCode;
  fb::Vector inputs;   // int32 tensor indices, -1 = absent optional input
  fb::Vector outputs;  // int32 tensor indices
  fb::Vector intermediates;
  uint8_t optionsType = 0;  // schema::BuiltinOptionsType
  fb::Table options;        // builtin options table (may be absent)
  fb::Vector customOptions;

  // Builtin name ("CONV_2D"); for custom ops "CUSTOM".
  const char* name() const { return schema::builtinOperatorName(builtinCode); }
};

class Model {
 public:
  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Verifies `data` and keeps a view of it. Returns the status; error() tells where.
  Status load(const uint8_t* data, size_t size);
  bool loaded() const { return m_loaded; }
  const ErrorDetail& error() const { return m_error; }

  const uint8_t* bytes() const { return m_buf.data(); }
  size_t size() const { return m_buf.size(); }
  uint32_t version() const { return m_root.u32(schema::model::kVersion); }
  fb::String description() const { return m_root.string(schema::model::kDescription); }
  uint32_t numSubgraphs() const { return m_subgraphs.size(); }
  fb::String subgraphName() const { return m_subgraph.string(schema::subgraph::kName); }

  uint32_t numOperatorCodes() const { return m_opcodes.size(); }
  // Builtin code of an operator code entry: max(deprecated_builtin_code, builtin_code).
  int32_t builtinCode(uint32_t opcodeIndex) const;
  fb::String customCode(uint32_t opcodeIndex) const;

  // Subgraph 0.
  uint32_t numTensors() const { return m_tensors.size(); }
  uint32_t numOperators() const { return m_operators.size(); }
  fb::Vector inputs() const { return m_subgraph.vector(schema::subgraph::kInputs, 4); }
  fb::Vector outputs() const { return m_subgraph.vector(schema::subgraph::kOutputs, 4); }
  TensorDesc tensor(uint32_t index) const;
  OperatorDesc op(uint32_t index) const;

 private:
  bool fillTensor(fb::Table t, uint32_t numBuffers, TensorDesc* out) const;
  const uint8_t* bufferData(uint32_t bufferIndex, size_t* size) const;

  fb::Buffer m_buf;
  fb::Table m_root;
  fb::Vector m_opcodes;
  fb::Vector m_buffers;
  fb::Vector m_subgraphs;
  fb::Table m_subgraph;
  fb::Vector m_tensors;
  fb::Vector m_operators;
  ErrorDetail m_error;
  bool m_loaded = false;

  friend class ModelVerifier;
};

}  // namespace tinyscope::runner
