#include "model_runner/model.h"

namespace tinyscope::runner {

namespace {
constexpr size_t kMaxTensorBytes = size_t{1} << 30;
}  // namespace

// Walks every table/vector/string the runtime may read and checks it against the buffer.
class ModelVerifier {
 public:
  ModelVerifier(Model& model, ErrorDetail& err) : m_model(model), m_err(err) {
    // Generous for any real model, small enough to bound hostile shared-offset graphs.
    m_budget = 64 * static_cast<uint64_t>(model.m_buf.size()) + 100000;
  }

  bool run();

 private:
  bool fail(Status s, const char* table, const char* field, int32_t op = -1, int32_t tensor = -1) {
    m_err.status = s;
    m_err.table = table;
    m_err.field = field;
    m_err.opIndex = op;
    m_err.opName = op >= 0 && op == m_opIndex ? m_opName : nullptr;
    m_err.tensorIndex = tensor;
    return false;
  }
  bool failValue(Status s, const char* table, const char* field, int64_t value, int32_t op = -1,
                 int32_t tensor = -1) {
    fail(s, table, field, op, tensor);
    m_err.value = value;
    m_err.hasValue = true;
    return false;
  }
  bool charge(uint64_t units, const char* table) {
    if (units > m_budget) return fail(Status::kModelTooComplex, table, "work budget");
    m_budget -= units;
    return true;
  }
  // Optional sub-table: ok when absent, error when present but malformed.
  bool table(const fb::Table& parent, uint32_t id, const char* tname, const char* field,
             fb::Table* out, int32_t op = -1, int32_t tensor = -1) {
    *out = fb::Table();
    if (parent.fieldOffset(id) == 0) return true;
    const size_t target = parent.target(id);
    if (target == 0) return fail(Status::kOffsetOutOfRange, tname, field, op, tensor);
    *out = fb::tableAt(&m_model.m_buf, target);
    if (!out->present()) return fail(Status::kBadVtable, tname, field, op, tensor);
    return charge(1, tname);
  }
  bool vector(const fb::Table& parent, uint32_t id, uint32_t elemSize, const char* tname,
              const char* field, fb::Vector* out, int32_t op = -1, int32_t tensor = -1) {
    *out = fb::Vector();
    if (parent.fieldOffset(id) == 0) return true;
    const size_t target = parent.target(id);
    if (target == 0) return fail(Status::kOffsetOutOfRange, tname, field, op, tensor);
    *out = fb::vectorAt(&m_model.m_buf, target, elemSize);
    if (!out->present()) return fail(Status::kBadVector, tname, field, op, tensor);
    return charge(1 + out->size() / 16, tname);
  }
  bool string(const fb::Table& parent, uint32_t id, const char* tname, const char* field,
              int32_t op = -1, int32_t tensor = -1) {
    fb::Vector v;
    if (!vector(parent, id, 1, tname, field, &v, op, tensor)) return false;
    if (!v.present()) return true;
    // Flatbuffer strings carry a NUL after the last character.
    const uint64_t end = static_cast<uint64_t>(v.position()) + v.size();
    if (!m_model.m_buf.contains(end, 1) || m_model.m_buf.u8(static_cast<size_t>(end)) != 0) {
      return fail(Status::kBadString, tname, field, op, tensor);
    }
    return true;
  }
  bool tableElement(const fb::Vector& vec, uint32_t i, const char* tname, fb::Table* out,
                    int32_t op = -1, int32_t tensor = -1) {
    const size_t target = vec.target(i);
    if (target == 0) return fail(Status::kOffsetOutOfRange, tname, "(vector element)", op, tensor);
    *out = fb::tableAt(&m_model.m_buf, target);
    if (!out->present()) return fail(Status::kBadVtable, tname, "(vector element)", op, tensor);
    return charge(1, tname);
  }

  bool verifyOpcodes();
  bool verifyBuffers();
  bool verifySubgraph(const fb::Table& sg, bool primary);
  bool verifyTensor(const fb::Table& t, int32_t index, bool primary);
  bool verifyOperator(const fb::Table& o, int32_t index, uint32_t numTensors, bool primary);
  bool verifyIndexList(const fb::Vector& v, uint32_t numTensors, bool allowAbsent,
                       const char* tname, const char* field, int32_t op);
  bool verifyQuantization(const fb::Table& q, const fb::Vector& shape, size_t count,
                          TensorType type, int32_t index);
  bool verifyNotEmpty(const fb::Vector& tensors, const fb::Vector& list, const char* field,
                      int32_t op);

