#include "model_runner/host/tflite_writer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <tuple>
#include <type_traits>

namespace tinyscope::runner::host {
namespace {

namespace s = schema;

// A flatbuffer builder that grows back to front, like the reference flatbuffers builder: an
// object is written before anything that refers to it, so every uoffset points forward. An
// Offset is an object's distance from the end of the buffer, which is what stays fixed while the
// buffer grows at the front. Alignment is computed from the end too; finish() pads the front so
// the total size is a multiple of the largest alignment used, which makes it hold from the start.
class FlatBufferBuilder {
 public:
  using Offset = uint32_t;

  size_t size() const { return m_buf.size() - m_head; }

  // Pads with zeros so that, after `bytesAfter` more bytes, size() is a multiple of `alignment`.
  void align(size_t bytesAfter, size_t alignment) {
    m_minAlign = std::max(m_minAlign, alignment);
    const size_t rem = (size() + bytesAfter) % alignment;
    if (rem != 0) pad(alignment - rem);
  }

  template <typename T>
  Offset pushScalar(T value) {
    align(sizeof(T), sizeof(T));
    pushRaw(value);
    return static_cast<Offset>(size());
  }

  // Writes a uoffset to `target` (an object finished earlier).
  Offset pushOffset(Offset target) {
    align(4, 4);
    const auto here = static_cast<Offset>(size() + 4);
    if (target == 0 || target > here)
      throw std::logic_error("flatbuffer: offset to an unfinished object");
    pushRaw<uint32_t>(here - target);
    return here;
  }

  Offset createString(const std::string& text) {
    checkNotInTable();
    align(text.size() + 1, 4);
    pushBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size(), 1);
    return pushLength(text.size());
  }

  // `bytes` hold `count` little-endian elements of `elemSize` bytes each. The element data
  // starts at a multiple of max(alignment, 4) from the start of the finished buffer.
  Offset createVector(const uint8_t* bytes, size_t count, size_t elemSize, size_t alignment) {
    checkNotInTable();
    align(count * elemSize, std::max<size_t>(alignment, 4));
    pushBytes(bytes, count * elemSize, 0);
    return pushLength(count);
  }

  template <typename T>
  Offset createScalarVector(const std::vector<T>& values) {
    static_assert(std::is_arithmetic_v<T>, "scalar vectors only");
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    for (size_t i = 0; i < values.size(); ++i)
      storeLittleEndian(values[i], bytes.data() + i * sizeof(T));
    return createVector(bytes.data(), values.size(), sizeof(T), sizeof(T));
  }

  Offset createOffsetVector(const std::vector<Offset>& targets) {
    checkNotInTable();
    align(targets.size() * 4, 4);
    for (size_t i = targets.size(); i-- > 0;) pushOffset(targets[i]);
    return pushLength(targets.size());
  }

  void startTable() {
    checkNotInTable();
    m_inTable = true;
    m_tableStart = size();
    m_fields.clear();
  }

  // Scalar field; omitted when equal to the schema default (as the reference builder does).
  template <typename T>
  void addScalar(uint16_t id, T value, T defaultValue) {
    if (value == defaultValue) return;
    m_fields.push_back({id, pushScalar(value)});
  }
  // Scalar field written even when it equals the default (the caller does not know it).
  template <typename T>
  void addScalarAlways(uint16_t id, T value) {
    m_fields.push_back({id, pushScalar(value)});
  }
  void addOffset(uint16_t id, Offset target) { m_fields.push_back({id, pushOffset(target)}); }

  Offset endTable() {
    if (!m_inTable) throw std::logic_error("flatbuffer: endTable without startTable");
    align(4, 4);
    pushRaw<int32_t>(0);  // soffset to the vtable, patched below
    const auto table = static_cast<Offset>(size());
    uint16_t numSlots = 0;
    for (const Field& f : m_fields)
      numSlots = std::max<uint16_t>(numSlots, static_cast<uint16_t>(f.id + 1));
    std::vector<uint16_t> slots(numSlots, 0);
    for (const Field& f : m_fields) slots[f.id] = checkedU16(table - f.at);
    // vtable: [vtable bytes][table bytes][field offsets...], 2-byte entries, right before the table
    for (size_t i = slots.size(); i-- > 0;) pushRaw<uint16_t>(slots[i]);
    pushRaw<uint16_t>(checkedU16(table - m_tableStart));
    pushRaw<uint16_t>(checkedU16(4 + 2 * slots.size()));
    const auto vtable = static_cast<Offset>(size());
    storeLittleEndian<int32_t>(static_cast<int32_t>(vtable - table), &m_buf[m_buf.size() - table]);
    m_inTable = false;
    return table;
  }

