#include "hostile_models.h"

#include <cstring>
#include <limits>

#include "model_runner/host/tflite_writer.h"
#include "model_runner/model.h"

namespace tinyscope::runner::test {

namespace {

void put32(std::vector<uint8_t>& b, size_t pos, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[pos + i] = static_cast<uint8_t>(v >> (8 * i));
}
void putFloat(std::vector<uint8_t>& b, size_t pos, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  put32(b, pos, v);
}
void put64(std::vector<uint8_t>& b, size_t pos, int64_t v) {
  for (int i = 0; i < 8; ++i)
    b[pos + i] = static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i));
}

// The table of subgraph 0's tensor `t`.
fb::Table tensorTable(const fb::Buffer& buf, uint32_t t) {
  const fb::Table root = fb::tableAt(&buf, fb::followOffset(&buf, 0));
  const fb::Table sg = fb::tableAt(&buf, root.vector(schema::model::kSubgraphs, 4).target(0));
  return fb::tableAt(&buf, sg.vector(schema::subgraph::kTensors, 4).target(t));
}

}  // namespace

std::vector<uint8_t> lstmOutputWithZeroLastDim(std::vector<uint8_t> bytes, int32_t* opIndex,
                                               int32_t* tensorIndex) {
  Model m;
  if (m.load(bytes.data(), bytes.size()) != Status::kOk) return {};
  for (uint32_t o = 0; o < m.numOperators(); ++o) {
    const OperatorDesc op = m.op(o);
    if (op.builtinCode !=
        static_cast<int32_t>(schema::BuiltinOperator::kUnidirectionalSequenceLstm))
      continue;
    const int32_t t = op.outputs.i32(0);
    const uint8_t rank = m.tensor(static_cast<uint32_t>(t)).rank;
    if (rank == 0) return {};
    if (opIndex != nullptr) *opIndex = static_cast<int32_t>(o);
    if (tensorIndex != nullptr) *tensorIndex = t;
    return withTensorDim(std::move(bytes), static_cast<uint32_t>(t), rank - 1u, 0);
  }
  return {};
}

std::vector<uint8_t> tinyLstmModel(int32_t outputLastDim) {
  using host::QuantParams;
  host::TfliteWriter w;
  const QuantParams act = QuantParams::perTensor(0.05f, 0);
  const int32_t batch = 1, steps = 3, features = 4, n = 2;
  const int32_t in =
      w.addActivation("input", host::TensorType::kInt8, {batch, steps, features}, act);
  std::vector<int32_t> inputs = {in};
  for (int g = 0; g < 4; ++g)  // input weights, then recurrent weights
    inputs.push_back(w.addInt8Constant("w_in" + std::to_string(g), {n, features},
                                       std::vector<int8_t>(static_cast<size_t>(n * features), 1),
                                       QuantParams::perTensor(0.01f, 0)));
  for (int g = 0; g < 4; ++g)
    inputs.push_back(w.addInt8Constant("w_rec" + std::to_string(g), {n, n},
                                       std::vector<int8_t>(static_cast<size_t>(n * n), 1),
                                       QuantParams::perTensor(0.01f, 0)));
  for (int p = 0; p < 3; ++p) inputs.push_back(-1);  // no peepholes
  for (int g = 0; g < 4; ++g)
    inputs.push_back(w.addInt32Constant("bias" + std::to_string(g), {n},
                                        std::vector<int32_t>(static_cast<size_t>(n), 0),
                                        QuantParams::perTensor(0.0005f, 0)));
  inputs.push_back(-1);  // no projection
  inputs.push_back(-1);
  inputs.push_back(w.addActivation("output_state", host::TensorType::kInt8, {batch, n}, act));
  inputs.push_back(w.addActivation("cell_state", host::TensorType::kInt16, {batch, n},
                                   QuantParams::perTensor(1.0f / 2048, 0)));
  for (int l = 0; l < 4; ++l) inputs.push_back(-1);  // no layer norm
  const int32_t out =
      w.addActivation("output", host::TensorType::kInt8, {batch, steps, outputLastDim}, act);
  host::OperatorSpec op;
  op.op = schema::BuiltinOperator::kUnidirectionalSequenceLstm;
  op.inputs = inputs;
  op.outputs = {out};
  w.addOperator(op);
  w.setInputs({in});
  w.setOutputs({out});
  return w.serialize();
}