  Model& m_model;
  ErrorDetail& m_err;
  uint64_t m_budget = 0;
  fb::Vector m_tensorsOfPrimary;
  int32_t m_opIndex = -1;  // the operator being verified, and its builtin name
  const char* m_opName = nullptr;
};

bool ModelVerifier::run() {
  const fb::Buffer& buf = m_model.m_buf;
  if (buf.size() < 8) return fail(Status::kModelTooSmall, "Model", "root");
  if (buf.u8(4) != 'T' || buf.u8(5) != 'F' || buf.u8(6) != 'L' || buf.u8(7) != '3') {
    return fail(Status::kBadIdentifier, "Model", "file_identifier");
  }
  const size_t rootPos = fb::followOffset(&buf, 0);
  if (rootPos == 0) return fail(Status::kOffsetOutOfRange, "Model", "root");
  m_model.m_root = fb::tableAt(&buf, rootPos);
  if (!m_model.m_root.present()) return fail(Status::kBadVtable, "Model", "root");
  const uint32_t version = m_model.m_root.u32(schema::model::kVersion);
  if (version != 3) return failValue(Status::kBadSchemaVersion, "Model", "version", version);
  if (!string(m_model.m_root, schema::model::kDescription, "Model", "description")) return false;
  if (!verifyOpcodes() || !verifyBuffers()) return false;

  if (!vector(m_model.m_root, schema::model::kSubgraphs, 4, "Model", "subgraphs",
              &m_model.m_subgraphs)) {
    return false;
  }
  if (m_model.m_subgraphs.size() == 0) return fail(Status::kNoSubgraph, "Model", "subgraphs");
  if (m_model.m_subgraphs.size() > kMaxSubgraphs) {
    return failValue(Status::kModelTooComplex, "Model", "subgraphs", m_model.m_subgraphs.size());
  }
  for (uint32_t i = 0; i < m_model.m_subgraphs.size(); ++i) {
    fb::Table sg;
    if (!tableElement(m_model.m_subgraphs, i, "SubGraph", &sg)) return false;
    if (i == 0) m_model.m_subgraph = sg;
    if (!verifySubgraph(sg, i == 0)) return false;
  }
  m_model.m_tensors = m_model.m_subgraph.vector(schema::subgraph::kTensors, 4);
  m_model.m_operators = m_model.m_subgraph.vector(schema::subgraph::kOperators, 4);
  return true;
}

bool ModelVerifier::verifyOpcodes() {
  fb::Vector& codes = m_model.m_opcodes;
  if (!vector(m_model.m_root, schema::model::kOperatorCodes, 4, "Model", "operator_codes",
              &codes)) {
    return false;
  }
  if (codes.size() > kMaxOperatorCodes) {
    return failValue(Status::kModelTooComplex, "Model", "operator_codes", codes.size());
  }
  for (uint32_t i = 0; i < codes.size(); ++i) {
    fb::Table code;
    if (!tableElement(codes, i, "OperatorCode", &code)) return false;
    if (!string(code, schema::opcode::kCustomCode, "OperatorCode", "custom_code")) return false;
    const int32_t builtin = m_model.builtinCode(i);
    if (builtin < 0) return failValue(Status::kBadIndex, "OperatorCode", "builtin_code", builtin);
  }
  return true;
}

bool ModelVerifier::verifyBuffers() {
  fb::Vector& buffers = m_model.m_buffers;
  if (!vector(m_model.m_root, schema::model::kBuffers, 4, "Model", "buffers", &buffers))
    return false;
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    fb::Table b;
    if (!tableElement(buffers, i, "Buffer", &b)) return false;
    fb::Vector data;
    if (!vector(b, schema::buffer::kData, 1, "Buffer", "data", &data)) return false;
    const uint64_t offset = b.u64(schema::buffer::kOffset);
    const uint64_t size = b.u64(schema::buffer::kSize);
    if (offset > 1 && !m_model.m_buf.contains(offset, size)) {
      return failValue(Status::kOffsetOutOfRange, "Buffer", "offset", static_cast<int64_t>(i));
    }
  }
  return true;
}