  std::vector<uint8_t> finish(Offset root, const char identifier[4]) {
    checkNotInTable();
    align(8, m_minAlign);
    pushBytes(reinterpret_cast<const uint8_t*>(identifier), 4, 0);
    pushOffset(root);
    return std::vector<uint8_t>(m_buf.begin() + static_cast<std::ptrdiff_t>(m_head), m_buf.end());
  }

 private:
  struct Field {
    uint16_t id;
    Offset at;
  };

  template <typename T>
  static void storeLittleEndian(T value, uint8_t* out) {
    std::make_unsigned_t<
        std::conditional_t<std::is_same_v<T, float>, int32_t,
                           std::conditional_t<std::is_same_v<T, double>, int64_t, T>>>
        bits;
    static_assert(sizeof bits == sizeof value, "scalar size");
    std::memcpy(&bits, &value, sizeof bits);
    for (size_t i = 0; i < sizeof bits; ++i) out[i] = static_cast<uint8_t>(bits >> (8 * i));
  }

  static uint16_t checkedU16(size_t v) {
    if (v > 0xFFFF) throw std::invalid_argument("flatbuffer: table larger than 64 KiB");
    return static_cast<uint16_t>(v);
  }

  void checkNotInTable() const {
    if (m_inTable) throw std::logic_error("flatbuffer: nested object built inside a table");
  }

  void reserve(size_t n) {
    if (m_head >= n) return;
    const size_t used = size();
    const size_t capacity = std::max<size_t>(2 * m_buf.size(), used + n + 1024);
    std::vector<uint8_t> grown(capacity, 0);
    std::copy(m_buf.begin() + static_cast<std::ptrdiff_t>(m_head), m_buf.end(),
              grown.end() - static_cast<std::ptrdiff_t>(used));
    m_buf.swap(grown);
    m_head = m_buf.size() - used;
  }

  void pad(size_t n) {
    reserve(n);
    for (size_t i = 0; i < n; ++i) m_buf[--m_head] = 0;
  }

  template <typename T>
  void pushRaw(T value) {
    reserve(sizeof(T));
    m_head -= sizeof(T);
    storeLittleEndian(value, &m_buf[m_head]);
  }

  // Prepends `n` bytes followed (at the end) by `zeros` NUL bytes.
  void pushBytes(const uint8_t* bytes, size_t n, size_t zeros) {
    pad(zeros);
    reserve(n);
    m_head -= n;
    if (n > 0) std::memcpy(&m_buf[m_head], bytes, n);
  }

  Offset pushLength(size_t count) {
    if (count > 0x7FFFFFFF) throw std::invalid_argument("flatbuffer: vector too long");
    pushRaw<uint32_t>(static_cast<uint32_t>(count));
    return static_cast<Offset>(size());
  }

  std::vector<uint8_t> m_buf;
  size_t m_head = 0;
  size_t m_minAlign = 1;
  bool m_inTable = false;
  size_t m_tableStart = 0;
  std::vector<Field> m_fields;
};

using Offset = FlatBufferBuilder::Offset;

size_t elementSize(TensorType type) {
  switch (type) {
    case TensorType::kBool:
    case TensorType::kInt8:
    case TensorType::kUInt8:
      return 1;
    case TensorType::kInt16:
    case TensorType::kUInt16:
    case TensorType::kFloat16:
      return 2;
    case TensorType::kInt32:
    case TensorType::kUInt32:
    case TensorType::kFloat32:
      return 4;
    case TensorType::kInt64:
    case TensorType::kUInt64:
    case TensorType::kFloat64:
      return 8;
    default:
      return 0;
  }
}

std::string tensorLabel(const std::vector<TensorSpec>& tensors, int32_t index) {
  return "tensor " + std::to_string(index) + " ('" + tensors[static_cast<size_t>(index)].name +
         "')";
}

template <typename T>
std::vector<uint8_t> toBytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    auto bits = static_cast<std::make_unsigned_t<T>>(values[i]);
    for (size_t b = 0; b < sizeof(T); ++b)
      bytes[i * sizeof(T) + b] = static_cast<uint8_t>(bits >> (8 * b));
  }
  return bytes;
}

