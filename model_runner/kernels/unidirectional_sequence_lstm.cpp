#include "model_runner/kernels/unidirectional_sequence_lstm.h"

#include <cstring>

#include "model_runner/kernels/kernel_util.h"
#include "model_runner/kernels/lut_activations.h"
#include "model_runner/quant_math.h"

namespace tinyscope::runner::kernels {

namespace reference {

namespace {

template <typename OutputT>
void mulElementwise(const LstmMulParams& p, int32_t n, const int16_t* a, const int16_t* b,
                    OutputT* out) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t product = static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    int32_t y =
        quant::multiplyByQuantizedMultiplier(product, p.multiplier, p.shift) + p.outputOffset;
    y = y < p.actMin ? p.actMin : (y > p.actMax ? p.actMax : y);
    out[i] = static_cast<OutputT>(y);
  }
}

void addSaturating(int32_t n, const int16_t* a, const int16_t* b, int16_t* out) {
  for (int32_t i = 0; i < n; ++i) {
    int32_t sum = static_cast<int32_t>(a[i]) + static_cast<int32_t>(b[i]);
    sum = sum < -32768 ? -32768 : (sum > 32767 ? 32767 : sum);
    out[i] = static_cast<int16_t>(sum);
  }
}

// gate = act(FC(x, W, bias) + FC(h, R)); `scratch` holds the recurrent FC.
void gate(const LstmParams& p, LstmGate g, const LstmWeights& w, int32_t batch, const int8_t* x,
          const int8_t* h, int16_t* out, int16_t* scratch) {
  const LstmGateParams& gp = p.gates[g];
  fullyConnected(gp.inputFc, &gp.inputMultiplier, &gp.inputShift, false, batch, p.inputSize,
                 p.stateSize, x, w.input[g], w.bias[g], out);
  fullyConnected(gp.recurrentFc, &gp.recurrentMultiplier, &gp.recurrentShift, false, batch,
                 p.stateSize, p.stateSize, h, w.recurrent[g], static_cast<const int32_t*>(nullptr),
                 scratch);
  const int32_t n = batch * p.stateSize;
  addSaturating(n, out, scratch, out);
  if (g == kLstmCellGate) {
    lut::tanhInt16(0, 0, n, out, out);  // Q3.12 in
  } else {
    lut::sigmoidInt16(0, 0, n, out, out);
  }
}

void step(const LstmParams& p, const LstmWeights& w, int32_t batch, const int8_t* x, int8_t* h,
          int16_t* c, int8_t* out, const LstmBuffers& buf) {
  const int32_t n = batch * p.stateSize;
  int16_t* forget = buf.b[0];
  int16_t* input = buf.b[1];
  int16_t* cellGate = buf.b[2];
  int16_t* scratch = buf.b[3];
  gate(p, kLstmForgetGate, w, batch, x, h, forget, scratch);
  gate(p, kLstmInputGate, w, batch, x, h, input, scratch);
  gate(p, kLstmCellGate, w, batch, x, h, cellGate, scratch);

  mulElementwise(p.forgetTimesCell, n, forget, c, c);
  int16_t* inputTimesCellGate = buf.b[1];
  mulElementwise(p.inputTimesCellGate, n, input, cellGate, inputTimesCellGate);
  addSaturating(n, c, inputTimesCellGate, c);
  if (p.cellClip > 0) {
    const int16_t hi = p.cellClip, lo = static_cast<int16_t>(-p.cellClip);
    for (int32_t i = 0; i < n; ++i) c[i] = c[i] > hi ? hi : (c[i] < lo ? lo : c[i]);
  }

  int16_t* outputGate = buf.b[1];
  gate(p, kLstmOutputGate, w, batch, x, h, outputGate, scratch);
  int16_t* cellTanh = buf.b[0];
  lut::tanhInt16(p.cellTanhMultiplier, p.cellTanhShift, n, c, cellTanh);
  mulElementwise(p.outputTimesTanh, n, cellTanh, outputGate, h);
  std::memcpy(out, h, static_cast<size_t>(n));
}

}  // namespace

