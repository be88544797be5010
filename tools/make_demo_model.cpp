// make_demo_model: generates tinyscope's bundled demo model,
// resources/models/imu_gesture_demo.tflite, and its sidecar imu_gesture_demo.json.
//
// It trains a small float MLP on synthetic IMU windows (firmware_agent/core/gesture_signal.h, the
// same generator the simulated device streams), quantizes it to int8 the way TFLite's post-training
// quantization does, checks it with its own int8 reference arithmetic, and writes the model with
// tinyscope's TfliteWriter. Everything is deterministic: the same source gives the same bytes
// (own PRNG, own exp(), no FMA contraction; see tools/CMakeLists.txt).
//
// Usage: make_demo_model [--quiet] OUTPUT_DIR
// Exit codes: 0 written, 1 could not write the files, 2 bad usage.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "firmware_agent/core/gesture_signal.h"
#include "model_runner/host/tflite_writer.h"

namespace {

using namespace tinyscope;
using runner::host::QuantParams;
using runner::host::TfliteWriter;

constexpr int kInputs = demo::kWindowSamples;  // 64 x 3 = 192
constexpr int kHidden = 32;
constexpr int kClasses = demo::kGestureCount;
constexpr int kTrainPerClass = 1000;
constexpr int kHeldOutPerClass = 250;
constexpr uint32_t kTrainSeedBase = 1;         // train windows use seeds 1..1000
constexpr uint32_t kHeldOutSeedBase = 100001;  // held-out windows use seeds 100001..100250
constexpr uint32_t kInitSeed = 0x7157C0DEu;    // weight init and shuffling
constexpr int kEpochs = 40;
constexpr int kBatch = 32;
constexpr double kLearningRate = 0.05;
constexpr double kMomentum = 0.9;
constexpr double kWeightDecay = 1e-4;

constexpr float kInputScale =
    static_cast<float>(demo::kRawPerInputStep) / static_cast<float>(demo::kRawPerG);
constexpr float kOutputScale = 1.0f / 256.0f;
constexpr int32_t kOutputZeroPoint = -128;

struct Example {
  std::array<int8_t, kInputs> q;  // the int8 model input
  std::array<double, kInputs> x;  // the same input dequantized (what the float model sees)
  int label;
};

std::vector<Example> makeSet(uint32_t seedBase, int perClass) {
  std::vector<Example> set;
  set.reserve(static_cast<size_t>(perClass * kClasses));
  int16_t raw[demo::kWindowSamples];
  for (int i = 0; i < perClass; ++i) {
    for (int c = 0; c < kClasses; ++c) {
      Example e{};
      demo::fillWindow(static_cast<demo::Gesture>(c), seedBase + static_cast<uint32_t>(i), raw);
      demo::quantizeWindow(raw, e.q.data());
      for (int k = 0; k < kInputs; ++k) e.x[k] = kInputScale * (e.q[k] - demo::kInputZeroPoint);
      e.label = c;
      set.push_back(e);
    }
  }
  return set;
}

// exp() from + - * and exact scaling only, so training is bit-identical on every IEEE-754
// platform regardless of the C library: x = k ln2 + r, |r| <= ln2/2, Taylor series to r^13.
double deterministicExp(double x) {
  x = std::clamp(x, -700.0, 700.0);
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const double k = std::floor(x * 1.44269504088896338700 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  double p = 1.0;
  for (int n = 13; n >= 1; --n) p = 1.0 + p * r / n;
  return std::ldexp(p, static_cast<int>(k));
}

double uniform01(demo::Xorshift32& rng) {
  return static_cast<double>(rng.next() >> 8) * (1.0 / 16777216.0);
}

struct FloatMlp {
  std::vector<double> w1 = std::vector<double>(kHidden * kInputs),
                      b1 = std::vector<double>(kHidden);
  std::vector<double> w2 = std::vector<double>(kClasses * kHidden),
                      b2 = std::vector<double>(kClasses);

  void init(demo::Xorshift32& rng) {
    const double lim1 = std::sqrt(6.0 / (kInputs + kHidden)),
                 lim2 = std::sqrt(6.0 / (kHidden + kClasses));
    for (double& w : w1) w = (2.0 * uniform01(rng) - 1.0) * lim1;
    for (double& w : w2) w = (2.0 * uniform01(rng) - 1.0) * lim2;
  }

  // hidden (after ReLU) and logits
  void forward(const double* x, double* hidden, double* logits) const {
    for (int h = 0; h < kHidden; ++h) {
      double acc = b1[h];
      const double* w = &w1[static_cast<size_t>(h * kInputs)];
      for (int i = 0; i < kInputs; ++i) acc += w[i] * x[i];
      hidden[h] = acc > 0.0 ? acc : 0.0;
    }
    for (int c = 0; c < kClasses; ++c) {
      double acc = b2[c];
      for (int h = 0; h < kHidden; ++h) acc += w2[static_cast<size_t>(c * kHidden + h)] * hidden[h];
      logits[c] = acc;
    }
  }

  int predict(const double* x) const {
    double hidden[kHidden], logits[kClasses];
    forward(x, hidden, logits);
    return static_cast<int>(std::max_element(logits, logits + kClasses) - logits);
  }
};

void softmax(const double* logits, double* probs) {
  const double m = *std::max_element(logits, logits + kClasses);
  double sum = 0.0;
  for (int c = 0; c < kClasses; ++c) sum += (probs[c] = deterministicExp(logits[c] - m));
  for (int c = 0; c < kClasses; ++c) probs[c] /= sum;
}

// Minibatch SGD with momentum on softmax cross-entropy; returns the last epoch's mean loss.
double train(FloatMlp& net, const std::vector<Example>& set, demo::Xorshift32& rng, bool verbose) {
  std::vector<double> gw1(net.w1.size()), gb1(net.b1.size()), gw2(net.w2.size()),
      gb2(net.b2.size());
  std::vector<double> vw1(net.w1.size()), vb1(net.b1.size()), vw2(net.w2.size()),
      vb2(net.b2.size());
  std::vector<size_t> order(set.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  double meanLoss = 0.0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (size_t i = order.size() - 1; i > 0; --i) {
      std::swap(order[i], order[rng.next() % (i + 1)]);
    }
    const double lr = kLearningRate * (epoch < kEpochs / 2       ? 1.0
                                       : epoch < 3 * kEpochs / 4 ? 0.3
                                                                 : 0.1);
    double lossSum = 0.0;
    for (size_t start = 0; start < order.size(); start += kBatch) {
      const size_t end = std::min(order.size(), start + kBatch);
      std::fill(gw1.begin(), gw1.end(), 0.0);
      std::fill(gb1.begin(), gb1.end(), 0.0);
      std::fill(gw2.begin(), gw2.end(), 0.0);
      std::fill(gb2.begin(), gb2.end(), 0.0);
      for (size_t n = start; n < end; ++n) {
        const Example& e = set[order[n]];
        double hidden[kHidden], logits[kClasses], probs[kClasses], dHidden[kHidden] = {};
        net.forward(e.x.data(), hidden, logits);
        softmax(logits, probs);
        lossSum += -std::log(std::max(probs[e.label], 1e-300));
        for (int c = 0; c < kClasses; ++c) {
          const double d = probs[c] - (c == e.label ? 1.0 : 0.0);
          gb2[c] += d;
          for (int h = 0; h < kHidden; ++h) {
            gw2[static_cast<size_t>(c * kHidden + h)] += d * hidden[h];
            dHidden[h] += d * net.w2[static_cast<size_t>(c * kHidden + h)];
          }
        }
        for (int h = 0; h < kHidden; ++h) {
          if (hidden[h] <= 0.0) continue;
          gb1[h] += dHidden[h];
          double* g = &gw1[static_cast<size_t>(h * kInputs)];
          for (int i = 0; i < kInputs; ++i) g[i] += dHidden[h] * e.x[i];
        }
      }
      const double scale = 1.0 / static_cast<double>(end - start);
      auto step = [&](std::vector<double>& w, std::vector<double>& g, std::vector<double>& v,
                      bool decay) {
        for (size_t i = 0; i < w.size(); ++i) {
          const double grad = g[i] * scale + (decay ? kWeightDecay * w[i] : 0.0);
          v[i] = kMomentum * v[i] - lr * grad;
          w[i] += v[i];
        }
      };
      step(net.w1, gw1, vw1, true);
      step(net.b1, gb1, vb1, false);
      step(net.w2, gw2, vw2, true);
      step(net.b2, gb2, vb2, false);
    }
    meanLoss = lossSum / static_cast<double>(set.size());
    if (verbose && (epoch % 10 == 9 || epoch == 0))
      std::printf("  epoch %2d  loss %.4f\n", epoch + 1, meanLoss);
  }
  return meanLoss;
}

// ---- int8 quantization (TFLite post-training quantization rules) ----

struct AsymmetricQuant {
  float scale;
  int32_t zeroPoint;
};

// Activation range [min, max] (widened to contain 0) -> int8 scale and nudged zero point.
AsymmetricQuant quantizeRange(double min, double max) {
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  const auto scale = static_cast<float>((max - min) / 255.0);
  const double zp = std::round(-128.0 - min / static_cast<double>(scale));
  return {scale, static_cast<int32_t>(std::clamp(zp, -128.0, 127.0))};
}

struct QuantizedFc {
  int outputs = 0, inputs = 0;
  std::vector<int8_t> weights;      // [outputs][inputs]
  std::vector<float> weightScales;  // per output channel, zero point 0
  std::vector<int32_t> bias;        // scale inputScale * weightScale[c], zero point 0
  std::vector<float> biasScales;
};

// Symmetric per-channel int8 weights in [-127, 127]; int32 bias at input_scale * weight_scale.
QuantizedFc quantizeFc(const std::vector<double>& w, const std::vector<double>& b, int outputs,
                       int inputs, float inputScale) {
  QuantizedFc q;
  q.outputs = outputs;
  q.inputs = inputs;
  q.weights.resize(w.size());
  for (int c = 0; c < outputs; ++c) {
    double maxAbs = 0.0;
    for (int i = 0; i < inputs; ++i)
      maxAbs = std::max(maxAbs, std::fabs(w[static_cast<size_t>(c * inputs + i)]));
    const float scale = maxAbs > 0.0 ? static_cast<float>(maxAbs / 127.0) : 1.0f;
    q.weightScales.push_back(scale);
    for (int i = 0; i < inputs; ++i) {
      const double v =
          std::round(w[static_cast<size_t>(c * inputs + i)] / static_cast<double>(scale));
      q.weights[static_cast<size_t>(c * inputs + i)] =
          static_cast<int8_t>(std::clamp(v, -127.0, 127.0));
    }
    const float biasScale = inputScale * scale;
    q.biasScales.push_back(biasScale);
    const double bq = std::round(b[static_cast<size_t>(c)] / static_cast<double>(biasScale));
    q.bias.push_back(static_cast<int32_t>(std::clamp(bq, -2147483647.0, 2147483647.0)));
  }
  return q;
}

// ---- the generator's own int8 reference check (TFLite integer FC semantics) ----

struct Multiplier {
  int32_t value;
  int shift;
};

// Real multiplier -> Q31 mantissa and power-of-two exponent (TFLite QuantizeMultiplier).
Multiplier quantizeMultiplier(double m) {
  if (m == 0.0) return {0, 0};
  int shift = 0;
  const double q = std::frexp(m, &shift);
  auto qFixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (qFixed == (1LL << 31)) {
    qFixed /= 2;
    ++shift;
  }
  if (shift < -31) return {0, 0};
  return {static_cast<int32_t>(qFixed), shift};
}

int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t ab = static_cast<int64_t>(a) * b;
  const int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));
}