// Option table type tags (union BuiltinOptions) and builders.
struct OptionsWriter {
  FlatBufferBuilder& fbb;

  std::pair<uint8_t, Offset> operator()(const std::monostate&) const { return {0, 0}; }
  std::pair<uint8_t, Offset> operator()(const FullyConnectedOptions& o) const {
    fbb.startTable();
    fbb.addScalar<int8_t>(s::fully_connected_options::kActivation,
                          static_cast<int8_t>(o.activation), 0);
    fbb.addScalar<uint8_t>(s::fully_connected_options::kKeepNumDims, o.keepNumDims ? 1 : 0, 0);
    return {tag(s::BuiltinOptionsType::kFullyConnectedOptions), fbb.endTable()};
  }
  std::pair<uint8_t, Offset> operator()(const SoftmaxOptions& o) const {
    fbb.startTable();
    fbb.addScalar<float>(s::softmax_options::kBeta, o.beta, 0.0f);
    return {tag(s::BuiltinOptionsType::kSoftmaxOptions), fbb.endTable()};
  }
  std::pair<uint8_t, Offset> operator()(const ReshapeOptions& o) const {
    const Offset shape = fbb.createScalarVector(o.newShape);
    fbb.startTable();
    fbb.addOffset(s::reshape_options::kNewShape, shape);
    return {tag(s::BuiltinOptionsType::kReshapeOptions), fbb.endTable()};
  }
  std::pair<uint8_t, Offset> operator()(const Conv2DOptions& o) const {
    namespace f = s::conv2d_options;
    fbb.startTable();
    fbb.addScalar<int8_t>(f::kPadding, static_cast<int8_t>(o.padding), 0);
    fbb.addScalar<int32_t>(f::kStrideW, o.strideW, 0);
    fbb.addScalar<int32_t>(f::kStrideH, o.strideH, 0);
    fbb.addScalar<int8_t>(f::kActivation, static_cast<int8_t>(o.activation), 0);
    fbb.addScalar<int32_t>(f::kDilationW, o.dilationW, 1);
    fbb.addScalar<int32_t>(f::kDilationH, o.dilationH, 1);
    return {tag(s::BuiltinOptionsType::kConv2DOptions), fbb.endTable()};
  }
  std::pair<uint8_t, Offset> operator()(const DepthwiseConv2DOptions& o) const {
    namespace f = s::depthwise_options;
    fbb.startTable();
    fbb.addScalar<int8_t>(f::kPadding, static_cast<int8_t>(o.padding), 0);
    fbb.addScalar<int32_t>(f::kStrideW, o.strideW, 0);
    fbb.addScalar<int32_t>(f::kStrideH, o.strideH, 0);
    fbb.addScalar<int32_t>(f::kDepthMultiplier, o.depthMultiplier, 0);
    fbb.addScalar<int8_t>(f::kActivation, static_cast<int8_t>(o.activation), 0);
    fbb.addScalar<int32_t>(f::kDilationW, o.dilationW, 1);
    fbb.addScalar<int32_t>(f::kDilationH, o.dilationH, 1);
    return {tag(s::BuiltinOptionsType::kDepthwiseConv2DOptions), fbb.endTable()};
  }
  std::pair<uint8_t, Offset> operator()(const Pool2DOptions& o) const {
    namespace f = s::pool2d_options;
    fbb.startTable();
    fbb.addScalar<int8_t>(f::kPadding, static_cast<int8_t>(o.padding), 0);
    fbb.addScalar<int32_t>(f::kStrideW, o.strideW, 0);
    fbb.addScalar<int32_t>(f::kStrideH, o.strideH, 0);
    fbb.addScalar<int32_t>(f::kFilterWidth, o.filterWidth, 0);
    fbb.addScalar<int32_t>(f::kFilterHeight, o.filterHeight, 0);
    fbb.addScalar<int8_t>(f::kActivation, static_cast<int8_t>(o.activation), 0);
    return {tag(s::BuiltinOptionsType::kPool2DOptions), fbb.endTable()};
  }
  std::pair<uint8_t, Offset> operator()(const AddOptions& o) const {
    fbb.startTable();
    fbb.addScalar<int8_t>(s::add_options::kActivation, static_cast<int8_t>(o.activation), 0);
    return {tag(s::BuiltinOptionsType::kAddOptions), fbb.endTable()};
  }

