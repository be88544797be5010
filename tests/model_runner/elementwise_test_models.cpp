#include "elementwise_test_models.h"

#include <cmath>
#include <cstring>
#include <sstream>

namespace tinyscope::runner::test {

namespace {

host::QuantParams quantOf(host::TensorType type, float scale, int32_t zeroPoint) {
  // A zero scale stands for "no quantization parameters" (plain integer tensors).
  if ((type == host::TensorType::kInt8 || type == host::TensorType::kInt16 ||
       type == host::TensorType::kUInt8 || type == host::TensorType::kInt32) &&
      scale != 0.0f)
    return host::QuantParams::perTensor(scale, zeroPoint);
  return {};
}

size_t countOf(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

std::vector<int32_t> randomShape(Rng& rng, int maxRank) {
  std::vector<int32_t> shape(static_cast<size_t>(rng.uniform(1, maxRank)));
  for (int32_t& d : shape) d = rng.uniform(1, 4);
  return shape;
}

}  // namespace

float Rng::logUniform(float lo, float hi) {
  const double t = std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(gen);
  return static_cast<float>(std::exp(t));
}

std::vector<uint8_t> randomTensorBytes(host::TensorType type, size_t count, Rng& rng) {
  std::vector<uint8_t> bytes(count * schema::tensorTypeSize(type));
  if (type == host::TensorType::kFloat32) {
    const float specials[] = {0.0f, -0.0f, 3.0f, -3.0f, 6.0f, 1e30f, -1e30f, 1e-30f};
    for (size_t i = 0; i < count; ++i) {
      float v = std::uniform_real_distribution<float>(-10.0f, 10.0f)(rng.gen);
      if (rng.uniform(0, 15) == 0) v = specials[rng.uniform(0, 7)];
      std::memcpy(&bytes[i * 4], &v, 4);
    }
    return bytes;
  }
  if (type == host::TensorType::kBool) {
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.uniform(0, 1));
    return bytes;
  }
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.gen());
  return bytes;
}

void randomQuantization(host::TensorType type, bool symmetricInt16, Rng& rng, float* scale,
                        int32_t* zeroPoint) {
  *scale = rng.uniform(0, 9) == 0 ? rng.logUniform(1e-6f, 100.0f) : rng.logUniform(1e-3f, 2.0f);
  if (type == host::TensorType::kInt8) {
    *zeroPoint = rng.uniform(0, 5) == 0 ? (rng.uniform(0, 1) ? 127 : -128) : rng.uniform(-128, 127);
  } else if (type == host::TensorType::kInt16) {
    *zeroPoint = symmetricInt16 ? 0 : rng.uniform(-3000, 3000);
  } else {
    *scale = 0.0f;
    *zeroPoint = 0;
  }
}

std::string ElementwiseCase::describe() const {
  auto shape = [](const std::vector<int32_t>& s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? "," : "") + std::to_string(s[i]);
    return t + "]";
  };
  std::ostringstream out;
  out << schema::tensorTypeName(inputType) << shape(inputShape) << " s=" << inputScale
      << " zp=" << inputZeroPoint;
  if (!constShape.empty())
    out << ", const " << schema::tensorTypeName(constType) << shape(constShape)
        << " s=" << constScale << " zp=" << constZeroPoint;
  out << " -> " << schema::tensorTypeName(outputType) << shape(outputShape) << " s=" << outputScale
      << " zp=" << outputZeroPoint;
  return out.str();
}

std::vector<uint8_t> ElementwiseCase::model(host::BuiltinOperator op, host::BuiltinOptions options,
                                            bool withConstant) const {
  host::TfliteWriter w;
  std::vector<int32_t> inputs = {
      w.addActivation("in", inputType, inputShape, quantOf(inputType, inputScale, inputZeroPoint))};
  if (withConstant) {
    host::TensorSpec constant;
    constant.name = "operand";
    constant.type = constType;
    constant.shape = constShape;
    constant.quant = quantOf(constType, constScale, constZeroPoint);
    constant.data = constBytes;
    inputs.push_back(w.addTensor(std::move(constant)));
  }
  const int32_t out = w.addActivation("out", outputType, outputShape,
                                      quantOf(outputType, outputScale, outputZeroPoint));
  host::OperatorSpec spec;
  spec.op = op;
  spec.inputs = inputs;
  spec.outputs = {out};
  spec.options = std::move(options);
  w.addOperator(std::move(spec));
  w.setInputs({inputs[0]});
  w.setOutputs({out});
  return w.serialize();
}

void ElementwiseCase::setConstantType(host::TensorType type, Rng& rng) {
  constType = type;
  randomQuantization(type, false, rng, &constScale, &constZeroPoint);
  constBytes = randomTensorBytes(type, countOf(constShape), rng);
}

ElementwiseCase unaryCase(Rng& rng, host::TensorType inputType, host::TensorType outputType,
                          bool symmetricInt16) {
  ElementwiseCase c;
  c.inputType = inputType;
  c.outputType = outputType;
  c.inputShape = randomShape(rng, 4);
  c.outputShape = c.inputShape;
  randomQuantization(inputType, symmetricInt16, rng, &c.inputScale, &c.inputZeroPoint);
  randomQuantization(outputType, symmetricInt16, rng, &c.outputScale, &c.outputZeroPoint);
  c.input = randomTensorBytes(inputType, countOf(c.inputShape), rng);
  return c;
}

ElementwiseCase binaryCase(Rng& rng, host::TensorType type, int maxRank) {
  ElementwiseCase c;
  c.inputType = c.constType = c.outputType = type;
  std::vector<int32_t> full = randomShape(rng, maxRank);
  // Each operand keeps a dimension or broadcasts it (1); the constant may also drop leading ones.
  std::vector<int32_t> a = full, b = full;
  const int mode = rng.uniform(0, 3);
  for (size_t i = 0; i < full.size(); ++i) {
    if (mode == 0) break;  // same shapes
    if (rng.uniform(0, 2) == 0) (rng.uniform(0, 1) ? a : b)[i] = 1;
  }
  if (mode == 3 && b.size() > 1)
    b.erase(b.begin(), b.begin() + rng.uniform(1, static_cast<int>(b.size()) - 1));
  c.inputShape = a;
  c.constShape = b;
  c.outputShape.resize(full.size());
  for (size_t i = 0; i < full.size(); ++i) {
    const size_t bi = i + b.size() - full.size();
    const int32_t bd = i + b.size() >= full.size() ? b[bi] : 1;
    c.outputShape[i] = a[i] == 1 ? bd : a[i];
  }
  randomQuantization(type, false, rng, &c.inputScale, &c.inputZeroPoint);
  randomQuantization(type, false, rng, &c.constScale, &c.constZeroPoint);
  randomQuantization(type, false, rng, &c.outputScale, &c.outputZeroPoint);
  c.constBytes = randomTensorBytes(type, countOf(b), rng);
  c.input = randomTensorBytes(type, countOf(a), rng);
  return c;
}

}  // namespace tinyscope::runner::test
