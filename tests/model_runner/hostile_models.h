// Hostile variants of real models, each the exact input of a crash or a silent lie that the
// runtime and its host tools now refuse. Used by the runtime's tests, the CLI tests and to
// regenerate fuzz/regressions/. Each function takes a valid model's bytes and returns them
// mutated in place (same size); an empty result means the model lacks what the mutation needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyscope::runner::test {

// The first UNIDIRECTIONAL_SEQUENCE_LSTM's output gets a zero last dimension (it used to pass
// the verifier and crash `inspect` with SIGFPE). `opIndex`/`tensorIndex` say which (may be null).
std::vector<uint8_t> lstmOutputWithZeroLastDim(std::vector<uint8_t> bytes, int32_t* opIndex,
                                               int32_t* tensorIndex);

// A small int8 UNIDIRECTIONAL_SEQUENCE_LSTM graph written from scratch (input [1, 3, 4], state 2,
// no options table) whose output is [1, 3, outputLastDim]: with 0 it is the zero-sized LSTM
// output above without any third-party bytes, for fuzz/regressions/.
std::vector<uint8_t> tinyLstmModel(int32_t outputLastDim);

// Dimension `dim` of subgraph 0's tensor `tensor` set to `value` (empty if it has no such dim).
std::vector<uint8_t> withTensorDim(std::vector<uint8_t> bytes, uint32_t tensor, uint32_t dim,
                                   int32_t value);

enum class QuantDefect {
  kNoZeroPoint,           // zero_point removed from the table's vtable (and so from every
                          // quantization table sharing that vtable), scale kept
  kEmptyZeroPoint,        // zero_point present with 0 entries
  kScaleNaN,              // scale[0] = NaN
  kScaleInfinite,         // scale[0] = +inf
  kScaleZero,             // scale[0] = 0
  kScaleNegative,         // scale[0] = -0.5
  kZeroPointOutOfRange,   // zero_point[0] = 200 (int8) / 70000 (int16)
  kPerChannelTooShort,    // per-channel scale and zero_point both one entry short
  kPerChannelScaleShort,  // per-channel scale one entry short, zero_point intact
};
const char* quantDefectName(QuantDefect defect);

// Applies `defect` to the quantization of subgraph 0's tensor `tensor`.
std::vector<uint8_t> withQuantDefect(std::vector<uint8_t> bytes, uint32_t tensor,
                                     QuantDefect defect);

// Index of the first tensor with per-channel quantization (more than one scale), -1 if none.
int32_t firstPerChannelTensor(const std::vector<uint8_t>& bytes);

}  // namespace tinyscope::runner::test