int32_t roundingDivideByPot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t multiplyByQuantizedMultiplier(int32_t x, Multiplier m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  return roundingDivideByPot(saturatingRoundingDoublingHighMul(x * (1 << left), m.value), right);
}

void referenceFc(const QuantizedFc& fc, const int8_t* input, int32_t inputZp, float inputScale,
                 AsymmetricQuant out, bool relu, int8_t* output) {
  const int32_t actMin = relu ? std::max<int32_t>(-128, out.zeroPoint) : -128;
  for (int c = 0; c < fc.outputs; ++c) {
    int32_t acc = fc.bias[static_cast<size_t>(c)];
    const int8_t* w = &fc.weights[static_cast<size_t>(c * fc.inputs)];
    for (int i = 0; i < fc.inputs; ++i) acc += (input[i] - inputZp) * w[i];
    const double real = static_cast<double>(inputScale) *
                        static_cast<double>(fc.weightScales[static_cast<size_t>(c)]) /
                        static_cast<double>(out.scale);
    int32_t v = multiplyByQuantizedMultiplier(acc, quantizeMultiplier(real)) + out.zeroPoint;
    output[c] = static_cast<int8_t>(std::clamp<int32_t>(v, actMin, 127));
  }
}

struct QuantizedModel {
  QuantizedFc fc1, fc2;
  AsymmetricQuant hidden, logits;
};