  std::pair<uint8_t, Offset> operator()(const TableOptions& o) const {
    using Kind = TableOptions::Field::Kind;
    std::vector<Offset> vectors(o.fields.size(), 0);  // vectors precede the table
    for (size_t i = 0; i < o.fields.size(); ++i)
      if (o.fields[i].kind == Kind::kInt32Vector)
        vectors[i] = fbb.createScalarVector(o.fields[i].vector);
    fbb.startTable();
    for (size_t i = 0; i < o.fields.size(); ++i) {
      const TableOptions::Field& f = o.fields[i];
      switch (f.kind) {
        case Kind::kBool:
          fbb.addScalarAlways<uint8_t>(f.slot, f.intValue != 0 ? 1 : 0);
          break;
        case Kind::kInt8:
          fbb.addScalarAlways<int8_t>(f.slot, static_cast<int8_t>(f.intValue));
          break;
        case Kind::kInt16:
          fbb.addScalarAlways<int16_t>(f.slot, static_cast<int16_t>(f.intValue));
          break;
        case Kind::kInt32:
          fbb.addScalarAlways<int32_t>(f.slot, static_cast<int32_t>(f.intValue));
          break;
        case Kind::kInt64:
          fbb.addScalarAlways<int64_t>(f.slot, f.intValue);
          break;
        case Kind::kFloat:
          fbb.addScalarAlways<float>(f.slot, f.floatValue);
          break;
        case Kind::kInt32Vector:
          fbb.addOffset(f.slot, vectors[i]);
          break;
      }
    }
    return {o.type, fbb.endTable()};
  }

  // Custom options are not a builtin options table (written by serialize()).
  std::pair<uint8_t, Offset> operator()(const CustomOptions&) const { return {0, 0}; }

  static uint8_t tag(s::BuiltinOptionsType t) { return static_cast<uint8_t>(t); }
};

}  // namespace

QuantParams QuantParams::perTensor(float scale, int64_t zeroPoint) {
  QuantParams q;
  q.scales = {scale};
  q.zeroPoints = {zeroPoint};
  return q;
}

QuantParams QuantParams::perChannel(std::vector<float> scales, int32_t dimension) {
  QuantParams q;
  q.zeroPoints.assign(scales.size(), 0);
  q.scales = std::move(scales);
  q.quantizedDimension = dimension;
  return q;
}

int32_t TfliteWriter::addTensor(TensorSpec spec) {
  const auto index = static_cast<int32_t>(m_tensors.size());
  const std::string where = "tensor " + std::to_string(index) + " ('" + spec.name + "')";
  size_t count = 1;
  for (int32_t d : spec.shape) {
    if (d < 0) throw std::invalid_argument(where + " has a negative dimension");
    count *= static_cast<size_t>(d);
  }
  const size_t elem = elementSize(spec.type);
  if (elem == 0)
    throw std::invalid_argument(where + " has a tensor type the writer does not support");
  if (!spec.data.empty() && spec.data.size() != count * elem) {
    throw std::invalid_argument(where + " has " + std::to_string(spec.data.size()) +
                                " bytes of data but its shape and type need " +
                                std::to_string(count * elem));
  }
  const QuantParams& q = spec.quant;
  if (!q.zeroPoints.empty() && q.zeroPoints.size() != q.scales.size()) {
    throw std::invalid_argument(where + " has a different number of scales and zero points");
  }
  for (float scale : q.scales) {
    if (!(scale > 0.0f && scale < 1e30f))
      throw std::invalid_argument(where +
                                  " has a quantization scale that is not positive and finite");
  }
  if (q.scales.size() > 1) {
    const int32_t dim = q.quantizedDimension;
    if (dim < 0 || static_cast<size_t>(dim) >= spec.shape.size() ||
        static_cast<size_t>(spec.shape[static_cast<size_t>(dim)]) != q.scales.size()) {
      throw std::invalid_argument(where + " has " + std::to_string(q.scales.size()) +
                                  " per-channel scales that do not match its quantized dimension");
    }
  }
  m_tensors.push_back(std::move(spec));
  return index;
}

