#include "model_runner/host/model_summary.h"

#include <memory>

#include "model_runner/host/error_format.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/json.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"

namespace tinyscope::runner::host {

namespace {

uint64_t macsOf(const Model& m, const OperatorDesc& op) {
  using schema::BuiltinOperator;
  const auto code = static_cast<BuiltinOperator>(op.builtinCode);
  if (op.outputs.size() < 1 || op.inputs.size() < 2) return 0;
  const TensorDesc out = m.tensor(static_cast<uint32_t>(op.outputs.i32(0)));
  const int32_t filterIndex = op.inputs.i32(1);
  if (filterIndex < 0) return 0;
  const TensorDesc filter = m.tensor(static_cast<uint32_t>(filterIndex));
  switch (code) {
    case BuiltinOperator::kConv2d:  // each output element: kh * kw * filter input depth
      return static_cast<uint64_t>(out.elementCount) * static_cast<uint64_t>(filter.dim(1)) *
             static_cast<uint64_t>(filter.dim(2)) * static_cast<uint64_t>(filter.dim(3));
    case BuiltinOperator::kDepthwiseConv2d:
      return static_cast<uint64_t>(out.elementCount) * static_cast<uint64_t>(filter.dim(1)) *
             static_cast<uint64_t>(filter.dim(2));
    case BuiltinOperator::kFullyConnected:
      return static_cast<uint64_t>(out.elementCount) *
             static_cast<uint64_t>(filter.dim(filter.rank - 1));
    case BuiltinOperator::kSvdf: {  // feature matmul (filters x input) + time matmul (filters x
                                    // memory)
      if (op.inputs.size() < 3 || op.inputs.i32(2) < 0) return 0;
      const TensorDesc time = m.tensor(static_cast<uint32_t>(op.inputs.i32(2)));
      const TensorDesc in = m.tensor(static_cast<uint32_t>(op.inputs.i32(0)));
      return static_cast<uint64_t>(in.dim(0)) * static_cast<uint64_t>(filter.dim(0)) *
             static_cast<uint64_t>(filter.dim(1) + time.dim(1));
    }
    case BuiltinOperator::kUnidirectionalSequenceLstm: {  // per step: 4 gates x (input + recurrent
                                                          // FC)
      uint64_t macs = 0;
      for (uint32_t i = 1; i <= 8 && i < op.inputs.size(); ++i) {
        if (op.inputs.i32(i) < 0) continue;
        const TensorDesc w = m.tensor(static_cast<uint32_t>(op.inputs.i32(i)));
        macs += static_cast<uint64_t>(w.dim(0)) * static_cast<uint64_t>(w.dim(1));
      }
      // Output [batch, time, state] (or time-major): one step per batch x time.
      return macs *
             static_cast<uint64_t>(out.elementCount / static_cast<size_t>(out.dim(out.rank - 1)));
    }
    default:
      return 0;
  }
}

}  // namespace

bool buildModelSummary(const uint8_t* bytes, size_t size, ModelSummary* out, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  *out = ModelSummary();
  Model m;
  if (m.load(bytes, size) != Status::kOk) {
    *err = formatError(m.error());
    return false;
  }
  out->modelBytes = size;
  out->schemaVersion = m.version();
  out->description.assign(m.description().chars != nullptr ? m.description().chars : "",
                          m.description().length);
  out->numSubgraphs = m.numSubgraphs();
  for (uint32_t i = 0; i < m.inputs().size(); ++i) out->inputs.push_back(m.inputs().i32(i));
  for (uint32_t i = 0; i < m.outputs().size(); ++i) out->outputs.push_back(m.outputs().i32(i));
  OpResolver resolver;
  kernels::addAllOps(resolver);
  for (uint32_t o = 0; o < m.numOperators(); ++o) {
    const OperatorDesc op = m.op(o);
    SummaryOperator s;
    s.index = static_cast<int32_t>(o);
    s.op = manifestOpName(op);
    for (uint32_t i = 0; i < op.inputs.size(); ++i) s.inputs.push_back(op.inputs.i32(i));
    for (uint32_t i = 0; i < op.outputs.size(); ++i) s.outputs.push_back(op.outputs.i32(i));
    s.macs = macsOf(m, op);
    s.supported = resolver.find(op.builtinCode, op.customCode) != nullptr;
    out->totalMacs += s.macs;
    out->opCounts[s.op] += 1;
    out->operators.push_back(s);
  }
  for (uint32_t t = 0; t < m.numTensors(); ++t) {
    const TensorDesc d = m.tensor(t);
    SummaryTensor s;
    s.index = static_cast<int32_t>(t);
    s.name.assign(d.name.chars != nullptr ? d.name.chars : "", d.name.length);
    s.type = schema::tensorTypeName(d.type);
    s.shape.assign(d.dims, d.dims + d.rank);
    for (uint32_t c = 0; c < d.scales.size(); ++c) s.scale.push_back(d.scales.f32(c));
    for (uint32_t c = 0; c < d.zeroPoints.size(); ++c) s.zeroPoint.push_back(d.zeroPoints.i64(c));
    s.quantizedDimension = d.quantizedDimension;
    s.isConstant = d.isConstant();
    s.isVariable = d.isVariable;
    s.bytes = d.bytes;
    if (s.isConstant) out->constantBytes += s.bytes;
    out->tensors.push_back(s);
  }
  // Plan with a generous arena and report what the runtime actually uses.
  size_t arenaSize = size_t{1} << 20;
  while (true) {
    std::vector<uint8_t> arena(arenaSize);
    auto interp = std::make_unique<Interpreter>(bytes, size, resolver, arena.data(), arena.size());
    const Status s = interp->allocate();
    if (s == Status::kOk) {
      out->runnable = true;
      out->arenaBytes = interp->arenaUsedBytes();
      out->arenaPersistentBytes = interp->arenaPersistentBytes();
      break;
    }
    if (s == Status::kArenaTooSmall && arenaSize < (size_t{1} << 30)) {
      arenaSize *= 4;
      continue;
    }
    out->allocateError = formatError(interp->error());
    break;
  }
  return true;
}

std::string summaryToJson(const ModelSummary& s) {
  JsonWriter w;
  w.beginObject();
  w.key("model_bytes").value(s.modelBytes);
  w.key("schema_version").value(s.schemaVersion);
  w.key("description").value(s.description);
  w.key("num_subgraphs").value(s.numSubgraphs);
  w.key("inputs").numbers(s.inputs);
  w.key("outputs").numbers(s.outputs);
  w.key("total_macs").value(s.totalMacs);
  w.key("constant_bytes").value(s.constantBytes);
  w.key("runnable").value(s.runnable);
  if (s.runnable) {
    w.key("arena_bytes").value(s.arenaBytes);
    w.key("arena_persistent_bytes").value(s.arenaPersistentBytes);
  } else {
    w.key("allocate_error").value(s.allocateError);
  }
  w.key("op_counts").beginObject();
  for (const auto& kv : s.opCounts) w.key(kv.first).value(kv.second);
  w.endObject();
  w.key("operators").beginArray();
  for (const SummaryOperator& o : s.operators) {
    w.beginObject();
    w.key("index").value(o.index);
    w.key("op").value(o.op);
    w.key("inputs").numbers(o.inputs);
    w.key("outputs").numbers(o.outputs);
    w.key("macs").value(o.macs);
    w.key("supported").value(o.supported);
    w.endObject();
  }
  w.endArray();
  w.key("tensors").beginArray();
  for (const SummaryTensor& t : s.tensors) {
    w.beginObject();
    w.key("index").value(t.index);
    w.key("name").value(t.name);
    w.key("type").value(t.type);
    w.key("shape").numbers(t.shape);
    w.key("scale").numbers(t.scale);
    w.key("zero_point").numbers(t.zeroPoint);
    w.key("quantized_dimension").value(t.quantizedDimension);
    w.key("is_constant").value(t.isConstant);
    w.key("is_variable").value(t.isVariable);
    w.key("bytes").value(t.bytes);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.str() + "\n";
}

}  // namespace tinyscope::runner::host