void lstmSequence(const LstmParams& p, const LstmWeights& w, const int8_t* input, int8_t* hidden,
                  int16_t* cell, int8_t* output, const LstmBuffers& buffers) {
  if (p.timeMajor) {
    // All batches advance together: step t reads [t, :, :].
    for (int32_t t = 0; t < p.timeSteps; ++t) {
      step(p, w, p.batches, input + t * p.batches * p.inputSize, hidden, cell,
           output + t * p.batches * p.stateSize, buffers);
    }
    return;
  }
  // Batch-major: one batch at a time through all its steps, with its own state slice.
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t t = 0; t < p.timeSteps; ++t) {
      const int32_t row = b * p.timeSteps + t;
      step(p, w, 1, input + row * p.inputSize, hidden + b * p.stateSize, cell + b * p.stateSize,
           output + row * p.stateSize, buffers);
    }
  }
}

}  // namespace reference

namespace {

// Input tensor positions (schema of UNIDIRECTIONAL_SEQUENCE_LSTM).
constexpr uint32_t kInput = 0;
constexpr uint32_t kInputWeights = 1;      // + gate: input, forget, cell, output
constexpr uint32_t kRecurrentWeights = 5;  // + gate
constexpr uint32_t kPeepholeFirst = 9, kPeepholeLast = 11;
constexpr uint32_t kGateBias = 12;  // + gate
constexpr uint32_t kProjectionWeights = 16, kProjectionBias = 17;
constexpr uint32_t kHiddenState = 18, kCellState = 19;
constexpr uint32_t kLayerNormFirst = 20, kLayerNormLast = 23;
constexpr uint32_t kNumInputs = 24;

constexpr float kGateInputScale = 1.0f / 4096.0f;    // Q3.12
constexpr float kGateOutputScale = 1.0f / 32768.0f;  // Q0.15

using LstmData = LstmOpData;

// Multiplier of an int8 x int8 FC into Q3.12, as TFLite's GetQuantizedConvolutionMultipler
// (the scale product is taken in float).
Status fcMultiplier(const OpContext& ctx, float inScale, const TensorDesc& weights,
                    int32_t* multiplier, int32_t* shift) {
  const double real =
      static_cast<double>(inScale * weights.scale()) / static_cast<double>(kGateInputScale);
  int s = 0;
  if (!quant::quantizeMultiplier(real, multiplier, &s))
    return ctx.fail(Status::kBadQuantization, "weights scale", weights.index);
  *shift = s;
  return Status::kOk;
}

Status mulParams(const OpContext& ctx, float scale1, float scale2, float outScale,
                 int32_t outZeroPoint, bool int8Out, LstmMulParams* out) {
  const double real =
      static_cast<double>(scale1) * static_cast<double>(scale2) / static_cast<double>(outScale);
  int s = 0;
  if (!quant::quantizeMultiplier(real, &out->multiplier, &s))
    return ctx.fail(Status::kBadQuantization, "state scale");
  out->shift = s;
  out->outputOffset = outZeroPoint;
  out->actMin = int8Out ? -128 : -32768;
  out->actMax = int8Out ? 127 : 32767;
  return Status::kOk;
}

Status prepare(OpContext& ctx) {
  using namespace schema::unidirectional_sequence_lstm_options;
  if (ctx.numInputs() != kNumInputs)
    return ctx.failValue(Status::kBadOpArity, "inputs", ctx.numInputs());
  if (ctx.numOutputs() != 1) return ctx.failValue(Status::kBadOpArity, "outputs", ctx.numOutputs());
  Status s = requireOptions(ctx, schema::BuiltinOptionsType::kUnidirectionalSequenceLSTMOptions);
  if (s != Status::kOk) return s;
  for (uint32_t i = 0; i < kNumInputs; ++i) {
    const bool optional = i == 1 || i == 5 || (i >= kPeepholeFirst && i <= kPeepholeLast) ||
                          i == 12 || i == kProjectionWeights || i == kProjectionBias ||
                          (i >= kLayerNormFirst && i <= kLayerNormLast);
    const bool unsupported = (i >= kPeepholeFirst && i <= kPeepholeLast) ||
                             i == kProjectionWeights || i == kProjectionBias ||
                             (i >= kLayerNormFirst && i <= kLayerNormLast);
    if (unsupported && ctx.hasInput(i))
      return ctx.failValue(Status::kUnsupportedOpType, "inputs", i, ctx.inputIndex(i));
    if (!optional && !ctx.hasInput(i)) return ctx.failValue(Status::kBadOpArity, "inputs", i);
  }
  // CIFG (no input gate) is not supported by the integer reference either.
  if (!ctx.hasInput(kInputWeights + kLstmInputGate) ||
      !ctx.hasInput(kRecurrentWeights + kLstmInputGate) ||
      !ctx.hasInput(kGateBias + kLstmInputGate)) {
    return ctx.fail(Status::kUnsupportedOpType, "input gate (CIFG)");
  }

  const TensorDesc input = ctx.input(kInput), hidden = ctx.input(kHiddenState),
                   cell = ctx.input(kCellState);
  const TensorDesc output = ctx.output(0);
  if ((s = requireType(ctx, input, TensorType::kInt8, "input")) != Status::kOk ||
      (s = requireType(ctx, hidden, TensorType::kInt8, "output_state")) != Status::kOk ||
      (s = requireType(ctx, cell, TensorType::kInt16, "cell_state")) != Status::kOk ||
      (s = requireType(ctx, output, TensorType::kInt8, "output")) != Status::kOk ||
      (s = requireRank(ctx, input, 3, "input")) != Status::kOk ||
      (s = requireRank(ctx, output, 3, "output")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, input, "input")) != Status::kOk ||
      (s = requirePerTensorQuant(ctx, hidden, "output_state")) != Status::kOk) {
    return s;
  }
  if (!hidden.isVariable)
    return ctx.fail(Status::kBadOpParams, "output_state is_variable", hidden.index);
  if (!cell.isVariable) return ctx.fail(Status::kBadOpParams, "cell_state is_variable", cell.index);
  if (cell.numChannels() != 1 || !(cell.scale() > 0.0f && cell.scale() < 1e30f)) {
    return ctx.fail(Status::kBadQuantization, "cell_state", cell.index);
  }