int32_t TfliteWriter::addActivation(std::string name, TensorType type, std::vector<int32_t> shape,
                                    QuantParams quant) {
  return addTensor({std::move(name), type, std::move(shape), std::move(quant), {}});
}

int32_t TfliteWriter::addInt8Constant(std::string name, std::vector<int32_t> shape,
                                      const std::vector<int8_t>& values, QuantParams quant) {
  return addTensor(
      {std::move(name), TensorType::kInt8, std::move(shape), std::move(quant), toBytes(values)});
}

int32_t TfliteWriter::addInt32Constant(std::string name, std::vector<int32_t> shape,
                                       const std::vector<int32_t>& values, QuantParams quant) {
  return addTensor(
      {std::move(name), TensorType::kInt32, std::move(shape), std::move(quant), toBytes(values)});
}

void TfliteWriter::checkTensorIndex(int32_t index, bool allowAbsent,
                                    const std::string& where) const {
  if (index == -1 && allowAbsent) return;
  if (index < 0 || static_cast<size_t>(index) >= m_tensors.size()) {
    throw std::invalid_argument(where + " refers to tensor " + std::to_string(index) +
                                ", which does not exist");
  }
}

int32_t TfliteWriter::addOperator(OperatorSpec spec) {
  const auto index = static_cast<int32_t>(m_operators.size());
  const std::string where = "operator " + std::to_string(index) + " (builtin code " +
                            std::to_string(static_cast<int32_t>(spec.op)) + ")";
  if (spec.outputs.empty()) throw std::invalid_argument(where + " has no output");
  for (int32_t t : spec.inputs) checkTensorIndex(t, true, where);
  for (int32_t t : spec.outputs) {
    checkTensorIndex(t, false, where);
    if (!m_tensors[static_cast<size_t>(t)].data.empty()) {
      throw std::invalid_argument(where + " writes " + tensorLabel(m_tensors, t) +
                                  ", which is constant");
    }
  }
  if (spec.version < 1) throw std::invalid_argument(where + " has an operator version below 1");
  m_operators.push_back(std::move(spec));
  return index;
}

int32_t TfliteWriter::addFullyConnected(int32_t input, int32_t weights, int32_t bias,
                                        int32_t output, FullyConnectedOptions options) {
  return addOperator(
      {BuiltinOperator::kFullyConnected, 4, {input, weights, bias}, {output}, options});
}

int32_t TfliteWriter::addSoftmax(int32_t input, int32_t output, SoftmaxOptions options) {
  return addOperator({BuiltinOperator::kSoftmax, 2, {input}, {output}, options});
}

int32_t TfliteWriter::addReshape(int32_t input, int32_t shapeTensor, int32_t output,
                                 ReshapeOptions options) {
  std::vector<int32_t> inputs{input};
  if (shapeTensor >= 0) inputs.push_back(shapeTensor);
  return addOperator(
      {BuiltinOperator::kReshape, 1, std::move(inputs), {output}, std::move(options)});
}

int32_t TfliteWriter::addConv2D(int32_t input, int32_t filter, int32_t bias, int32_t output,
                                Conv2DOptions options) {
  return addOperator({BuiltinOperator::kConv2d, 3, {input, filter, bias}, {output}, options});
}

int32_t TfliteWriter::addDepthwiseConv2D(int32_t input, int32_t filter, int32_t bias,
                                         int32_t output, DepthwiseConv2DOptions options) {
  return addOperator(
      {BuiltinOperator::kDepthwiseConv2d, 3, {input, filter, bias}, {output}, options});
}

int32_t TfliteWriter::addAveragePool2D(int32_t input, int32_t output, Pool2DOptions options) {
  return addOperator({BuiltinOperator::kAveragePool2d, 2, {input}, {output}, options});
}

int32_t TfliteWriter::addAdd(int32_t a, int32_t b, int32_t output, AddOptions options) {
  return addOperator({BuiltinOperator::kAdd, 2, {a, b}, {output}, options});
}