// Int8 logits and probabilities (softmax evaluated in double from the dequantized logits, then
// quantized to scale 1/256, zero point -128: within one step of TFLite's integer softmax).
void referenceInvoke(const QuantizedModel& m, const int8_t* input, int8_t* logits, int8_t* probs) {
  int8_t hidden[kHidden];
  referenceFc(m.fc1, input, demo::kInputZeroPoint, kInputScale, m.hidden, true, hidden);
  referenceFc(m.fc2, hidden, m.hidden.zeroPoint, m.hidden.scale, m.logits, false, logits);
  double real[kClasses], p[kClasses];
  for (int c = 0; c < kClasses; ++c)
    real[c] = static_cast<double>(m.logits.scale) * (logits[c] - m.logits.zeroPoint);
  softmax(real, p);
  for (int c = 0; c < kClasses; ++c) {
    const double q = std::round(p[c] / static_cast<double>(kOutputScale)) + kOutputZeroPoint;
    probs[c] = static_cast<int8_t>(std::clamp(q, -128.0, 127.0));
  }
}

int referencePredict(const QuantizedModel& m, const int8_t* input) {
  int8_t logits[kClasses], probs[kClasses];
  referenceInvoke(m, input, logits, probs);
  return static_cast<int>(std::max_element(logits, logits + kClasses) - logits);
}

