// TFLM's signal operators against TensorFlow Lite Micro (../shared/tools/tflm_run): one-operator
// models from the .tflite writer with FlexBuffer custom_options written here, random shapes,
// parameters and inputs (full-range bytes for the unsigned energies, so every wrap-around of
// TFLM's fixed-point arithmetic is exercised); both engines must agree byte for byte on every
// output. Then the whole shared audio front-end on real speech: a spoken "yes" from espeak-ng,
// 30 ms windows, tinyscope vs TFLM.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sndfile.h>

#include "flexbuffer_test_writer.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/tflite_writer.h"
#include "model_runner/interpreter.h"
#include "model_runner/kernels/all_ops.h"
#include "model_runner/kernels/signal/rfft.h"
#include "test_support.h"
#include "tflm_oracle.h"

namespace tinyscope::runner {
namespace {

using host::CustomOptions;
using host::OperatorSpec;
using host::TensorSpec;
using host::TensorType;
using schema::BuiltinOperator;
using test::FlexMapWriter;

template <typename T>
std::vector<uint8_t> bytesOf(const std::vector<T>& v) {
  std::vector<uint8_t> out(v.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

std::vector<uint8_t> randomBytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// int16 samples with a random magnitude (so FftAutoScale and the FFT see every headroom).
std::vector<int16_t> randomSamples(std::mt19937& rng, size_t n) {
  const int bits = 1 + static_cast<int>(rng() % 15);
  std::vector<int16_t> v(n);
  for (int16_t& s : v) {
    const int32_t r = static_cast<int32_t>(rng() % (1u << bits)) - (1 << (bits - 1));
    s = static_cast<int16_t>(r);
  }
  if (rng() % 8 == 0) v[rng() % n] = -32768;
  return v;
}

// Random transform input of `type`: int16 samples of a random magnitude, int32 of every
// magnitude up to the full range (so 32-bit sums wrap), float32 in [-1000, 1000].
std::vector<uint8_t> randomTransformInput(TensorType type, size_t count, std::mt19937& rng) {
  if (type == TensorType::kFloat32) {
    std::uniform_real_distribution<float> dist(-1000.0f, 1000.0f);
    std::vector<float> v(count);
    for (float& x : v) x = dist(rng);
    return bytesOf(v);
  }
  if (type == TensorType::kInt32) {
    const uint32_t bits = 1 + rng() % 32;
    std::vector<int32_t> v(count);
    for (int32_t& x : v) {
      const uint32_t r = static_cast<uint32_t>(rng());
      x = bits == 32 ? static_cast<int32_t>(r)
                     : static_cast<int32_t>(r % (1u << bits)) - (1 << (bits - 1));
    }
    return bytesOf(v);
  }
  return bytesOf(randomSamples(rng, count));
}

struct Op {
  std::string code;
  FlexMapWriter options;
  bool noOptions = false;
};

// One custom operator: `input` (tensor 0, fed by both engines), constants, outputs.
class SignalModel {
 public:
  int32_t input(TensorType type, std::vector<int32_t> shape) {
    m_input = m_w.addActivation("in", type, std::move(shape));
    m_inputs.push_back(m_input);
    return m_input;
  }
  template <typename T>
  int32_t constant(TensorType type, std::vector<int32_t> shape, const std::vector<T>& values) {
    TensorSpec c;
    c.name = "c" + std::to_string(m_inputs.size());
    c.type = type;
    c.shape = std::move(shape);
    c.data = bytesOf(values);
    const int32_t t = m_w.addTensor(c);
    m_inputs.push_back(t);
    return t;
  }
  void output(TensorType type, std::vector<int32_t> shape) {
    m_outputs.push_back(
        m_w.addActivation("out" + std::to_string(m_outputs.size()), type, std::move(shape)));
  }
  // `modelOutputs`: which of the operator's outputs the model exposes (default: all).
  std::vector<uint8_t> build(const Op& op, std::vector<size_t> modelOutputs = {}) {
    OperatorSpec spec;
    spec.op = BuiltinOperator::kCustom;
    spec.inputs = m_inputs;
    spec.outputs = m_outputs;
    spec.options =
        CustomOptions{op.code, op.noOptions ? std::vector<uint8_t>{} : op.options.finish()};
    m_w.addOperator(spec);
    m_w.setInputs({m_input});
    std::vector<int32_t> exposed = m_outputs;
    if (!modelOutputs.empty()) {
      exposed.clear();
      for (size_t k : modelOutputs) exposed.push_back(m_outputs[k]);
    }
    m_w.setOutputs(exposed);
    return m_w.serialize();
  }

 private:
  host::TfliteWriter m_w;
  int32_t m_input = -1;
  std::vector<int32_t> m_inputs, m_outputs;
};

#define SKIP_WITHOUT_TFLM() \
  if (test::tflmRunPath().empty()) GTEST_SKIP() << test::kTflmMissing

struct Case {
  std::vector<uint8_t> model, input;
};

// `cases` random models from `make(rng, k)`: both engines must agree on each, and tinyscope
// must run every one of them (these sweeps stay inside what TFLM accepts).
template <typename Make>
void sweep(uint32_t seed, int cases, Make make) {
  std::mt19937 rng(seed);
  int ran = 0;
  for (int k = 0; k < cases; ++k) {
    SCOPED_TRACE("case " + std::to_string(k));
    const Case c = make(rng, k);
    test::expectSameAsTflm(c.model, c.input);
    if (test::runTinyscope(c.model, c.input).ok) ++ran;
  }
  EXPECT_EQ(ran, cases);
}

TEST(SignalOpsTflm, WindowMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(41, 20, [&](std::mt19937& rng, int) {
    const int32_t len = 1 + static_cast<int32_t>(rng() % 64);
    const int32_t frames = 1 + static_cast<int32_t>(rng() % 3);
    SignalModel m;
    m.input(TensorType::kInt16, {frames, len});
    std::vector<int16_t> window(static_cast<size_t>(len));
    for (int16_t& w : window) w = static_cast<int16_t>(rng());
    m.constant(TensorType::kInt16, {len}, window);
    m.output(TensorType::kInt16, {frames, len});
    Op op{"SignalWindow", {}, false};
    op.options.addInt("shift", static_cast<int64_t>(rng() % 16));
    return Case{m.build(op), bytesOf(randomSamples(rng, static_cast<size_t>(frames * len)))};
  });
}

TEST(SignalOpsTflm, FftAutoScaleMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(42, 15, [&](std::mt19937& rng, int) {
    const int32_t n = 1 + static_cast<int32_t>(rng() % 300);
    SignalModel m;
    m.input(TensorType::kInt16, {n});
    m.output(TensorType::kInt16, {n});
    m.output(TensorType::kInt32, {});
    Op op{"SignalFftAutoScale", {}, true};
    return Case{m.build(op), bytesOf(randomSamples(rng, static_cast<size_t>(n)))};
  });
}

TEST(SignalOpsTflm, RfftMatchesEveryRadix) {
  SKIP_WITHOUT_TFLM();
  // Powers of two (radix 4 then 2) and lengths whose half has factors 3 and 5.
  const int32_t lengths[] = {4,  8,  16, 32, 64, 128, 256, 512, 1024, 6,    10,
                             12, 20, 30, 60, 96, 120, 160, 240, 480,  1000, 1536};
  sweep(43, 44, [&](std::mt19937& rng, int k) {
    const int32_t fft = lengths[static_cast<size_t>(k) % (sizeof lengths / sizeof lengths[0])];
    const int32_t len = 1 + static_cast<int32_t>(rng() % static_cast<uint32_t>(fft));
    const int32_t frames = 1 + static_cast<int32_t>(rng() % 2);
    SignalModel m;
    m.input(TensorType::kInt16, {frames, len});
    m.output(TensorType::kInt16, {frames, fft + 2});
    Op op{"SignalRfft", {}, false};
    op.options.addInt("T", static_cast<int64_t>(TensorType::kInt16)).addInt("fft_length", fft);
    return Case{m.build(op), bytesOf(randomSamples(rng, static_cast<size_t>(frames * len)))};
  });
}

// The int32 (kiss_fft FIXED_POINT=32) and float32 transforms over the same lengths: int32
// samples of every magnitude up to the full range (so the 32-bit sums wrap as in TFLM's
// build), float samples in [-1000, 1000].
TEST(SignalOpsTflm, RfftInt32AndFloatMatch) {
  SKIP_WITHOUT_TFLM();
  const int32_t lengths[] = {4,  8,  16, 32, 64,  128, 256, 512, 6,    10,  12,
                             20, 30, 60, 96, 120, 160, 240, 480, 1000, 1536};
  constexpr size_t kLengths = sizeof lengths / sizeof lengths[0];
  sweep(47, 2 * static_cast<int>(kLengths), [&](std::mt19937& rng, int k) {
    const int32_t fft = lengths[static_cast<size_t>(k) % kLengths];
    const bool isFloat = k >= static_cast<int>(kLengths);
    const TensorType type = isFloat ? TensorType::kFloat32 : TensorType::kInt32;
    const int32_t len = 1 + static_cast<int32_t>(rng() % static_cast<uint32_t>(fft));
    const int32_t frames = 1 + static_cast<int32_t>(rng() % 2);
    const size_t count = static_cast<size_t>(frames * len);
    SignalModel m;
    m.input(type, {frames, len});
    m.output(type, {frames, fft + 2});
    Op op{"SignalRfft", {}, false};
    op.options.addInt("T", static_cast<int64_t>(type)).addInt("fft_length", fft);
    return Case{m.build(op), randomTransformInput(type, count, rng)};
  });
}

// SignalIrfft (kiss_fftri) in every type over the same lengths: random bins, int32 ones of
// every magnitude up to the full range.
TEST(SignalOpsTflm, IrfftMatchesEveryTypeAndRadix) {
  SKIP_WITHOUT_TFLM();
  const int32_t lengths[] = {4,  8,  16, 32, 64,  128, 256, 512, 6,    10,  12,
                             20, 30, 60, 96, 120, 160, 240, 480, 1000, 1536};
  constexpr size_t kLengths = sizeof lengths / sizeof lengths[0];
  sweep(48, 3 * static_cast<int>(kLengths), [&](std::mt19937& rng, int k) {
    const int32_t fft = lengths[static_cast<size_t>(k) % kLengths];
    const TensorType types[] = {TensorType::kInt16, TensorType::kInt32, TensorType::kFloat32};
    const TensorType type = types[static_cast<size_t>(k) / kLengths];
    const int32_t frames = 1 + static_cast<int32_t>(rng() % 2);
    const size_t count = static_cast<size_t>(frames * (fft + 2));
    SignalModel m;
    m.input(type, {frames, fft + 2});
    m.output(type, {frames, fft});
    Op op{"SignalIrfft", {}, false};
    op.options.addInt("T", static_cast<int64_t>(type)).addInt("fft_length", fft);
    return Case{m.build(op), randomTransformInput(type, count, rng)};
  });
}

TEST(SignalOpsTflm, EnergyMatches) {
  SKIP_WITHOUT_TFLM();
  std::mt19937 rng(44);
  int ran = 0;
  for (int k = 0; k < 15; ++k) {
    const int32_t bins = 1 + static_cast<int32_t>(rng() % 260);
    const int32_t end = static_cast<int32_t>(rng() % static_cast<uint32_t>(bins + 1));
    const int32_t start = static_cast<int32_t>(rng() % static_cast<uint32_t>(end + 1));
    SignalModel m;
    m.input(TensorType::kInt16, {2 * bins});
    m.output(TensorType::kUInt32, {bins});
    Op op{"SignalEnergy", {}, false};
    op.options.addInt("end_index", end).addInt("start_index", start);
    SCOPED_TRACE("case " + std::to_string(k));
    // TFLM leaves the bins outside [start, end) unwritten (whatever the arena held there):
    // compare the written range; tinyscope writes zeros elsewhere.
    const std::vector<uint8_t> model = m.build(op);
    const std::vector<uint8_t> input = randomBytes(rng, static_cast<size_t>(4 * bins));
    const test::OracleRun tflm = test::runTflm(model, input);
    const test::OracleRun ours = test::runTinyscope(model, input);
    ASSERT_TRUE(tflm.ok) << tflm.status;
    ASSERT_TRUE(ours.ok) << ours.status;
    const auto first = static_cast<std::ptrdiff_t>(4 * start),
               last = static_cast<std::ptrdiff_t>(4 * end);
    EXPECT_TRUE(std::equal(tflm.outputs[0].begin() + first, tflm.outputs[0].begin() + last,
                           ours.outputs[0].begin() + first));
    for (std::ptrdiff_t b = 0; b < static_cast<std::ptrdiff_t>(ours.outputs[0].size()); ++b) {
      if (b < first || b >= last) {
        EXPECT_EQ(ours.outputs[0][static_cast<size_t>(b)], 0) << b;
      }
    }
    ++ran;
  }
  EXPECT_EQ(ran, 15);
}

TEST(SignalOpsTflm, FilterBankMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(45, 15, [&](std::mt19937& rng, int) {
    const int32_t channels = 1 + static_cast<int32_t>(rng() % 40);
    const int32_t bins = 8 + static_cast<int32_t>(rng() % 250);
    std::vector<int16_t> freqStarts, weightStarts, widths, weights, unweights;
    int16_t weightPos = 0;
    for (int32_t c = 0; c <= channels; ++c) {
      const int16_t width = static_cast<int16_t>(rng() % 6);
      const int16_t start = static_cast<int16_t>(rng() % static_cast<uint32_t>(bins - width));
      freqStarts.push_back(start);
      weightStarts.push_back(weightPos);
      widths.push_back(width);
      for (int j = 0; j < width; ++j) {
        weights.push_back(static_cast<int16_t>(rng()));
        unweights.push_back(static_cast<int16_t>(rng()));
      }
      weightPos = static_cast<int16_t>(weightPos + width);
    }
    if (weights.empty()) {
      weights.push_back(1);
      unweights.push_back(1);
    }
    const auto nw = static_cast<int32_t>(weights.size());
    SignalModel m;
    m.input(TensorType::kUInt32, {bins});
    m.constant(TensorType::kInt16, {nw}, weights);
    m.constant(TensorType::kInt16, {nw}, unweights);
    m.constant(TensorType::kInt16, {channels + 1}, freqStarts);
    m.constant(TensorType::kInt16, {channels + 1}, weightStarts);
    m.constant(TensorType::kInt16, {channels + 1}, widths);
    m.output(TensorType::kUInt64, {channels});
    Op op{"SignalFilterBank", {}, false};
    op.options.addInt("num_channels", channels);
    return Case{m.build(op), randomBytes(rng, static_cast<size_t>(4 * bins))};
  });
}

TEST(SignalOpsTflm, FilterBankSquareRootMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(46, 40, [&](std::mt19937& rng, int) {
    const int32_t n = 1 + static_cast<int32_t>(rng() % 64);
    SignalModel m;
    m.input(TensorType::kUInt64, {n});
    m.constant(TensorType::kInt32, {}, std::vector<int32_t>{static_cast<int32_t>(rng() % 16)});
    m.output(TensorType::kUInt32, {n});
    Op op{"SignalFilterBankSquareRoot", {}, true};
    // Mix full-range values with values below 2^32 (TFLM's 32-bit path), and every third one on
    // a rounding edge: k^2 - 1, k^2, k^2 + k, k^2 + k + 1 for a root k of either path, or the
    // ends of the ranges.
    std::vector<uint8_t> in = randomBytes(rng, static_cast<size_t>(8 * n));
    for (int32_t i = 0; i < n; i += 2) {
      for (int b = 4; b < 8; ++b) in[static_cast<size_t>(8 * i + b)] = 0;
    }
    const uint64_t ends[] = {
        1, 2, 3, 0xFFFFFFFFull, 0x100000000ull, 0xFFFE0001ull, 0xFFFFFFFE00000001ull, ~0ull};
    for (int32_t i = 1; i < n; i += 3) {
      uint64_t v = ends[rng() % 8];
      if (rng() % 3 != 0) {
        const uint64_t k = rng() % 2 == 0 ? rng() % 65536
                                          : (uint64_t{rng()} << 16 | rng() % 65536) % 0xFFFFFFFFull;
        const uint64_t deltas[] = {~0ull, 0, k, k + 1};  // ~0: minus one
        v = k * k + deltas[rng() % 4];
      }
      std::memcpy(&in[static_cast<size_t>(8 * i)], &v, 8);
    }
    return Case{m.build(op), in};
  });
}

TEST(SignalOpsTflm, SpectralSubtractionMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(47, 15, [&](std::mt19937& rng, int) {
    const int32_t channels = 1 + static_cast<int32_t>(rng() % 40);
    SignalModel m;
    m.input(TensorType::kUInt32, {channels});
    m.output(TensorType::kUInt32, {channels});
    m.output(TensorType::kUInt32, {channels});
    Op op{"SignalFilterBankSpectralSubtraction", {}, false};
    const int64_t bits = 14;
    const int64_t smoothing = rng() % (1 << bits), alternate = rng() % (1 << bits);
    op.options.addInt("alternate_one_minus_smoothing", (1 << bits) - alternate)
        .addInt("alternate_smoothing", alternate)
        .addBool("clamping", rng() % 2 == 0)
        .addInt("min_signal_remaining", rng() % (1 << bits))
        .addInt("num_channels", channels)
        .addInt("one_minus_smoothing", (1 << bits) - smoothing)
        .addInt("smoothing", smoothing)
        .addInt("smoothing_bits", rng() % 12)
        .addInt("spectral_subtraction_bits", bits);
    std::vector<uint8_t> in = randomBytes(rng, static_cast<size_t>(4 * channels));
    return Case{m.build(op), in};
  });
}

TEST(SignalOpsTflm, PcanMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(48, 15, [&](std::mt19937& rng, int) {
    const int32_t channels = 1 + static_cast<int32_t>(rng() % 40);
    std::vector<uint32_t> noise(static_cast<size_t>(channels));
    for (uint32_t& v : noise) v = static_cast<uint32_t>(rng()) >> (rng() % 32);
    noise[0] = static_cast<uint32_t>(rng() % 3);  // the direct table entries
    std::vector<int16_t> lut(125);
    for (int16_t& v : lut) v = static_cast<int16_t>(rng());
    SignalModel m;
    m.input(TensorType::kUInt32, {channels});
    m.constant(TensorType::kUInt32, {channels}, noise);
    m.constant(TensorType::kInt16, {125}, lut);
    m.output(TensorType::kUInt32, {channels});
    Op op{"SignalPCAN", {}, false};
    op.options.addInt("snr_shift", rng() % 24);
    return Case{m.build(op), randomBytes(rng, static_cast<size_t>(4 * channels))};
  });
}

TEST(SignalOpsTflm, FilterBankLogMatches) {
  SKIP_WITHOUT_TFLM();
  sweep(49, 15, [&](std::mt19937& rng, int) {
    const int32_t channels = 1 + static_cast<int32_t>(rng() % 40);
    SignalModel m;
    m.input(TensorType::kUInt32, {channels});
    m.output(TensorType::kInt16, {channels});
    Op op{"SignalFilterBankLog", {}, false};
    op.options.addInt("input_correction_bits", rng() % 10).addInt("output_scale", 1 + rng() % 3000);
    std::vector<uint32_t> in(static_cast<size_t>(channels));
    for (uint32_t& v : in) v = static_cast<uint32_t>(rng()) >> (rng() % 32);
    return Case{m.build(op), bytesOf(in)};
  });
}

// The noise estimate carries from one invoke to the next (the golden data is the first
// invoke only), and resetState() clears it like TFLM's Reset: the first output comes back.
TEST(SignalState, SpectralSubtractionStateCarriesAndResets) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  host::ModelFile file;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/audio_preprocessor_int8.tflite", &file, &error))
      << error;
  std::vector<uint8_t> golden;
  ASSERT_TRUE(host::readBinaryFile(
      shared + "/golden/audio_preprocessor_int8/real_yes_30ms/input.bin", &golden, &error))
      << error;
  std::vector<uint8_t> expected;
  ASSERT_TRUE(host::readBinaryFile(
      shared + "/golden/audio_preprocessor_int8/real_yes_30ms/output.bin", &expected, &error))
      << error;
  AllOpsResolver resolver;
  ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
  std::vector<uint8_t> arena(64 * 1024);
  Interpreter interp(file.bytes.data(), file.bytes.size(), resolver, arena.data(), arena.size());
  ASSERT_EQ(interp.allocate(), Status::kOk);
  const auto run = [&] {
    std::memcpy(interp.input(0).data, golden.data(), golden.size());
    EXPECT_EQ(interp.invoke(), Status::kOk);
    const TensorView out = interp.output(0);
    const auto* p = static_cast<const uint8_t*>(out.data);
    return std::vector<uint8_t>(p, p + out.bytes);
  };
  EXPECT_EQ(run(), expected);
  EXPECT_NE(run(), expected);  // the noise estimate has moved
  ASSERT_EQ(interp.resetState(), Status::kOk);
  EXPECT_EQ(run(), expected);
}

// The streaming ops on their first invoke (what tflm_run runs): SignalDelay, SignalFramer
// (prefilled: every frame complete; not prefilled: the valid flag only, since TFLM leaves
// incomplete frames unwritten), SignalStacker (no right context: complete; with one: the flag
// only) and SignalOverlapAdd in int16 (saturating) and float32.
TEST(SignalOpsTflm, StreamingOpsMatchOnTheFirstInvoke) {
  SKIP_WITHOUT_TFLM();
  sweep(49, 20, [&](std::mt19937& rng, int) {
    const int32_t frame = 1 + static_cast<int32_t>(rng() % 40);
    const int32_t rows = 1 + static_cast<int32_t>(rng() % 3);
    SignalModel m;
    m.input(TensorType::kInt16, {rows, frame});
    m.output(TensorType::kInt16, {rows, frame});
    Op op{"SignalDelay", {}, false};
    op.options.addInt("delay_length",
                      static_cast<int64_t>(rng() % static_cast<uint32_t>(2 * frame + 1)));
    return Case{m.build(op), bytesOf(randomSamples(rng, static_cast<size_t>(rows * frame)))};
  });
  sweep(50, 30, [&](std::mt19937& rng, int k) {
    const int32_t step = 1 + static_cast<int32_t>(rng() % 16);
    const int32_t size = step + static_cast<int32_t>(rng() % 40);
    const int32_t frames = 1 + static_cast<int32_t>(rng() % 6);
    const int32_t rows = 1 + static_cast<int32_t>(rng() % 2);
    const bool prefill = k % 3 != 2;
    SignalModel m;
    m.input(TensorType::kInt16, {rows, frames * step});
    m.output(TensorType::kInt16, {rows, frames, size});
    m.output(TensorType::kBool, {});
    Op op{"SignalFramer", {}, false};
    op.options.addInt("frame_size", size).addInt("frame_step", step).addBool("prefill", prefill);
    return Case{m.build(op, prefill ? std::vector<size_t>{} : std::vector<size_t>{1}),
                bytesOf(randomSamples(rng, static_cast<size_t>(rows * frames * step)))};
  });
  sweep(51, 24, [&](std::mt19937& rng, int k) {
    const int32_t channels = 1 + static_cast<int32_t>(rng() % 40);
    const int32_t left = static_cast<int32_t>(rng() % 4);
    const int32_t right = k % 2 == 0 ? 0 : 1 + static_cast<int32_t>(rng() % 3);
    const int32_t step = 1 + static_cast<int32_t>(rng() % static_cast<uint32_t>(left + right + 1));
    SignalModel m;
    m.input(TensorType::kInt16, {channels});
    m.output(TensorType::kInt16, {channels * (left + right + 1)});
    m.output(TensorType::kBool, {});
    Op op{"SignalStacker", {}, false};
    op.options.addInt("num_channels", channels)
        .addInt("stacker_left_context", left)
        .addInt("stacker_right_context", right)
        .addInt("stacker_step", step);
    return Case{m.build(op, right == 0 ? std::vector<size_t>{} : std::vector<size_t>{1}),
                bytesOf(randomSamples(rng, static_cast<size_t>(channels)))};
  });
  sweep(52, 24, [&](std::mt19937& rng, int k) {
    const bool isFloat = k % 2 == 1;
    const TensorType type = isFloat ? TensorType::kFloat32 : TensorType::kInt16;
    const int32_t size = 1 + static_cast<int32_t>(rng() % 48);
    const int32_t step = 1 + static_cast<int32_t>(rng() % static_cast<uint32_t>(size));
    const int32_t frames = 1 + static_cast<int32_t>(rng() % 5);
    const int32_t rows = 1 + static_cast<int32_t>(rng() % 2);
    SignalModel m;
    m.input(type, {rows, frames, size});
    m.output(type, {rows, frames * step});
    Op op{"SignalOverlapAdd", {}, false};
    op.options.addInt("T", static_cast<int64_t>(type)).addInt("frame_step", step);
    const size_t count = static_cast<size_t>(rows * frames * size);
    std::vector<uint8_t> input;
    if (isFloat) {
      std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
      std::vector<float> v(count);
      for (float& x : v) x = dist(rng);
      input = bytesOf(v);
    } else {
      input = bytesOf(randomSamples(rng, count));
    }
    return Case{m.build(op), input};
  });
}

// A SignalStacker of 2 channels with one frame of left and right context.
std::vector<uint8_t> stackerModel(int64_t step) {
  SignalModel m;
  m.input(TensorType::kInt16, {2});
  m.output(TensorType::kInt16, {6});
  m.output(TensorType::kBool, {});
  Op op{"SignalStacker", {}, false};
  op.options.addInt("num_channels", 2)
      .addInt("stacker_left_context", 1)
      .addInt("stacker_right_context", 1)
      .addInt("stacker_step", step);
  return m.build(op);
}

// Across invokes (tflm_run runs one): the delay line, the overlap buffer and the stacker's
// stream carry over exactly, and resetState() restarts them as after allocate().
TEST(SignalState, StreamingOpsCarryAndReset) {
  AllOpsResolver resolver;
  ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
  const auto runs = [&](const std::vector<uint8_t>& model,
                        const std::vector<std::vector<int16_t>>& inputs, bool resetBeforeLast) {
    std::vector<uint8_t> arena(64 * 1024);
    Interpreter interp(model.data(), model.size(), resolver, arena.data(), arena.size());
    EXPECT_EQ(interp.allocate(), Status::kOk);
    std::vector<std::vector<int16_t>> outs;
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (resetBeforeLast && k + 1 == inputs.size()) {
        EXPECT_EQ(interp.resetState(), Status::kOk);
      }
      std::memcpy(interp.input(0).data, inputs[k].data(), inputs[k].size() * 2);
      EXPECT_EQ(interp.invoke(), Status::kOk);
      const TensorView out = interp.output(0);
      const auto* p = static_cast<const int16_t*>(out.data);
      outs.emplace_back(p, p + out.bytes / 2);
    }
    return outs;
  };
  {  // delay of 3 over frames of 2: the stream comes out 3 samples late
    SignalModel m;
    m.input(TensorType::kInt16, {2});
    m.output(TensorType::kInt16, {2});
    Op op{"SignalDelay", {}, false};
    op.options.addInt("delay_length", 3);
    const std::vector<uint8_t> model = m.build(op);
    const std::vector<std::vector<int16_t>> in = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    EXPECT_EQ(runs(model, in, false),
              (std::vector<std::vector<int16_t>>{{0, 0}, {0, 1}, {2, 3}, {4, 5}}));
    EXPECT_EQ(runs(model, in, true).back(), (std::vector<int16_t>{0, 0}));
  }
  {  // overlap-add of frames of 4 every 2 samples
    SignalModel m;
    m.input(TensorType::kInt16, {1, 4});
    m.output(TensorType::kInt16, {2});
    Op op{"SignalOverlapAdd", {}, false};
    op.options.addInt("T", static_cast<int64_t>(TensorType::kInt16)).addInt("frame_step", 2);
    const std::vector<uint8_t> model = m.build(op);
    const std::vector<std::vector<int16_t>> in = {{1, 2, 3, 4}, {10, 20, 30, 40}, {32767, 1, 0, 0}};
    EXPECT_EQ(runs(model, in, false),
              (std::vector<std::vector<int16_t>>{{1, 2}, {13, 24}, {32767, 41}}));
    EXPECT_EQ(runs(model, in, true).back(), (std::vector<int16_t>{32767, 1}));
  }
  {  // stacker: 2 channels, left 1, right 1, step 1
    const std::vector<uint8_t> model = stackerModel(1);
    const std::vector<std::vector<int16_t>> in = {{1, 2}, {3, 4}, {5, 6}};
    EXPECT_EQ(runs(model, in, false),
              (std::vector<std::vector<int16_t>>{
                  {0, 0, 0, 0, 0, 0}, {1, 2, 1, 2, 3, 4}, {1, 2, 3, 4, 5, 6}}));
    EXPECT_EQ(runs(model, in, true).back(), (std::vector<int16_t>{0, 0, 0, 0, 0, 0}));
  }
}

// Hostile variants of the real front-end: random bytes flipped anywhere (options, shapes,
// indices, constant tables). Each either is refused or runs; none may read or write outside
// its tensors (run under the asan preset to prove it).
TEST(SignalOpsHostile, BitFlippedAudioFrontEndIsRefusedOrRuns) {
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  host::ModelFile file;
  std::string error;
  ASSERT_TRUE(host::loadModelFile(shared + "/models/audio_preprocessor_int8.tflite", &file, &error))
      << error;
  AllOpsResolver resolver;
  ASSERT_EQ(kernels::addAllOps(resolver), Status::kOk);
  std::mt19937 rng(7);
  std::vector<uint8_t> arena(256 * 1024);
  int ran = 0, refused = 0;
  for (int k = 0; k < 3000; ++k) {
    std::vector<uint8_t> bytes = file.bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f)
      bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    Interpreter interp(bytes.data(), bytes.size(), resolver, arena.data(), arena.size());
    if (interp.allocate() != Status::kOk) {
      ++refused;
      continue;
    }
    for (uint32_t i = 0; i < interp.inputsSize(); ++i) {
      const TensorView in = interp.input(i);
      auto* p = static_cast<uint8_t*>(in.data);
      for (size_t b = 0; b < in.bytes; ++b) p[b] = static_cast<uint8_t>(rng());
    }
    EXPECT_EQ(interp.invoke(), Status::kOk);
    ++ran;
  }
  EXPECT_GT(ran, 100);
  EXPECT_GT(refused, 100);
}

// kiss_fft's twiddles come from libm's cos/sin; the library-free ones here must round to the
// same Q15 values for every supported length up to 4096 and every power of two (ties such as
// cos(2π/3) = -1/2 included).
TEST(SignalRfft, TwiddlesMatchLibm) {
  const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
  for (int32_t fft = 4; fft <= kernels::signal::kMaxRfftLength; fft += 2) {
    if (!kernels::signal::rfftLengthSupported(fft)) continue;
    if (fft > 4096 && (fft & (fft - 1)) != 0) continue;  // above 4096: powers of two only
    const int32_t n = fft / 2;
    for (int32_t i = 0; i < n; ++i) {
      const double phase = -2 * pi * i / n;
      ASSERT_EQ(kernels::signal::fixedCos(phase),
                static_cast<int16_t>(std::floor(.5 + 32767 * std::cos(phase))))
          << fft << " " << i;
      ASSERT_EQ(kernels::signal::fixedSin(phase),
                static_cast<int16_t>(std::floor(.5 + 32767 * std::sin(phase))))
          << fft << " " << i;
    }
    for (int32_t i = 0; i < n / 2; ++i) {
      const double phase = -3.14159265358979323846264338327 * (static_cast<double>(i + 1) / n + .5);
      ASSERT_EQ(kernels::signal::fixedCos(phase),
                static_cast<int16_t>(std::floor(.5 + 32767 * std::cos(phase))));
      ASSERT_EQ(kernels::signal::fixedSin(phase),
                static_cast<int16_t>(std::floor(.5 + 32767 * std::sin(phase))));
    }
  }
}

// Malformed parameters are refused with the parameter's name (TFLM would read or write out of
// bounds with these).
TEST(SignalOpsRefusals, NameTheParameter) {
  {
    SignalModel m;
    m.input(TensorType::kInt16, {20});
    m.output(TensorType::kInt16, {30});
    Op op{"SignalRfft", {}, false};
    op.options.addInt("T", 7).addInt("fft_length", 28);  // 14 = 2 x 7: no radix-7 stage
    const test::OracleRun run = test::runTinyscope(m.build(op), {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("fft_length"), std::string::npos) << run.status;
  }
  {
    SignalModel m;
    m.input(TensorType::kInt16, {20});
    m.output(TensorType::kUInt32, {10});
    Op op{"SignalEnergy", {}, false};
    op.options.addInt("end_index", 11).addInt("start_index", 0);  // past the bins
    const test::OracleRun run = test::runTinyscope(m.build(op), {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("end_index"), std::string::npos) << run.status;
  }
  {
    SignalModel m;
    m.input(TensorType::kUInt32, {8});
    m.constant(TensorType::kUInt32, {8}, std::vector<uint32_t>(8, 5));
    m.constant(TensorType::kInt16, {100}, std::vector<int16_t>(100, 1));  // < 125 entries
    m.output(TensorType::kUInt32, {8});
    Op op{"SignalPCAN", {}, false};
    op.options.addInt("snr_shift", 6);
    const test::OracleRun run = test::runTinyscope(m.build(op), {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("gain_lut"), std::string::npos) << run.status;
  }
  {
    SignalModel m;
    m.input(TensorType::kUInt32, {8});
    m.output(TensorType::kInt16, {8});
    Op op{"SignalFilterBankLog", {}, false};
    op.options.addInt("output_scale", 1600);  // input_correction_bits missing
    const test::OracleRun run = test::runTinyscope(m.build(op), {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("input_correction_bits"), std::string::npos) << run.status;
  }
  {
    SignalModel m;
    m.input(TensorType::kInt16, {8});
    m.constant(TensorType::kInt16, {8}, std::vector<int16_t>(8, 1));
    m.output(TensorType::kInt16, {8});
    Op op{"SignalWindow", {}, false};
    op.options.addInt("shift", 12);
    std::vector<uint8_t> model = m.build(op);
    // Corrupt the FlexBuffer's root width byte: the last byte of custom_options.
    const std::vector<uint8_t> opts = op.options.finish();
    const auto at = std::search(model.begin(), model.end(), opts.begin(), opts.end());
    ASSERT_NE(at, model.end());
    *(at + static_cast<std::ptrdiff_t>(opts.size()) - 1) = 3;
    const test::OracleRun run = test::runTinyscope(model, {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("custom_options"), std::string::npos) << run.status;
  }
  // The streaming ops' parameters TFLM would overrun its buffers with: a stacker step of 0 or
  // past the stacked frames, an overlap step past the frame, a framer step that does not divide
  // the input.
  {
    for (const int64_t step : {int64_t{0}, int64_t{4}}) {
      const test::OracleRun run = test::runTinyscope(stackerModel(step), {});
      EXPECT_FALSE(run.ok);
      EXPECT_NE(run.status.find("stacker_step"), std::string::npos) << run.status;
    }
  }
  {
    SignalModel m;
    m.input(TensorType::kInt16, {1, 4});
    m.output(TensorType::kInt16, {5});
    Op op{"SignalOverlapAdd", {}, false};
    op.options.addInt("T", static_cast<int64_t>(TensorType::kInt16)).addInt("frame_step", 5);
    const test::OracleRun run = test::runTinyscope(m.build(op), {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("frame_step"), std::string::npos) << run.status;
  }
  {
    SignalModel m;
    m.input(TensorType::kInt16, {10});
    m.output(TensorType::kInt16, {2, 8});
    m.output(TensorType::kBool, {});
    Op op{"SignalFramer", {}, false};
    op.options.addInt("frame_size", 8).addInt("frame_step", 4).addBool("prefill", true);
    const test::OracleRun run = test::runTinyscope(m.build(op), {});
    EXPECT_FALSE(run.ok);
    EXPECT_NE(run.status.find("frame_step"), std::string::npos) << run.status;
  }
}

// The whole front-end on real speech: espeak-ng says "yes", sox resamples it to 16 kHz; every 30 ms
// window (hop 20 ms) runs through tinyscope and through TFLM, each on a fresh interpreter as the
// golden cases do; the 40 features must be identical.
TEST(SignalOpsTflm, AudioPreprocessorOnSpokenYesMatches) {
  SKIP_WITHOUT_TFLM();
  const std::string shared = test::sharedDir();
  if (shared.empty()) GTEST_SKIP() << test::kSharedMissing;
  if (std::system("command -v espeak-ng >/dev/null 2>&1 && command -v sox >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "espeak-ng or sox is not installed";
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tinyscope_yes_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path wav = dir / "yes.wav";
  ASSERT_EQ(std::system(("espeak-ng -w '" + wav.string() + "' yes").c_str()), 0);

  // sox resamples to 16 kHz mono 16-bit; libsndfile reads the samples.
  const fs::path wav16 = dir / "yes16k.wav";
  ASSERT_EQ(
      std::system(
          ("sox '" + wav.string() + "' -r 16000 -c 1 -b 16 '" + wav16.string() + "'").c_str()),
      0);
  SF_INFO info{};
  SNDFILE* f = sf_open(wav16.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  ASSERT_EQ(info.samplerate, 16000);
  ASSERT_EQ(info.channels, 1);
  std::vector<int16_t> pcm(static_cast<size_t>(info.frames));
  ASSERT_EQ(sf_read_short(f, pcm.data(), info.frames), info.frames);
  sf_close(f);
  fs::remove_all(dir);
  ASSERT_GT(pcm.size(), 480u * 4);

  host::ModelFile model;
  std::string error;
  ASSERT_TRUE(
      host::loadModelFile(shared + "/models/audio_preprocessor_int8.tflite", &model, &error))
      << error;
  int windows = 0, speech = 0;
  for (size_t start = 0; start + 480 <= pcm.size(); start += 320) {
    const std::vector<int16_t> window(pcm.begin() + static_cast<std::ptrdiff_t>(start),
                                      pcm.begin() + static_cast<std::ptrdiff_t>(start + 480));
    SCOPED_TRACE("window at sample " + std::to_string(start));
    const std::vector<uint8_t> input = bytesOf(window);
    test::expectSameAsTflm(model.bytes, input);
    const test::OracleRun ours = test::runTinyscope(model.bytes, input);
    ASSERT_TRUE(ours.ok) << ours.status;
    ++windows;
    bool loud = false;
    for (uint8_t b : ours.outputs[0]) loud = loud || static_cast<int8_t>(b) > -100;
    speech += loud ? 1 : 0;
  }
  EXPECT_GT(windows, 10);
  EXPECT_GT(speech, 3);  // the word itself, not only silence
}

}  // namespace
}  // namespace tinyscope::runner