bool ModelVerifier::verifyIndexList(const fb::Vector& v, uint32_t numTensors, bool allowAbsent,
                                    const char* tname, const char* field, int32_t op) {
  for (uint32_t i = 0; i < v.size(); ++i) {
    const int32_t t = v.i32(i);
    if (t == -1 && allowAbsent) continue;
    if (t < 0 || static_cast<uint32_t>(t) >= numTensors) {
      return failValue(Status::kBadIndex, tname, field, t, op);
    }
  }
  return true;
}

bool ModelVerifier::verifySubgraph(const fb::Table& sg, bool primary) {
  fb::Vector tensors, inputs, outputs, operators;
  if (!vector(sg, schema::subgraph::kTensors, 4, "SubGraph", "tensors", &tensors)) return false;
  if (!vector(sg, schema::subgraph::kInputs, 4, "SubGraph", "inputs", &inputs)) return false;
  if (!vector(sg, schema::subgraph::kOutputs, 4, "SubGraph", "outputs", &outputs)) return false;
  if (!vector(sg, schema::subgraph::kOperators, 4, "SubGraph", "operators", &operators))
    return false;
  if (!string(sg, schema::subgraph::kName, "SubGraph", "name")) return false;
  if (tensors.size() > kMaxTensors) {
    return failValue(Status::kModelTooComplex, "SubGraph", "tensors", tensors.size());
  }
  if (operators.size() > kMaxOperators) {
    return failValue(Status::kModelTooComplex, "SubGraph", "operators", operators.size());
  }
  if (primary) m_tensorsOfPrimary = tensors;
  for (uint32_t i = 0; i < tensors.size(); ++i) {
    fb::Table t;
    if (!tableElement(tensors, i, "Tensor", &t, -1, static_cast<int32_t>(i))) return false;
    if (!verifyTensor(t, static_cast<int32_t>(i), primary)) return false;
  }
  const uint32_t n = tensors.size();
  if (!verifyIndexList(inputs, n, false, "SubGraph", "inputs", -1)) return false;
  if (!verifyIndexList(outputs, n, false, "SubGraph", "outputs", -1)) return false;
  for (uint32_t i = 0; i < operators.size(); ++i) {
    fb::Table o;
    if (!tableElement(operators, i, "Operator", &o, static_cast<int32_t>(i))) return false;
    if (!verifyOperator(o, static_cast<int32_t>(i), n, primary)) return false;
  }
  if (primary) {
    if (!verifyNotEmpty(tensors, inputs, "inputs (zero-sized dimension)", -1) ||
        !verifyNotEmpty(tensors, outputs, "outputs (zero-sized dimension)", -1)) {
      return false;
    }
    for (uint32_t i = 0; i < inputs.size(); ++i) {
      const auto idx = static_cast<uint32_t>(inputs.i32(i));
      fb::Table t = fb::tableAt(&m_model.m_buf, tensors.target(idx));
      TensorDesc d;
      m_model.fillTensor(t, m_model.m_buffers.size(), &d);
      if (d.isConstant()) {
        return fail(Status::kConstantOutput, "SubGraph", "inputs", -1, static_cast<int32_t>(idx));
      }
    }
  }
  return true;
}

