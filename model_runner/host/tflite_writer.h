// TfliteWriter: builds a .tflite flatbuffer (schema version 3, file identifier "TFL3") from a
// description of tensors and operators. Host-only tooling (standard library, no Qt): tinyscope
// uses it to generate its own bundled demo model and test models.
//
// Usage: add tensors (each call returns the tensor index), add operators in execution order,
// set the subgraph inputs/outputs, then serialize(). One subgraph; constant tensors get their
// own buffer (buffer 0 is the empty sentinel); activation tensors use buffer 0.
//
// Output format: little-endian flatbuffer built back to front, every table and vector 4-byte
// aligned, int64 vectors 8-byte aligned, Buffer.data 16-byte aligned (the file size is a
// multiple of 16). serialize() is deterministic: the same calls give the same bytes.
//
// Ownership: the writer copies everything it is given. Not thread-safe (one writer per thread).
// Errors: add*/set*/serialize() throw std::invalid_argument with one sentence naming the tensor
// or operator at fault (bad index, constant data size not matching shape x type, per-channel
// scale count not matching the quantized dimension, ...).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "model_runner/tflite_schema.h"

namespace tinyscope::runner::host {

using schema::Activation;
using schema::BuiltinOperator;
using schema::Padding;
using schema::TensorType;

// Affine quantization: real = scale[c] * (q - zeroPoint[c]). Empty scales = not quantized.
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  int32_t quantizedDimension = 0;

  static QuantParams perTensor(float scale, int64_t zeroPoint);
  // Symmetric per-channel (zero points all 0) along `dimension`.
  static QuantParams perChannel(std::vector<float> scales, int32_t dimension);
  bool empty() const { return scales.empty(); }
};

struct TensorSpec {
  std::string name;
  TensorType type = TensorType::kInt8;
  std::vector<int32_t> shape;
  QuantParams quant;
  std::vector<uint8_t> data;  // constant contents, little-endian; empty for activations
  bool isVariable = false;    // a state tensor (SVDF, LSTM): kept across invokes
};

// Builtin options (schema.fbs tables of the same name). Fields the writer does not list keep
// their schema default.
struct FullyConnectedOptions {
  Activation activation = Activation::kNone;
  bool keepNumDims = false;
};
struct SoftmaxOptions {
  float beta = 1.0f;
};
struct ReshapeOptions {
  std::vector<int32_t> newShape;
};
struct Conv2DOptions {
  Padding padding = Padding::kValid;
  int32_t strideW = 1, strideH = 1;
  Activation activation = Activation::kNone;
  int32_t dilationW = 1, dilationH = 1;
};
struct DepthwiseConv2DOptions {
  Padding padding = Padding::kValid;
  int32_t strideW = 1, strideH = 1;
  int32_t depthMultiplier = 1;
  Activation activation = Activation::kNone;
  int32_t dilationW = 1, dilationH = 1;
};
struct Pool2DOptions {
  Padding padding = Padding::kValid;
  int32_t strideW = 1, strideH = 1;
  int32_t filterWidth = 1, filterHeight = 1;
  Activation activation = Activation::kNone;
};
struct AddOptions {
  Activation activation = Activation::kNone;
};

// Any other builtin options table, field by field: `type` is the BuiltinOptions union tag
// (schema.fbs), each field goes to its slot (field index in the schema table). Fields not set
// keep their schema default. Lets tests build any operator without a struct per table here.
struct TableOptions {
  struct Field {
    enum class Kind : uint8_t { kBool, kInt8, kInt16, kInt32, kInt64, kFloat, kInt32Vector };
    uint16_t slot = 0;
    Kind kind = Kind::kInt32;
    int64_t intValue = 0;
    float floatValue = 0.0f;
    std::vector<int32_t> vector;
  };
  uint8_t type = 0;
  std::vector<Field> fields;

  explicit TableOptions(uint8_t unionType) : type(unionType) {}
  explicit TableOptions(schema::BuiltinOptionsType unionType)
      : type(static_cast<uint8_t>(unionType)) {}
  TableOptions& add(uint16_t slot, Field::Kind kind, int64_t value);
  TableOptions& addFloat(uint16_t slot, float value);
  TableOptions& addInt32Vector(uint16_t slot, std::vector<int32_t> values);
};

// A CUSTOM operator (op = kCustom): its custom_code and raw custom_options bytes (a FlexBuffer
// map for TFLM's signal ops), written as given.
struct CustomOptions {
  std::string code;
  std::vector<uint8_t> bytes;
};

using BuiltinOptions = std::variant<std::monostate, FullyConnectedOptions, SoftmaxOptions,
                                    ReshapeOptions, Conv2DOptions, DepthwiseConv2DOptions,
                                    Pool2DOptions, AddOptions, TableOptions, CustomOptions>;

struct OperatorSpec {
  BuiltinOperator op = BuiltinOperator::kAdd;
  int32_t version = 1;          // OperatorCode.version
  std::vector<int32_t> inputs;  // tensor indices, -1 = absent optional input
  std::vector<int32_t> outputs;
  BuiltinOptions options;
};

class TfliteWriter {
 public:
  // Returns the index of the new tensor.
  int32_t addTensor(TensorSpec spec);
  // Activation (non-constant) tensor.
  int32_t addActivation(std::string name, TensorType type, std::vector<int32_t> shape,
                        QuantParams quant = {});
  int32_t addInt8Constant(std::string name, std::vector<int32_t> shape,
                          const std::vector<int8_t>& values, QuantParams quant);
  int32_t addInt32Constant(std::string name, std::vector<int32_t> shape,
                           const std::vector<int32_t>& values, QuantParams quant = {});

  // Adds an operator (appended to the execution order); returns its index.
  int32_t addOperator(OperatorSpec spec);
  // Convenience forms with the op versions the TFLite converter gives int8 models.
  int32_t addFullyConnected(int32_t input, int32_t weights, int32_t bias, int32_t output,
                            FullyConnectedOptions options = {});
  int32_t addSoftmax(int32_t input, int32_t output, SoftmaxOptions options = {});
  // `shapeTensor` may be -1 (shape given by the options only).
  int32_t addReshape(int32_t input, int32_t shapeTensor, int32_t output, ReshapeOptions options);
  int32_t addConv2D(int32_t input, int32_t filter, int32_t bias, int32_t output,
                    Conv2DOptions options);
  int32_t addDepthwiseConv2D(int32_t input, int32_t filter, int32_t bias, int32_t output,
                             DepthwiseConv2DOptions options);
  int32_t addAveragePool2D(int32_t input, int32_t output, Pool2DOptions options);
  int32_t addAdd(int32_t a, int32_t b, int32_t output, AddOptions options = {});

  void setInputs(std::vector<int32_t> tensors);
  void setOutputs(std::vector<int32_t> tensors);
  void setDescription(std::string description) { m_description = std::move(description); }
  void setSubgraphName(std::string name) { m_subgraphName = std::move(name); }

  const std::vector<TensorSpec>& tensors() const { return m_tensors; }
  const std::vector<OperatorSpec>& operators() const { return m_operators; }

  std::vector<uint8_t> serialize() const;

 private:
  void checkTensorIndex(int32_t index, bool allowAbsent, const std::string& where) const;

  std::vector<TensorSpec> m_tensors;
  std::vector<OperatorSpec> m_operators;
  std::vector<int32_t> m_inputs;
  std::vector<int32_t> m_outputs;
  std::string m_description = "tinyscope";
  std::string m_subgraphName = "main";
};

}  // namespace tinyscope::runner::host
