// UNIDIRECTIONAL_SEQUENCE_LSTM, the integer path of TFLite Micro: int8 input, hidden state and
// output, int8 weights (per tensor), int32 biases, int16 cell state. Standard LSTM only (no
// peephole, projection, layer norm or CIFG), like the reference kernel.
//
// Each time step, per gate g in {input, forget, cell, output}:
//   gate_g = act(FC(x_t, W_g, b_g) + FC(h, R_g))      FC outputs int16 at scale 2^-12 (Q3.12),
//                                                     summed with saturation; act = sigmoid
//                                                     (tanh for the cell gate), out Q0.15
//   c = clip(forget * c + input * cell_gate)          int16 at the cell state's scale
//   h = tanh(c) * output_gate                         int8 at the hidden state's scale/zero point
// and h is copied to the output at that step. The hidden and cell states are variable tensors:
// they carry over to the next invoke until Interpreter::resetState().
// The "intermediate" tensors of such models only carry quantization parameters; this path does
// not use them.
#pragma once

#include <cstdint>

#include "model_runner/kernels/fully_connected.h"
#include "model_runner/op_resolver.h"

namespace tinyscope::runner::kernels {

// Elementwise multiply of two int16 values with a requantizing multiplier (MulElementwise).
struct LstmMulParams {
  int32_t multiplier = 0, shift = 0;
  int32_t outputOffset = 0;
  int32_t actMin = -32768, actMax = 32767;
};

struct LstmGateParams {
  FullyConnectedParams inputFc;  // x -> Q3.12
  int32_t inputMultiplier = 0, inputShift = 0;
  FullyConnectedParams recurrentFc;  // h -> Q3.12
  int32_t recurrentMultiplier = 0, recurrentShift = 0;
};

enum LstmGate : int32_t {
  kLstmInputGate = 0,
  kLstmForgetGate = 1,
  kLstmCellGate = 2,
  kLstmOutputGate = 3
};

struct LstmParams {
  int32_t batches = 0, timeSteps = 0, inputSize = 0, stateSize = 0;
  bool timeMajor = false;
  LstmGateParams gates[4];
  LstmMulParams forgetTimesCell;     // Q0.15 x cell -> cell
  LstmMulParams inputTimesCellGate;  // Q0.15 x Q0.15 -> cell
  LstmMulParams outputTimesTanh;     // Q0.15 x Q0.15 -> hidden (int8)
  int32_t cellTanhMultiplier = 0,
          cellTanhShift = 0;  // lut::tanhInt16 input scaling of the cell state
  int16_t cellClip = 0;       // quantized; 0 = no clipping
};

// Constant operands, indexed by LstmGate.
struct LstmWeights {
  const int8_t* input[4] = {};
  const int8_t* recurrent[4] = {};
  const int32_t* bias[4] = {};
};

// Four int16 buffers of (time-major ? batches : 1) * stateSize elements each.
struct LstmBuffers {
  int16_t* b[4] = {};
};

// The prepared operator (user data), shared with the optimized kernels.
struct LstmOpData {
  LstmParams params;
  void* buffers[4] = {};  // scratch slots: four LstmBuffers
};

namespace reference {

// Runs the whole sequence: input [B,T,I] (or [T,B,I] when timeMajor), output alike with S.
void lstmSequence(const LstmParams& p, const LstmWeights& w, const int8_t* input, int8_t* hidden,
                  int16_t* cell, int8_t* output, const LstmBuffers& buffers);

}  // namespace reference

OpRegistration registerUnidirectionalSequenceLstm();

}  // namespace tinyscope::runner::kernels
