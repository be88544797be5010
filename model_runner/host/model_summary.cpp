#include "model_runner/host/model_summary.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "model_runner/host/error_format.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/json.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"

namespace tinyscope::runner::host {

bool buildModelSummary(const uint8_t* bytes, size_t size, ModelSummary* out, std::string* error,
                       size_t maxArenaBytes) {
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
  AllOpsResolver resolver;
  kernels::addAllOps(resolver);
  describeGraph(m, &resolver, out);
  for (const GraphOperator& op : out->operators) {
    out->totalMacs = op.macs > UINT64_MAX - out->totalMacs ? UINT64_MAX : out->totalMacs + op.macs;
    out->opCounts[op.op] += 1;
  }
  for (const GraphTensor& t : out->tensors) {
    if (t.isConstant) out->constantBytes += t.bytes;
  }
  // Plan with a generous arena and report what the runtime actually uses.
  size_t arenaSize = std::min(size_t{1} << 20, maxArenaBytes);
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
    if (s == Status::kArenaTooSmall && arenaSize * 4 <= maxArenaBytes) {
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
  writeGraphJson(w, s, GraphJson::kSummary);
  w.endObject();
  return w.str() + "\n";
}

}  // namespace tinyscope::runner::host