bool ModelVerifier::verifyTensor(const fb::Table& t, int32_t index, bool primary) {
  fb::Vector shape, sig;
  if (!vector(t, schema::tensor::kShape, 4, "Tensor", "shape", &shape, -1, index)) return false;
  if (!vector(t, schema::tensor::kShapeSignature, 4, "Tensor", "shape_signature", &sig, -1,
              index)) {
    return false;
  }
  if (!string(t, schema::tensor::kName, "Tensor", "name", -1, index)) return false;
  if (shape.size() > kMaxDims) {
    return failValue(Status::kBadShape, "Tensor", "shape", shape.size(), -1, index);
  }
  size_t count = 1;
  for (uint32_t d = 0; d < shape.size(); ++d) {
    const int32_t dim = shape.i32(d);
    if (dim < 0) return failValue(Status::kBadShape, "Tensor", "shape", dim, -1, index);
    if (dim != 0 && count > kMaxTensorBytes / static_cast<size_t>(dim)) {
      return failValue(Status::kBadShape, "Tensor", "shape", dim, -1, index);
    }
    count *= static_cast<size_t>(dim);
  }
  const auto type = static_cast<TensorType>(t.u8(schema::tensor::kType));
  const size_t elem = schema::tensorTypeSize(type);
  if (primary && elem == 0) {
    return failValue(Status::kUnsupportedTensorType, "Tensor", "type", static_cast<int64_t>(type),
                     -1, index);
  }
  if (elem != 0 && count > kMaxTensorBytes / elem) {
    return fail(Status::kBadShape, "Tensor", "shape", -1, index);
  }
  const uint32_t bufferIndex = t.u32(schema::tensor::kBuffer);
  if (bufferIndex >= m_model.m_buffers.size() &&
      !(bufferIndex == 0 && m_model.m_buffers.size() == 0)) {
    return failValue(Status::kBadIndex, "Tensor", "buffer", bufferIndex, -1, index);
  }
  if (t.fieldOffset(schema::tensor::kSparsity) != 0) {
    return fail(Status::kUnsupportedTensorType, "Tensor", "sparsity", -1, index);
  }
  fb::Table q;
  if (!table(t, schema::tensor::kQuantization, "QuantizationParameters", "quantization", &q, -1,
             index)) {
    return false;
  }
  if (q.present() && !verifyQuantization(q, shape, count, type, index)) return false;
  if (primary) {
    size_t dataSize = 0;
    const uint8_t* data = m_model.bufferData(bufferIndex, &dataSize);
    if (data != nullptr) {
      if (dataSize != count * elem) {
        return failValue(Status::kBadBufferSize, "Buffer", "data", static_cast<int64_t>(dataSize),
                         -1, index);
      }
      const size_t align = elem > 8 ? 8 : elem;
      if (align > 1 && reinterpret_cast<uintptr_t>(data) % align != 0) {
        return fail(Status::kMisalignedData, "Buffer", "data", -1, index);
      }
    }
  }
  return true;
}

// One rule for quantization parameters, checked here once so that every consumer (kernels, the
// summary, dumps, the GUI) may rely on it:
// - scale and zero_point have the same length (both empty: the tensor is not quantized);
// - every scale is finite and positive;
// - every zero point fits the tensor's type (int8, uint8, int16; int32 range otherwise);
// - quantized_dimension is not negative, and with more than one channel the channel count is
//   the size of that dimension (or the element count of a rank-1 bias);
// - min and max are not read by the runtime and are only bounds-checked.
bool ModelVerifier::verifyQuantization(const fb::Table& q, const fb::Vector& shape, size_t count,
                                       TensorType type, int32_t index) {
  static constexpr const char* kQuant = "QuantizationParameters";
  fb::Vector mins, maxs, scales, zps;
  if (!vector(q, schema::quant::kMin, 4, kQuant, "min", &mins, -1, index) ||
      !vector(q, schema::quant::kMax, 4, kQuant, "max", &maxs, -1, index) ||
      !vector(q, schema::quant::kScale, 4, kQuant, "scale", &scales, -1, index) ||
      !vector(q, schema::quant::kZeroPoint, 8, kQuant, "zero_point", &zps, -1, index)) {
    return false;
  }
  if (zps.size() != scales.size()) {
    return failValue(Status::kBadQuantization, kQuant, "zero_point (count differs from scale)",
                     zps.size(), -1, index);
  }
  if (!charge(scales.size() / 8, kQuant)) return false;
  for (uint32_t i = 0; i < scales.size(); ++i) {
    const float s = scales.f32(i);
    if (!(s > 0.0f && s < 1e30f)) {  // also rejects NaN and infinities
      return fail(Status::kBadQuantization, kQuant, "scale (not finite and positive)", -1, index);
    }
  }
  int64_t zpMin = -2147483648LL, zpMax = 2147483647LL;
  if (type == TensorType::kInt8) {
    zpMin = -128;
    zpMax = 127;
  } else if (type == TensorType::kUInt8) {
    zpMin = 0;
    zpMax = 255;
  } else if (type == TensorType::kInt16) {
    zpMin = -32768;
    zpMax = 32767;
  }
  for (uint32_t i = 0; i < zps.size(); ++i) {
    const int64_t zp = zps.i64(i);
    if (zp < zpMin || zp > zpMax) {
      return failValue(Status::kBadQuantization, kQuant, "zero_point (out of range for the type)",
                       zp, -1, index);
    }
  }
  const int32_t qdim = q.i32(schema::quant::kQuantizedDimension);
  if (qdim < 0) {
    return failValue(Status::kBadQuantization, kQuant, "quantized_dimension", qdim, -1, index);
  }
  if (scales.size() > 1) {
    // Converters copy the filter's quantized_dimension onto rank-1 biases: accept any axis
    // there as long as the element count matches the channel count.
    const bool axisOk =
        static_cast<uint32_t>(qdim) < shape.size() &&
        shape.i32(static_cast<uint32_t>(qdim)) == static_cast<int32_t>(scales.size());
    const bool biasOk = shape.size() == 1 && count == scales.size();
    if (!axisOk && !biasOk) {
      return failValue(Status::kBadQuantization, kQuant,
                       "scale (count differs from the quantized dimension)", scales.size(), -1,
                       index);
    }
  }
  return true;
}