struct Accuracy {
  double floatTrain, floatHeldOut, int8Train, int8HeldOut, agreement;
  int confusion[kClasses][kClasses];  // held-out int8: [true][predicted]
};

// ---- output ----

std::vector<uint8_t> buildModel(const QuantizedModel& m) {
  TfliteWriter w;
  w.setDescription(
      "tinyscope imu_gesture_demo: int8 IMU gesture classifier (idle, wave, tap, circle), "
      "generated by tools/make_demo_model");
  w.setSubgraphName("imu_gesture_demo");
  const QuantParams inQ = QuantParams::perTensor(kInputScale, demo::kInputZeroPoint);
  const int32_t input = w.addActivation("imu_window", runner::host::TensorType::kInt8,
                                        {1, demo::kWindowLength, demo::kAxes}, inQ);
  const int32_t shape = w.addInt32Constant("flatten_shape", {2}, {1, kInputs});
  const int32_t flat =
      w.addActivation("flatten", runner::host::TensorType::kInt8, {1, kInputs}, inQ);
  const int32_t w1 = w.addInt8Constant("dense1_weights", {kHidden, kInputs}, m.fc1.weights,
                                       QuantParams::perChannel(m.fc1.weightScales, 0));
  const int32_t b1 = w.addInt32Constant("dense1_bias", {kHidden}, m.fc1.bias,
                                        QuantParams::perChannel(m.fc1.biasScales, 0));
  const int32_t hidden =
      w.addActivation("dense1_relu", runner::host::TensorType::kInt8, {1, kHidden},
                      QuantParams::perTensor(m.hidden.scale, m.hidden.zeroPoint));
  const int32_t w2 = w.addInt8Constant("dense2_weights", {kClasses, kHidden}, m.fc2.weights,
                                       QuantParams::perChannel(m.fc2.weightScales, 0));
  const int32_t b2 = w.addInt32Constant("dense2_bias", {kClasses}, m.fc2.bias,
                                        QuantParams::perChannel(m.fc2.biasScales, 0));
  const int32_t logits =
      w.addActivation("logits", runner::host::TensorType::kInt8, {1, kClasses},
                      QuantParams::perTensor(m.logits.scale, m.logits.zeroPoint));
  const int32_t probs =
      w.addActivation("probabilities", runner::host::TensorType::kInt8, {1, kClasses},
                      QuantParams::perTensor(kOutputScale, kOutputZeroPoint));
  w.addReshape(input, shape, flat, {{1, kInputs}});
  w.addFullyConnected(flat, w1, b1, hidden, {runner::host::Activation::kRelu, false});
  w.addFullyConnected(hidden, w2, b2, logits);
  w.addSoftmax(logits, probs, {1.0f});
  w.setInputs({input});
  w.setOutputs({probs});
  return w.serialize();
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string buildSidecar(const QuantizedModel& m, const Accuracy& a) {
  using namespace demo::signal;
  std::ostringstream j;
  j << "{\n"
    << "  \"model\": \"imu_gesture_demo.tflite\",\n"
    << "  \"generator\": \"tools/make_demo_model\",\n"
    << "  \"description\": \"int8 IMU gesture classifier trained on tinyscope's synthetic gesture "
       "signal "
       "(firmware_agent/core/gesture_signal.h, docs/DEMO_MODEL.md)\",\n"
    << "  \"labels\": [\"idle\", \"wave\", \"tap\", \"circle\"],\n"
    << "  \"input\": {\n"
    << "    \"recipe\": \"window\",\n"
    << "    \"tensor\": \"imu_window\",\n"
    << "    \"shape\": [1, " << demo::kWindowLength << ", " << demo::kAxes << "],\n"
    << "    \"layout\": \"time-major, axes interleaved: index = t * 3 + axis\",\n"
    << "    \"window_length\": " << demo::kWindowLength << ",\n"
    << "    \"axes\": [\"x\", \"y\", \"z\"],\n"
    << "    \"sample_rate_hz\": " << demo::kSampleRateHz << ",\n"
    << "    \"type\": \"int8\",\n"
    << "    \"scale\": " << fmt("%.9g", kInputScale) << ",\n"
    << "    \"zero_point\": " << demo::kInputZeroPoint << ",\n"
    << "    \"units\": \"g (linear acceleration, gravity removed)\",\n"
    << "    \"raw_counts_per_g\": " << demo::kRawPerG << ",\n"
    << "    \"raw_to_input\": \"int8 = clamp(round_half_away_from_zero(raw_int16 / "
    << demo::kRawPerInputStep << "), -128, 127)\"\n"
    << "  },\n"
    << "  \"output\": {\n"
    << "    \"tensor\": \"probabilities\",\n"
    << "    \"shape\": [1, " << kClasses << "],\n"
    << "    \"type\": \"int8\",\n"
    << "    \"scale\": " << fmt("%.9g", kOutputScale) << ",\n"
    << "    \"zero_point\": " << kOutputZeroPoint << "\n"
    << "  },\n"
    << "  \"signal_model\": {\n"
    << "    \"definition\": \"firmware_agent/core/gesture_signal.h fillWindow(gesture, seed)\",\n"
    << "    \"prng\": \"xorshift32 (13, 17, 5), state = murmur3 finalizer of (seed, gesture)\",\n"
    << "    \"noise_sigma_milli_g\": [" << kNoiseSigmaMinMilliG << ", " << kNoiseSigmaMaxMilliG
    << "],\n"
    << "    \"axis_bias_milli_g\": [" << -kBiasMaxMilliG << ", " << kBiasMaxMilliG << "],\n"
    << "    \"idle\": {\"sway_milli_g\": [0, " << kIdleSwayMaxMilliG << "], \"sway_milli_hz\": ["
    << kIdleSwayMinMilliHz << ", " << kIdleSwayMaxMilliHz << "], \"axis\": \"random\"},\n"
    << "    \"wave\": {\"axis\": \"x\", \"amplitude_milli_g\": [" << kWaveMinMilliG << ", "
    << kWaveMaxMilliG << "], \"frequency_milli_hz\": [" << kWaveMinMilliHz << ", "
    << kWaveMaxMilliHz << "]},\n"
    << "    \"tap\": {\"axis\": \"z\", \"count\": [1, 2], \"peak_milli_g\": [" << kTapMinMilliG
    << ", " << kTapMaxMilliG << "], \"ring_permille\": [" << kTapRingPermille[0] << ", "
    << kTapRingPermille[1] << ", " << kTapRingPermille[2]
    << "], \"x_leak_permille\": " << kTapLeakPermille << ", \"first_sample\": [" << kTapFirstMin
    << ", " << kTapFirstMax << "], \"gap_samples\": [" << kTapGapMin << ", " << kTapGapMax
    << "]},\n"
    << "    \"circle\": {\"axes\": [\"x\", \"y\"], \"phase_shift_deg\": 90, \"direction\": "
       "\"random\", "
       "\"amplitude_milli_g\": ["
    << kCircleMinMilliG << ", " << kCircleMaxMilliG << "], \"frequency_milli_hz\": ["
    << kCircleMinMilliHz << ", " << kCircleMaxMilliHz << "]}\n"
    << "  },\n"
    << "  \"training\": {\n"
    << "    \"train_seeds\": [" << kTrainSeedBase << ", " << kTrainSeedBase + kTrainPerClass - 1
    << "],\n"
    << "    \"held_out_seeds\": [" << kHeldOutSeedBase << ", "
    << kHeldOutSeedBase + kHeldOutPerClass - 1 << "],\n"
    << "    \"windows_per_class\": {\"train\": " << kTrainPerClass
    << ", \"held_out\": " << kHeldOutPerClass << "},\n"
    << "    \"architecture\": \"reshape [1,64,3]->[1,192], dense 192->" << kHidden
    << " relu, dense " << kHidden << "->" << kClasses << ", softmax\",\n"
    << "    \"hidden_scale\": " << fmt("%.9g", m.hidden.scale)
    << ", \"hidden_zero_point\": " << m.hidden.zeroPoint << ",\n"
    << "    \"logits_scale\": " << fmt("%.9g", m.logits.scale)
    << ", \"logits_zero_point\": " << m.logits.zeroPoint << "\n"
    << "  },\n"
    << "  \"accuracy\": {\n"
    << "    \"float_train\": " << fmt("%.4f", a.floatTrain) << ",\n"
    << "    \"float_held_out\": " << fmt("%.4f", a.floatHeldOut) << ",\n"
    << "    \"int8_train\": " << fmt("%.4f", a.int8Train) << ",\n"
    << "    \"int8_held_out\": " << fmt("%.4f", a.int8HeldOut) << ",\n"
    << "    \"int8_float_agreement_held_out\": " << fmt("%.4f", a.agreement) << ",\n"
    << "    \"int8_reference\": \"make_demo_model's own int8 check (TFLite integer fully-connected "
       "arithmetic)\"\n"
    << "  }\n"
    << "}\n";
  return j.str();
}

bool writeFile(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  return static_cast<bool>(out);
}

int usage(FILE* to, int code) {
  std::fprintf(to,
               "usage: make_demo_model [--quiet] OUTPUT_DIR\n"
               "Trains tinyscope's demo IMU gesture classifier on synthetic data and writes\n"
               "OUTPUT_DIR/imu_gesture_demo.tflite and OUTPUT_DIR/imu_gesture_demo.json.\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  bool quiet = false;
  std::string outDir;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return usage(stdout, 0);
    if (arg == "--quiet") {
      quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "make_demo_model: unknown option '%s'\n", arg.c_str());
      return usage(stderr, 2);
    } else if (outDir.empty()) {
      outDir = arg;
    } else {
      std::fprintf(stderr, "make_demo_model: more than one output directory given ('%s')\n",
                   arg.c_str());
      return usage(stderr, 2);
    }
  }
  if (outDir.empty()) return usage(stderr, 2);
  std::error_code ec;
  if (!std::filesystem::is_directory(outDir, ec)) {
    std::fprintf(stderr, "make_demo_model: output directory '%s' does not exist\n", outDir.c_str());
    return 1;
  }

  const std::vector<Example> trainSet = makeSet(kTrainSeedBase, kTrainPerClass);
  const std::vector<Example> heldOutSet = makeSet(kHeldOutSeedBase, kHeldOutPerClass);

  demo::Xorshift32 rng{kInitSeed};
  FloatMlp net;
  net.init(rng);
  if (!quiet)
    std::printf("training float MLP 192-%d-%d on %zu windows\n", kHidden, kClasses,
                trainSet.size());
  train(net, trainSet, rng, !quiet);

  // Calibration over the training set: ReLU output range and logits range.
  double hiddenMax = 0.0, logitMin = 0.0, logitMax = 0.0;
  for (const Example& e : trainSet) {
    double hidden[kHidden], logits[kClasses];
    net.forward(e.x.data(), hidden, logits);
    hiddenMax = std::max(hiddenMax, *std::max_element(hidden, hidden + kHidden));
    logitMin = std::min(logitMin, *std::min_element(logits, logits + kClasses));
    logitMax = std::max(logitMax, *std::max_element(logits, logits + kClasses));
  }
  QuantizedModel qm;
  qm.hidden = quantizeRange(0.0, hiddenMax);
  qm.logits = quantizeRange(logitMin, logitMax);
  qm.fc1 = quantizeFc(net.w1, net.b1, kHidden, kInputs, kInputScale);
  qm.fc2 = quantizeFc(net.w2, net.b2, kClasses, kHidden, qm.hidden.scale);

  Accuracy acc{};
  auto accuracy = [&](const std::vector<Example>& set, bool int8) {
    int correct = 0;
    for (const Example& e : set) {
      const int p = int8 ? referencePredict(qm, e.q.data()) : net.predict(e.x.data());
      correct += p == e.label ? 1 : 0;
    }
    return static_cast<double>(correct) / static_cast<double>(set.size());
  };
  acc.floatTrain = accuracy(trainSet, false);
  acc.floatHeldOut = accuracy(heldOutSet, false);
  acc.int8Train = accuracy(trainSet, true);
  acc.int8HeldOut = accuracy(heldOutSet, true);
  int agree = 0;
  for (const Example& e : heldOutSet) {
    const int p = referencePredict(qm, e.q.data());
    agree += p == net.predict(e.x.data()) ? 1 : 0;
    ++acc.confusion[e.label][p];
  }
  acc.agreement = static_cast<double>(agree) / static_cast<double>(heldOutSet.size());

  std::vector<uint8_t> model;
  try {
    model = buildModel(qm);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_demo_model: could not build the model: %s\n", e.what());
    return 1;
  }
  const std::string sidecar = buildSidecar(qm, acc);
  const std::string modelPath = outDir + "/imu_gesture_demo.tflite";
  const std::string jsonPath = outDir + "/imu_gesture_demo.json";
  if (!writeFile(modelPath, model.data(), model.size())) {
    std::fprintf(stderr, "make_demo_model: cannot write %s\n", modelPath.c_str());
    return 1;
  }
  if (!writeFile(jsonPath, sidecar.data(), sidecar.size())) {
    std::fprintf(stderr, "make_demo_model: cannot write %s\n", jsonPath.c_str());
    return 1;
  }

  if (!quiet) {
    std::printf(
        "quantization: input scale %.9g zp %d | hidden scale %.9g zp %d | logits scale %.9g zp %d "
        "| "
        "output scale %.9g zp %d\n",
        static_cast<double>(kInputScale), demo::kInputZeroPoint,
        static_cast<double>(qm.hidden.scale), qm.hidden.zeroPoint,
        static_cast<double>(qm.logits.scale), qm.logits.zeroPoint,
        static_cast<double>(kOutputScale), kOutputZeroPoint);
    std::printf("accuracy      train    held-out\n");
    std::printf("  float      %6.2f %%  %6.2f %%\n", 100.0 * acc.floatTrain,
                100.0 * acc.floatHeldOut);
    std::printf("  int8 (ref) %6.2f %%  %6.2f %%   (int8/float agreement on held-out %.2f %%)\n",
                100.0 * acc.int8Train, 100.0 * acc.int8HeldOut, 100.0 * acc.agreement);
    std::printf("held-out int8 confusion (rows true, columns predicted: idle wave tap circle)\n");
    for (int t = 0; t < kClasses; ++t) {
      std::printf("  %-7s", demo::gestureName(static_cast<demo::Gesture>(t)));
      for (int p = 0; p < kClasses; ++p) std::printf(" %5d", acc.confusion[t][p]);
      std::printf("\n");
    }
    std::printf("wrote %s (%zu bytes) and %s\n", modelPath.c_str(), model.size(), jsonPath.c_str());
  }
  return 0;
}
