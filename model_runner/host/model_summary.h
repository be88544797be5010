// What `tinyscope-cli inspect` shows about a model (host only): the graph (operators with MACs,
// tensors with shape/type/quantization; graph_description.h) and the arena the runtime plans.
// Plain values; any thread; buildModelSummary() allocates the model's arena while it plans.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model_runner/host/graph_description.h"

namespace tinyscope::runner::host {

using SummaryTensor = GraphTensor;
using SummaryOperator = GraphOperator;

struct ModelSummary : GraphDescription {
  uint64_t modelBytes = 0;
  uint32_t schemaVersion = 0;
  std::string description;
  uint32_t numSubgraphs = 0;
  std::map<std::string, int> opCounts;
  uint64_t totalMacs = 0;
  bool runnable = false;      // allocate() succeeded with the core op table
  std::string allocateError;  // why not, when !runnable
  uint64_t arenaBytes = 0;    // planned arena (activations + persistent) when runnable
  uint64_t arenaPersistentBytes = 0;
  uint64_t constantBytes = 0;  // weights and other constant data in the model
};

// The largest arena buildModelSummary() tries before it reports the model as not runnable.
constexpr size_t kMaxSummaryArenaBytes = size_t{1} << 30;

// Verifies and describes the model; false + error when the model is malformed.
// An unsupported operator is not an error: runnable=false and allocateError say why. Planning
// tries arenas from 1 MiB up to `maxArenaBytes` (x4 each step).
bool buildModelSummary(const uint8_t* bytes, size_t size, ModelSummary* out, std::string* error,
                       size_t maxArenaBytes = kMaxSummaryArenaBytes);

std::string summaryToJson(const ModelSummary& summary);

}  // namespace tinyscope::runner::host