std::vector<uint8_t> withTensorDim(std::vector<uint8_t> bytes, uint32_t tensor, uint32_t dim,
                                   int32_t value) {
  const fb::Buffer buf(bytes.data(), bytes.size());
  const fb::Vector shape = tensorTable(buf, tensor).vector(schema::tensor::kShape, 4);
  if (dim >= shape.size()) return {};
  put32(bytes, shape.position() + 4 * size_t{dim}, static_cast<uint32_t>(value));
  return bytes;
}

const char* quantDefectName(QuantDefect defect) {
  // In the enum's order.
  static const char* const kNames[] = {"no_zero_point",
                                       "empty_zero_point",
                                       "scale_nan",
                                       "scale_inf",
                                       "scale_zero",
                                       "scale_negative",
                                       "zero_point_out_of_range",
                                       "per_channel_too_short",
                                       "per_channel_scale_short"};
  const auto i = static_cast<size_t>(defect);
  return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "unknown";
}

std::vector<uint8_t> withQuantDefect(std::vector<uint8_t> bytes, uint32_t tensor,
                                     QuantDefect defect) {
  const fb::Buffer buf(bytes.data(), bytes.size());
  const fb::Table t = tensorTable(buf, tensor);
  const fb::Table q = t.table(schema::tensor::kQuantization);
  if (!q.present()) return {};
  const fb::Vector scales = q.vector(schema::quant::kScale, 4);
  const fb::Vector zps = q.vector(schema::quant::kZeroPoint, 8);
  if (scales.size() == 0 || zps.size() != scales.size()) return {};
  const auto type = static_cast<schema::TensorType>(t.u8(schema::tensor::kType));
  switch (defect) {
    case QuantDefect::kNoZeroPoint: {
      // The vtable entry of zero_point set to 0: the field is absent.
      const size_t vtable =
          q.position() - static_cast<size_t>(static_cast<int32_t>(buf.u32(q.position())));
      const size_t entry = vtable + 4 + 2 * schema::quant::kZeroPoint;
      if (buf.u16(vtable) <= 4 + 2 * schema::quant::kZeroPoint) return {};
      bytes[entry] = 0;
      bytes[entry + 1] = 0;
      break;
    }
    case QuantDefect::kEmptyZeroPoint:
      put32(bytes, zps.position() - 4, 0);
      break;
    case QuantDefect::kScaleNaN:
      putFloat(bytes, scales.position(), std::numeric_limits<float>::quiet_NaN());
      break;
    case QuantDefect::kScaleInfinite:
      putFloat(bytes, scales.position(), std::numeric_limits<float>::infinity());
      break;
    case QuantDefect::kScaleZero:
      putFloat(bytes, scales.position(), 0.0f);
      break;
    case QuantDefect::kScaleNegative:
      putFloat(bytes, scales.position(), -0.5f);
      break;
    case QuantDefect::kZeroPointOutOfRange:
      put64(bytes, zps.position(), type == schema::TensorType::kInt16 ? 70000 : 200);
      break;
    case QuantDefect::kPerChannelTooShort:
      if (scales.size() < 2) return {};
      put32(bytes, scales.position() - 4, scales.size() - 1);
      put32(bytes, zps.position() - 4, zps.size() - 1);
      break;
    case QuantDefect::kPerChannelScaleShort:
      if (scales.size() < 2) return {};
      put32(bytes, scales.position() - 4, scales.size() - 1);
      break;
  }
  return bytes;
}

int32_t firstPerChannelTensor(const std::vector<uint8_t>& bytes) {
  Model m;
  if (m.load(bytes.data(), bytes.size()) != Status::kOk) return -1;
  for (uint32_t t = 0; t < m.numTensors(); ++t) {
    if (m.tensor(t).numChannels() > 1) return static_cast<int32_t>(t);
  }
  return -1;
}

}  // namespace tinyscope::runner::test