// No kernel reads or writes a tensor with a zero-sized dimension (TFLM's neither), and the
// host tools divide by dimensions: a tensor in `list` (an operator's or the subgraph's inputs or
// outputs, -1 = absent) must have at least one element. Scalars (rank 0) have one.
bool ModelVerifier::verifyNotEmpty(const fb::Vector& tensors, const fb::Vector& list,
                                   const char* field, int32_t op) {
  for (uint32_t i = 0; i < list.size(); ++i) {
    const int32_t t = list.i32(i);
    if (t < 0) continue;
    const fb::Vector shape = fb::tableAt(&m_model.m_buf, tensors.target(static_cast<uint32_t>(t)))
                                 .vector(schema::tensor::kShape, 4);
    for (uint32_t d = 0; d < shape.size(); ++d) {
      if (shape.i32(d) == 0) {
        return fail(Status::kBadShape, op >= 0 ? "Operator" : "SubGraph", field, op, t);
      }
    }
  }
  return true;
}

bool ModelVerifier::verifyOperator(const fb::Table& o, int32_t index, uint32_t numTensors,
                                   bool primary) {
  m_opIndex = index;
  m_opName = nullptr;
  const uint32_t opcode = o.u32(schema::op::kOpcodeIndex);
  if (opcode >= m_model.m_opcodes.size()) {
    return failValue(Status::kBadIndex, "Operator", "opcode_index", opcode, index);
  }
  m_opName = schema::builtinOperatorName(m_model.builtinCode(opcode));
  fb::Vector inputs, outputs, intermediates, custom, mutating;
  if (!vector(o, schema::op::kInputs, 4, "Operator", "inputs", &inputs, index) ||
      !vector(o, schema::op::kOutputs, 4, "Operator", "outputs", &outputs, index) ||
      !vector(o, schema::op::kIntermediates, 4, "Operator", "intermediates", &intermediates,
              index) ||
      !vector(o, schema::op::kCustomOptions, 1, "Operator", "custom_options", &custom, index) ||
      !vector(o, schema::op::kMutatingVariableInputs, 1, "Operator", "mutating_variable_inputs",
              &mutating, index)) {
    return false;
  }
  if (!verifyIndexList(inputs, numTensors, true, "Operator", "inputs", index) ||
      !verifyIndexList(outputs, numTensors, false, "Operator", "outputs", index) ||
      !verifyIndexList(intermediates, numTensors, true, "Operator", "intermediates", index)) {
    return false;
  }
  fb::Table options;
  if (!table(o, schema::op::kBuiltinOptions, "Operator", "builtin_options", &options, index))
    return false;
  if (primary) {
    if (!verifyNotEmpty(m_tensorsOfPrimary, inputs, "inputs (zero-sized dimension)", index) ||
        !verifyNotEmpty(m_tensorsOfPrimary, outputs, "outputs (zero-sized dimension)", index)) {
      return false;
    }
    for (uint32_t i = 0; i < outputs.size(); ++i) {
      const auto t = static_cast<uint32_t>(outputs.i32(i));
      TensorDesc d;
      m_model.fillTensor(fb::tableAt(&m_model.m_buf, m_tensorsOfPrimary.target(t)),
                         m_model.m_buffers.size(), &d);
      if (d.isConstant()) {
        return fail(Status::kConstantOutput, "Operator", "outputs", index, static_cast<int32_t>(t));
      }
    }
  }
  return true;
}

Status Model::load(const uint8_t* data, size_t size) {
  m_loaded = false;
  m_error = ErrorDetail();
  m_root = fb::Table();
  m_opcodes = m_buffers = m_subgraphs = m_tensors = m_operators = fb::Vector();
  m_subgraph = fb::Table();
  if (data == nullptr) {
    m_error.status = Status::kNullArgument;
    m_error.field = "model bytes";
    return m_error.status;
  }
  m_buf = fb::Buffer(data, size);
  ModelVerifier verifier(*this, m_error);
  if (!verifier.run()) {
    m_tensors = m_operators = fb::Vector();
    return m_error.status;
  }
  m_loaded = true;
  return Status::kOk;
}

