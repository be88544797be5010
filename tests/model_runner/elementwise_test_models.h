// Random one-op models for the element-wise differential tests: an input tensor (fed by the
// oracle), an optional constant second operand (broadcastable), one output, with random types,
// shapes, quantizations and input bytes. Test-only helper (host, throws on misuse).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model_runner/host/tflite_writer.h"

namespace tinyscope::runner::test {

struct Rng {
  explicit Rng(uint32_t seed) : gen(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  float logUniform(float lo, float hi);
  std::mt19937 gen;
};

struct ElementwiseCase {
  host::TensorType inputType = host::TensorType::kInt8;
  host::TensorType constType = host::TensorType::kInt8;
  host::TensorType outputType = host::TensorType::kInt8;
  std::vector<int32_t> inputShape, constShape, outputShape;
  float inputScale = 1.0f, constScale = 1.0f, outputScale = 1.0f;
  int32_t inputZeroPoint = 0, constZeroPoint = 0, outputZeroPoint = 0;
  std::vector<uint8_t> constBytes;  // the second operand's contents
  std::vector<uint8_t> input;       // input 0's bytes

  std::string describe() const;
  // One operator on input 0 (and the constant operand when `withConstant`).
  std::vector<uint8_t> model(host::BuiltinOperator op, host::BuiltinOptions options,
                             bool withConstant) const;
  std::vector<uint8_t> unaryModel(host::BuiltinOperator op, host::BuiltinOptions options) const {
    return model(op, std::move(options), false);
  }
  std::vector<uint8_t> binaryModel(host::BuiltinOperator op, host::BuiltinOptions options) const {
    return model(op, std::move(options), true);
  }
  // Gives the constant operand another type (new random contents and quantization).
  void setConstantType(host::TensorType type, Rng& rng);
};

// Random values of `type` (int: any bit pattern; float32: mostly in [-10, 10], some specials).
std::vector<uint8_t> randomTensorBytes(host::TensorType type, size_t count, Rng& rng);
// A random quantization for `type` (empty for float32/int32/bool); int16 zero point 0 when
// `symmetricInt16`.
void randomQuantization(host::TensorType type, bool symmetricInt16, Rng& rng, float* scale,
                        int32_t* zeroPoint);

// Input and output of the same shape (rank 1-4).
ElementwiseCase unaryCase(Rng& rng, host::TensorType inputType, host::TensorType outputType,
                          bool symmetricInt16);
// Input, a broadcastable constant (rank up to maxRank) and the broadcast output, all `type`.
ElementwiseCase binaryCase(Rng& rng, host::TensorType type, int maxRank);

}  // namespace tinyscope::runner::test