  auto* data = static_cast<LstmData*>(ctx.allocatePersistent(sizeof(LstmData)));
  if (data == nullptr) return ctx.fail(Status::kArenaTooSmall, "op data");
  *data = LstmData();
  ctx.setUserData(data);
  LstmParams& p = data->params;
  const fb::Table& o = ctx.options();
  p.timeMajor = o.boolean(kTimeMajor);
  if (o.u8(kActivation) != static_cast<uint8_t>(schema::Activation::kTanh)) {
    return ctx.failValue(Status::kBadOpParams, "fused_activation_function", o.u8(kActivation));
  }
  p.batches = p.timeMajor ? input.dims[1] : input.dims[0];
  p.timeSteps = p.timeMajor ? input.dims[0] : input.dims[1];
  p.inputSize = input.dims[2];
  p.stateSize = hidden.dim(hidden.rank - 1);
  if (p.batches <= 0 || p.timeSteps <= 0 || p.inputSize <= 0 || p.stateSize <= 0) {
    return ctx.fail(Status::kShapeMismatch, "input", input.index);
  }
  const size_t stateElements = static_cast<size_t>(p.batches) * static_cast<size_t>(p.stateSize);
  if (hidden.elementCount != stateElements)
    return ctx.fail(Status::kShapeMismatch, "output_state", hidden.index);
  if (cell.elementCount != stateElements)
    return ctx.fail(Status::kShapeMismatch, "cell_state", cell.index);
  if (output.dims[0] != input.dims[0] || output.dims[1] != input.dims[1] ||
      output.dims[2] != p.stateSize) {
    return ctx.fail(Status::kShapeMismatch, "output", output.index);
  }
  // The output is a copy of the hidden state at each step: same quantization.
  if (output.scale() != hidden.scale() || output.zeroPoint() != hidden.zeroPoint()) {
    return ctx.fail(Status::kBadQuantization, "output", output.index);
  }