TableOptions& TableOptions::add(uint16_t slot, Field::Kind kind, int64_t value) {
  if (kind == Field::Kind::kFloat || kind == Field::Kind::kInt32Vector)
    throw std::invalid_argument("TableOptions::add takes integer and bool fields only");
  Field f;
  f.slot = slot;
  f.kind = kind;
  f.intValue = value;
  fields.push_back(std::move(f));
  return *this;
}

TableOptions& TableOptions::addFloat(uint16_t slot, float value) {
  Field f;
  f.slot = slot;
  f.kind = Field::Kind::kFloat;
  f.floatValue = value;
  fields.push_back(std::move(f));
  return *this;
}

TableOptions& TableOptions::addInt32Vector(uint16_t slot, std::vector<int32_t> values) {
  Field f;
  f.slot = slot;
  f.kind = Field::Kind::kInt32Vector;
  f.vector = std::move(values);
  fields.push_back(std::move(f));
  return *this;
}

void TfliteWriter::setInputs(std::vector<int32_t> tensors) {
  for (int32_t t : tensors) {
    checkTensorIndex(t, false, "the subgraph input list");
    if (!m_tensors[static_cast<size_t>(t)].data.empty()) {
      throw std::invalid_argument("the subgraph input list names " + tensorLabel(m_tensors, t) +
                                  ", which is constant");
    }
  }
  m_inputs = std::move(tensors);
}

void TfliteWriter::setOutputs(std::vector<int32_t> tensors) {
  for (int32_t t : tensors) checkTensorIndex(t, false, "the subgraph output list");
  m_outputs = std::move(tensors);
}