int32_t Model::builtinCode(uint32_t opcodeIndex) const {
  const fb::Table code = fb::tableAt(&m_buf, m_opcodes.target(opcodeIndex));
  const int32_t deprecated = code.i8(schema::opcode::kDeprecatedBuiltinCode);
  const int32_t builtin = code.i32(schema::opcode::kBuiltinCode);
  return builtin > deprecated ? builtin : deprecated;
}

fb::String Model::customCode(uint32_t opcodeIndex) const {
  return fb::tableAt(&m_buf, m_opcodes.target(opcodeIndex)).string(schema::opcode::kCustomCode);
}

const uint8_t* Model::bufferData(uint32_t bufferIndex, size_t* size) const {
  *size = 0;
  const fb::Table b = fb::tableAt(&m_buf, m_buffers.target(bufferIndex));
  if (!b.present()) return nullptr;
  const fb::Vector data = b.vector(schema::buffer::kData, 1);
  if (data.present() && data.size() > 0) {
    *size = data.size();
    return data.bytes();
  }
  const uint64_t offset = b.u64(schema::buffer::kOffset);
  const uint64_t bytes = b.u64(schema::buffer::kSize);
  if (offset > 1 && bytes > 0 && m_buf.contains(offset, bytes)) {
    *size = static_cast<size_t>(bytes);
    return m_buf.data() + offset;
  }
  return nullptr;
}

bool Model::fillTensor(fb::Table t, uint32_t numBuffers, TensorDesc* out) const {
  *out = TensorDesc();
  if (!t.present()) return false;
  const fb::Vector shape = t.vector(schema::tensor::kShape, 4);
  out->rank = static_cast<uint8_t>(shape.size() > kMaxDims ? kMaxDims : shape.size());
  size_t count = 1;
  for (uint32_t d = 0; d < out->rank; ++d) {
    out->dims[d] = shape.i32(d);
    if (out->dims[d] < 0) return false;
    count *= static_cast<size_t>(out->dims[d]);
  }
  out->type = static_cast<TensorType>(t.u8(schema::tensor::kType));
  out->elementCount = count;
  out->bytes = count * schema::tensorTypeSize(out->type);
  out->isVariable = t.boolean(schema::tensor::kIsVariable);
  out->name = t.string(schema::tensor::kName);
  const uint32_t bufferIndex = t.u32(schema::tensor::kBuffer);
  if (bufferIndex < numBuffers) {
    size_t size = 0;
    const uint8_t* data = bufferData(bufferIndex, &size);
    if (data != nullptr && size == out->bytes) out->constData = data;
  }
  const fb::Table q = t.table(schema::tensor::kQuantization);
  if (q.present()) {
    out->scales = q.vector(schema::quant::kScale, 4);
    out->zeroPoints = q.vector(schema::quant::kZeroPoint, 8);
    out->quantizedDimension = q.i32(schema::quant::kQuantizedDimension);
  }
  return true;
}

TensorDesc Model::tensor(uint32_t index) const {
  TensorDesc d;
  fillTensor(fb::tableAt(&m_buf, m_tensors.target(index)), m_buffers.size(), &d);
  d.index = static_cast<int32_t>(index);
  return d;
}

OperatorDesc Model::op(uint32_t index) const {
  OperatorDesc d;
  const fb::Table o = fb::tableAt(&m_buf, m_operators.target(index));
  if (!o.present()) return d;
  d.index = static_cast<int32_t>(index);
  d.opcodeIndex = o.u32(schema::op::kOpcodeIndex);
  d.builtinCode = builtinCode(d.opcodeIndex);
  d.customCode = customCode(d.opcodeIndex);
  d.inputs = o.vector(schema::op::kInputs, 4);
  d.outputs = o.vector(schema::op::kOutputs, 4);
  d.intermediates = o.vector(schema::op::kIntermediates, 4);
  d.optionsType = o.u8(schema::op::kBuiltinOptionsType);
  d.options = o.table(schema::op::kBuiltinOptions);
  d.customOptions = o.vector(schema::op::kCustomOptions, 1);
  return d;
}

}  // namespace tinyscope::runner