  for (int32_t g = 0; g < 4; ++g) {
    const TensorDesc wi = ctx.input(kInputWeights + static_cast<uint32_t>(g));
    const TensorDesc wr = ctx.input(kRecurrentWeights + static_cast<uint32_t>(g));
    const TensorDesc bias = ctx.input(kGateBias + static_cast<uint32_t>(g));
    if ((s = requireType(ctx, wi, TensorType::kInt8, "input_to_gate_weights")) != Status::kOk ||
        (s = requireType(ctx, wr, TensorType::kInt8, "recurrent_to_gate_weights")) != Status::kOk ||
        (s = requireRank(ctx, wi, 2, "input_to_gate_weights")) != Status::kOk ||
        (s = requireRank(ctx, wr, 2, "recurrent_to_gate_weights")) != Status::kOk ||
        (s = checkBias(ctx, bias, p.stateSize)) != Status::kOk) {
      return s;
    }
    if (wi.dims[0] != p.stateSize || wi.dims[1] != p.inputSize) {
      return ctx.fail(Status::kShapeMismatch, "input_to_gate_weights", wi.index);
    }
    if (wr.dims[0] != p.stateSize || wr.dims[1] != p.stateSize) {
      return ctx.fail(Status::kShapeMismatch, "recurrent_to_gate_weights", wr.index);
    }
    if (wi.numChannels() != 1 || wr.numChannels() != 1 || wi.zeroPoint() != 0 ||
        wr.zeroPoint() != 0) {
      return ctx.fail(Status::kBadQuantization, "gate weights",
                      wi.numChannels() != 1 || wi.zeroPoint() != 0 ? wi.index : wr.index);
    }
    LstmGateParams& gp = p.gates[g];
    gp.inputFc.inputOffset = -input.zeroPoint();
    gp.inputFc.actMin = gp.recurrentFc.actMin = -32768;
    gp.inputFc.actMax = gp.recurrentFc.actMax = 32767;
    gp.recurrentFc.inputOffset = -hidden.zeroPoint();
    if ((s = fcMultiplier(ctx, input.scale(), wi, &gp.inputMultiplier, &gp.inputShift)) !=
            Status::kOk ||
        (s = fcMultiplier(ctx, hidden.scale(), wr, &gp.recurrentMultiplier, &gp.recurrentShift)) !=
            Status::kOk) {
      return s;
    }
  }

  const float cellScale = cell.scale();
  if ((s = mulParams(ctx, kGateOutputScale, cellScale, cellScale, 0, false, &p.forgetTimesCell)) !=
          Status::kOk ||
      (s = mulParams(ctx, kGateOutputScale, kGateOutputScale, cellScale, 0, false,
                     &p.inputTimesCellGate)) != Status::kOk ||
      (s = mulParams(ctx, kGateOutputScale, kGateOutputScale, hidden.scale(), hidden.zeroPoint(),
                     true, &p.outputTimesTanh)) != Status::kOk) {
    return s;
  }
  // tanh of the cell state: bring 2^power scale to Q3.12.
  int power = 0;
  lut::checkedLog2(cellScale, &power);
  const int32_t shift = (15 + power) - 3;
  if (shift > 13 || shift < -31)
    return ctx.failValue(Status::kBadQuantization, "cell_state scale", power, cell.index);
  p.cellTanhMultiplier = shift < 0 ? 3 : 0;
  p.cellTanhShift = shift < 0 ? -shift : shift;
  const float clip = o.f32(kCellClip, 0.0f);
  if (!(clip >= 0.0f)) return ctx.fail(Status::kBadOpParams, "cell_clip");
  if (clip > 0.0f) {
    double q = static_cast<double>(clip) / static_cast<double>(cellScale);
    q = q < -32768.0 ? -32768.0 : (q > 32767.0 ? 32767.0 : q);
    p.cellClip = static_cast<int16_t>(q);
  }

  const size_t stepElements =
      (p.timeMajor ? static_cast<size_t>(p.batches) : 1u) * static_cast<size_t>(p.stateSize);
  // Gate buffers live only during this operator's invoke (planned with the activations).
  for (void*& b : data->buffers) {
    if ((s = ctx.requestScratch(sizeof(int16_t) * stepElements, &b)) != Status::kOk) return s;
  }
  return Status::kOk;
}

void invoke(const OpContext& ctx) {
  const auto* d = static_cast<const LstmData*>(ctx.userData());
  LstmWeights w;
  for (uint32_t g = 0; g < 4; ++g) {
    w.input[g] = ctx.inputData<int8_t>(kInputWeights + g);
    w.recurrent[g] = ctx.inputData<int8_t>(kRecurrentWeights + g);
    w.bias[g] = ctx.inputData<int32_t>(kGateBias + g);
  }
  LstmBuffers buffers;
  for (int i = 0; i < 4; ++i) buffers.b[i] = static_cast<int16_t*>(d->buffers[i]);
  reference::lstmSequence(d->params, w, ctx.inputData<int8_t>(kInput),
                          static_cast<int8_t*>(ctx.data(ctx.inputIndex(kHiddenState))),
                          static_cast<int16_t*>(ctx.data(ctx.inputIndex(kCellState))),
                          ctx.outputData<int8_t>(0), buffers);
}

}  // namespace

OpRegistration registerUnidirectionalSequenceLstm() {
  OpRegistration r;
  r.builtinCode = static_cast<int32_t>(schema::BuiltinOperator::kUnidirectionalSequenceLstm);
  r.prepare = prepare;
  r.invoke = invoke;
  return r;
}

}  // namespace tinyscope::runner::kernels