std::vector<uint8_t> TfliteWriter::serialize() const {
  if (m_inputs.empty())
    throw std::invalid_argument("the model has no subgraph inputs (call setInputs)");
  if (m_outputs.empty())
    throw std::invalid_argument("the model has no subgraph outputs (call setOutputs)");
  FlatBufferBuilder fbb;

  // Buffers: 0 is the empty sentinel, then one per constant tensor in tensor order. The data is
  // written first so it lands at the end of the file, 16-byte aligned.
  std::vector<Offset> buffers;
  std::vector<uint32_t> bufferOf(m_tensors.size(), 0);
  fbb.startTable();
  buffers.push_back(fbb.endTable());
  for (size_t i = 0; i < m_tensors.size(); ++i) {
    const TensorSpec& t = m_tensors[i];
    if (t.data.empty()) continue;
    const Offset data = fbb.createVector(t.data.data(), t.data.size(), 1, 16);
    fbb.startTable();
    fbb.addOffset(s::buffer::kData, data);
    bufferOf[i] = static_cast<uint32_t>(buffers.size());
    buffers.push_back(fbb.endTable());
  }

  std::vector<Offset> tensors;
  for (size_t i = 0; i < m_tensors.size(); ++i) {
    const TensorSpec& t = m_tensors[i];
    const Offset shape = fbb.createScalarVector(t.shape);
    const Offset name = fbb.createString(t.name);
    Offset quant = 0;
    if (!t.quant.empty()) {
      const Offset scales = fbb.createScalarVector(t.quant.scales);
      std::vector<int64_t> zeroPoints = t.quant.zeroPoints;
      if (zeroPoints.empty()) zeroPoints.assign(t.quant.scales.size(), 0);
      const Offset zps = fbb.createScalarVector(zeroPoints);
      fbb.startTable();
      fbb.addOffset(s::quant::kScale, scales);
      fbb.addOffset(s::quant::kZeroPoint, zps);
      fbb.addScalar<int32_t>(s::quant::kQuantizedDimension, t.quant.quantizedDimension, 0);
      quant = fbb.endTable();
    }
    fbb.startTable();
    fbb.addOffset(s::tensor::kShape, shape);
    fbb.addScalar<int8_t>(s::tensor::kType, static_cast<int8_t>(t.type), 0);
    fbb.addScalar<uint32_t>(s::tensor::kBuffer, bufferOf[i], 0);
    fbb.addOffset(s::tensor::kName, name);
    if (quant != 0) fbb.addOffset(s::tensor::kQuantization, quant);
    fbb.addScalar<uint8_t>(s::tensor::kIsVariable, t.isVariable ? 1 : 0, 0);
    tensors.push_back(fbb.endTable());
  }

  // Operator codes: one per distinct (builtin, version), in order of first use.
  using CodeKey = std::tuple<BuiltinOperator, int32_t, std::string>;
  std::vector<CodeKey> codes;
  std::vector<Offset> operators;
  for (const OperatorSpec& op : m_operators) {
    const auto* custom = std::get_if<CustomOptions>(&op.options);
    const CodeKey key{op.op, op.version, custom != nullptr ? custom->code : std::string()};
    auto it = std::find(codes.begin(), codes.end(), key);
    const auto opcodeIndex = static_cast<uint32_t>(it - codes.begin());
    if (it == codes.end()) codes.push_back(key);
    const Offset inputs = fbb.createScalarVector(op.inputs);
    const Offset outputs = fbb.createScalarVector(op.outputs);
    const auto [optionsType, options] = std::visit(OptionsWriter{fbb}, op.options);
    const Offset customOptions =
        custom == nullptr || custom->bytes.empty()
            ? 0
            : fbb.createVector(custom->bytes.data(), custom->bytes.size(), 1, 1);
    fbb.startTable();
    fbb.addScalar<uint32_t>(s::op::kOpcodeIndex, opcodeIndex, 0);
    fbb.addOffset(s::op::kInputs, inputs);
    fbb.addOffset(s::op::kOutputs, outputs);
    fbb.addScalar<uint8_t>(s::op::kBuiltinOptionsType, optionsType, 0);
    if (options != 0) fbb.addOffset(s::op::kBuiltinOptions, options);
    if (customOptions != 0) fbb.addOffset(s::op::kCustomOptions, customOptions);
    operators.push_back(fbb.endTable());
  }

  const Offset tensorVector = fbb.createOffsetVector(tensors);
  const Offset inputs = fbb.createScalarVector(m_inputs);
  const Offset outputs = fbb.createScalarVector(m_outputs);
  const Offset operatorVector = fbb.createOffsetVector(operators);
  const Offset subgraphName = fbb.createString(m_subgraphName);
  fbb.startTable();
  fbb.addOffset(s::subgraph::kTensors, tensorVector);
  fbb.addOffset(s::subgraph::kInputs, inputs);
  fbb.addOffset(s::subgraph::kOutputs, outputs);
  fbb.addOffset(s::subgraph::kOperators, operatorVector);
  fbb.addOffset(s::subgraph::kName, subgraphName);
  const Offset subgraph = fbb.endTable();

  // deprecated_builtin_code is an int8: codes above 126 are stored as 127
  // (PLACEHOLDER_FOR_GREATER_OP_CODES) with the real code in builtin_code.
  std::vector<Offset> opcodes;
  for (const auto& [builtin, version, customCode] : codes) {
    const auto code = static_cast<int32_t>(builtin);
    const Offset custom = customCode.empty() ? 0 : fbb.createString(customCode);
    fbb.startTable();
    if (custom != 0) fbb.addOffset(s::opcode::kCustomCode, custom);
    fbb.addScalar<int8_t>(s::opcode::kDeprecatedBuiltinCode,
                          static_cast<int8_t>(std::min(code, 127)), 0);
    fbb.addScalar<int32_t>(s::opcode::kVersion, version, 1);
    fbb.addScalar<int32_t>(s::opcode::kBuiltinCode, code, 0);
    opcodes.push_back(fbb.endTable());
  }

  const Offset opcodeVector = fbb.createOffsetVector(opcodes);
  const Offset subgraphVector = fbb.createOffsetVector({subgraph});
  const Offset description = fbb.createString(m_description);
  const Offset bufferVector = fbb.createOffsetVector(buffers);
  fbb.startTable();
  fbb.addScalar<uint32_t>(s::model::kVersion, 3, 0);
  fbb.addOffset(s::model::kOperatorCodes, opcodeVector);
  fbb.addOffset(s::model::kSubgraphs, subgraphVector);
  fbb.addOffset(s::model::kDescription, description);
  fbb.addOffset(s::model::kBuffers, bufferVector);
  const Offset model = fbb.endTable();
  return fbb.finish(model, "TFL3");
}

}  // namespace tinyscope::runner::host
