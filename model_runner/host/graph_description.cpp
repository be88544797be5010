#include "model_runner/host/graph_description.h"

#include <limits>

#include "model_runner/host/json.h"

namespace tinyscope::runner::host {

namespace {

// Saturating product of non-negative factors: a hostile shape gives a huge count, not a
// wrapped small one.
uint64_t mul(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a)
    return std::numeric_limits<uint64_t>::max();
  return a * b;
}

uint64_t add(uint64_t a, uint64_t b) {
  return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

uint64_t dimOf(const TensorDesc& t, int32_t i) {
  const int32_t d = t.dim(i);
  return d > 0 ? static_cast<uint64_t>(d) : 0;
}

}  // namespace

uint64_t operatorMacs(const Model& m, const OperatorDesc& op) {
  using schema::BuiltinOperator;
  const auto code = static_cast<BuiltinOperator>(op.builtinCode);
  if (op.outputs.size() < 1 || op.inputs.size() < 2) return 0;
  const TensorDesc out = m.tensor(static_cast<uint32_t>(op.outputs.i32(0)));
  const int32_t filterIndex = op.inputs.i32(1);
  if (filterIndex < 0) return 0;
  const TensorDesc filter = m.tensor(static_cast<uint32_t>(filterIndex));
  const uint64_t outElements = out.elementCount;
  switch (code) {
    case BuiltinOperator::kConv2d:  // each output element: kh * kw * filter input depth
      return mul(mul(mul(outElements, dimOf(filter, 1)), dimOf(filter, 2)), dimOf(filter, 3));
    case BuiltinOperator::kDepthwiseConv2d:
      return mul(mul(outElements, dimOf(filter, 1)), dimOf(filter, 2));
    case BuiltinOperator::kFullyConnected:
      return mul(outElements, dimOf(filter, filter.rank - 1));
    case BuiltinOperator::kSvdf: {  // feature matmul (filters x input) + time (filters x memory)
      if (op.inputs.size() < 3 || op.inputs.i32(2) < 0) return 0;
      const TensorDesc time = m.tensor(static_cast<uint32_t>(op.inputs.i32(2)));
      const TensorDesc in = m.tensor(static_cast<uint32_t>(op.inputs.i32(0)));
      return mul(mul(dimOf(in, 0), dimOf(filter, 0)), add(dimOf(filter, 1), dimOf(time, 1)));
    }
    case BuiltinOperator::kUnidirectionalSequenceLstm: {  // per step: 4 gates x (input +
                                                          // recurrent FC)
      uint64_t macs = 0;
      for (uint32_t i = 1; i <= 8 && i < op.inputs.size(); ++i) {
        if (op.inputs.i32(i) < 0) continue;
        const TensorDesc w = m.tensor(static_cast<uint32_t>(op.inputs.i32(i)));
        macs = add(macs, mul(dimOf(w, 0), dimOf(w, 1)));
      }
      // Output [batch, time, state] (or time-major): one step per batch x time. The verifier
      // refuses empty outputs; the check keeps this safe on any description.
      const uint64_t state = dimOf(out, out.rank - 1);
      return state == 0 ? 0 : mul(macs, outElements / state);
    }
    default:
      return 0;
  }
}

std::string manifestOpName(const OperatorDesc& op) {
  if (op.builtinCode == static_cast<int32_t>(schema::BuiltinOperator::kCustom)) {
    return "CUSTOM:" + std::string(op.customCode.chars != nullptr ? op.customCode.chars : "",
                                   op.customCode.length);
  }
  return op.name();
}

size_t elementSizeOf(const std::string& typeName) {
  for (int t = 0; t < 64; ++t) {
    const auto type = static_cast<TensorType>(t);
    if (typeName == schema::tensorTypeName(type)) return schema::tensorTypeSize(type);
  }
  return 0;
}

void describeGraph(const Model& m, const OpResolver* resolver, GraphDescription* out) {
  *out = GraphDescription();
  const fb::Vector ins = m.inputs(), outs = m.outputs();
  for (uint32_t i = 0; i < ins.size(); ++i) out->inputs.push_back(ins.i32(i));
  for (uint32_t i = 0; i < outs.size(); ++i) out->outputs.push_back(outs.i32(i));
  const uint32_t numTensors = m.numTensors();
  out->tensors.resize(numTensors);
  for (uint32_t o = 0; o < m.numOperators(); ++o) {
    const OperatorDesc op = m.op(o);
    GraphOperator g;
    g.index = static_cast<int32_t>(o);
    g.op = manifestOpName(op);
    for (uint32_t i = 0; i < op.inputs.size(); ++i) g.inputs.push_back(op.inputs.i32(i));
    for (uint32_t i = 0; i < op.outputs.size(); ++i) {
      const int32_t t = op.outputs.i32(i);
      g.outputs.push_back(t);
      if (t >= 0 && static_cast<uint32_t>(t) < numTensors) {
        out->tensors[static_cast<size_t>(t)].producerOp = g.index;
        out->tensors[static_cast<size_t>(t)].producerOpName = g.op;
      }
    }
    g.macs = operatorMacs(m, op);
    g.supported = resolver != nullptr && resolver->find(op.builtinCode, op.customCode) != nullptr;
    out->operators.push_back(std::move(g));
  }
  for (uint32_t t = 0; t < numTensors; ++t) {
    const TensorDesc d = m.tensor(t);
    GraphTensor& g = out->tensors[t];
    g.index = static_cast<int32_t>(t);
    g.name.assign(d.name.chars != nullptr ? d.name.chars : "", d.name.length);
    g.type = schema::tensorTypeName(d.type);
    g.shape.assign(d.dims, d.dims + d.rank);
    for (uint32_t c = 0; c < d.scales.size(); ++c)
      g.scale.push_back(static_cast<double>(d.scales.f32(c)));
    for (uint32_t c = 0; c < d.zeroPoints.size(); ++c) g.zeroPoint.push_back(d.zeroPoints.i64(c));
    g.quantizedDimension = d.quantizedDimension;
    g.quantChannels = static_cast<int32_t>(d.numChannels());
    g.isConstant = d.isConstant();
    g.isVariable = d.isVariable;
    if (g.isConstant) {
      g.producerOp = -1;
      g.producerOpName.clear();
    }
    g.bytes = d.bytes;
  }
  for (uint32_t i = 0; i < ins.size(); ++i) {
    const int32_t t = ins.i32(i);
    if (t >= 0 && static_cast<uint32_t>(t) < numTensors && out->tensors[t].modelInput < 0)
      out->tensors[static_cast<size_t>(t)].modelInput = static_cast<int32_t>(i);
  }
  for (uint32_t i = 0; i < outs.size(); ++i) {
    const int32_t t = outs.i32(i);
    if (t >= 0 && static_cast<uint32_t>(t) < numTensors && out->tensors[t].modelOutput < 0)
      out->tensors[static_cast<size_t>(t)].modelOutput = static_cast<int32_t>(i);
  }
}

void writeGraphJson(JsonWriter& w, const GraphDescription& g, GraphJson layout) {
  const bool manifest = layout == GraphJson::kManifest;
  w.key("operators").beginArray();
  for (const GraphOperator& o : g.operators) {
    w.beginObject();
    w.key("index").value(o.index);
    w.key("op").value(o.op);
    w.key("inputs").numbers(o.inputs);
    w.key("outputs").numbers(o.outputs);
    if (!manifest) {
      w.key("macs").value(o.macs);
      w.key("supported").value(o.supported);
    }
    w.endObject();
  }
  w.endArray();
  w.key("tensors").beginArray();
  for (const GraphTensor& t : g.tensors) {
    const bool omitQuant = manifest && t.isConstant && t.quantChannels > 1;
    w.beginObject();
    w.key("index").value(t.index);
    w.key("name").value(t.name);
    w.key("type").value(t.type);
    w.key("shape").numbers(t.shape);
    w.key("scale").numbers(omitQuant ? std::vector<double>() : t.scale);
    w.key("zero_point").numbers(omitQuant ? std::vector<int64_t>() : t.zeroPoint);
    w.key("quantized_dimension").value(t.quantizedDimension);
    w.key("is_constant").value(t.isConstant);
    w.key("is_variable").value(t.isVariable);
    if (manifest) {
      w.key("producer_op").value(t.producerOp);
      w.key("producer_op_name").stringOrNull(t.producerOpName);
      w.key("model_input").value(t.modelInput);
      w.key("model_output").value(t.modelOutput);
    }
    w.key("bytes").value(t.bytes);
    if (manifest) {
      w.key("file").stringOrNull(t.file);
      w.key("quant_channels").value(t.quantChannels);
    }
    w.endObject();
  }
  w.endArray();
}

}  // namespace tinyscope::runner::host
