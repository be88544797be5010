// Compares two tensor dumps of the same model tensor by tensor (host only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model_runner/host/tensor_dump.h"

namespace tinyscope::runner::host {

struct TensorComparison {
  int32_t index = 0;
  std::string name;
  std::string type;
  int32_t producerOp = -1;
  std::string producerOpName;
  bool compared = false;  // false when either side lacks the data (see note)
  std::string note;
  uint64_t elements = 0;
  uint64_t exactMatches = 0;
  int64_t maxAbsDiff = 0;    // in quantized steps
  double meanAbsDiff = 0.0;  // in quantized steps
  double cosine = 1.0;       // of dequantized values (1 when both are all zero)
  double snrDb = 0.0;        // 10 log10(|ref|^2 / |test - ref|^2); +inf when identical
  double relativeL2 = 0.0;   // |test - ref| / |ref| (0 when identical)
  bool identical() const { return compared && exactMatches == elements; }
};

struct DumpComparison {
  std::vector<TensorComparison> tensors;  // tensors with data on both sides, in index order
  uint64_t comparedTensors = 0;
  uint64_t identicalTensors = 0;
  int32_t firstDivergingOp = -1;  // lowest producer op index of a differing tensor
  std::string firstDivergingOpName;
  int32_t firstDivergingTensor = -1;
  bool identical() const { return comparedTensors > 0 && identicalTensors == comparedTensors; }
};

// `reference` is the trusted side (e.g. golden), `test` the one under test. Both must
// describe the same tensors (same count, types and byte sizes); otherwise false + error.
bool compareDumps(const TensorDump& reference, const TensorDump& test, DumpComparison* out,
                  std::string* error);

// Metrics of one tensor's raw bytes (element type by name: int8, int16, int32, uint8, float32...).
TensorComparison compareTensorBytes(const DumpTensor& info, const std::vector<uint8_t>& reference,
                                    const std::vector<uint8_t>& test);

std::string comparisonToJson(const DumpComparison& comparison);

}  // namespace tinyscope::runner::host
