// The synthetic 3-axis IMU gesture signal of the demo model: one definition, owned by the agent
// (both ports stream it as their "imu" sensor) and used by the model generator
// (tools/make_demo_model) to train the bundled model on the same gestures.
//
// Freestanding C++17, header only: integer arithmetic only (no <cmath>, no floating point, no
// heap, no STL containers), so a window is bit-identical on every compiler and target for a given
// (gesture, seed). All functions are pure and reentrant; any thread may call them. Memory: the
// caller provides the window buffers (kWindowSamples int16 / int8 values). No error codes: every
// input is valid (an out-of-range gesture id is treated as kIdle).
//
// Units: raw samples are int16 accelerometer counts at kRawPerG (4096 LSB/g, a +-8 g range),
// gravity removed. The model input is int8 = clamp(round_half_away(raw / 128), -128, 127), i.e.
// scale 1/32 g and zero point 0 (see quantizeSample()). The full signal model is documented in
// docs/DEMO_MODEL.md.
#pragma once

#include <cstdint>

namespace tinyscope::demo {

// Window layout: time-major, axes interleaved: window[t * kAxes + axis], axis 0 = x, 1 = y, 2 = z.
constexpr int32_t kWindowLength = 64;
constexpr int32_t kAxes = 3;
constexpr int32_t kWindowSamples = kWindowLength * kAxes;
constexpr int32_t kSampleRateHz = 50;
constexpr int32_t kRawPerG = 4096;
// Model input quantization: real value in g = kInputScale * (q - kInputZeroPoint).
constexpr int32_t kRawPerInputStep = 128;  // kInputScale = kRawPerInputStep / kRawPerG = 1/32 g
constexpr int32_t kInputZeroPoint = 0;

enum class Gesture : uint8_t { kIdle = 0, kWave = 1, kTap = 2, kCircle = 3 };
constexpr int32_t kGestureCount = 4;

inline const char* gestureName(Gesture g) {
  switch (g) {
    case Gesture::kWave:
      return "wave";
    case Gesture::kTap:
      return "tap";
    case Gesture::kCircle:
      return "circle";
    case Gesture::kIdle:
      break;
  }
  return "idle";
}

// Parameters of the signal model. Amplitudes in milli-g, frequencies in milli-Hz; every range is
// inclusive and drawn uniformly (integers) from the window's PRNG.
namespace signal {
constexpr int32_t kNoiseSigmaMinMilliG = 20, kNoiseSigmaMaxMilliG = 80;  // per window, all axes
constexpr int32_t kBiasMaxMilliG = 80;                                   // per axis offset +-
// idle: a slow sway on one random axis on top of the noise
constexpr int32_t kIdleSwayMaxMilliG = 300;
constexpr int32_t kIdleSwayMinMilliHz = 200, kIdleSwayMaxMilliHz = 800;
// wave: a sine on the x axis
constexpr int32_t kWaveMinMilliG = 400, kWaveMaxMilliG = 1200;
constexpr int32_t kWaveMinMilliHz = 1000, kWaveMaxMilliHz = 3000;
// tap: 1 or 2 damped spikes on the z axis (+1, -0.6, +0.25 of the peak on consecutive samples),
// with 15 % of the peak leaking into x on the first sample of each spike
constexpr int32_t kTapMinMilliG = 1000, kTapMaxMilliG = 3000;
constexpr int32_t kTapFirstMin = 2, kTapFirstMax = 40;  // sample index of the first spike
constexpr int32_t kTapGapMin = 8, kTapGapMax = 20;      // samples between two spikes
constexpr int32_t kTapRingPermille[3] = {1000, -600, 250};
constexpr int32_t kTapLeakPermille = 150;
// circle: x = A sin(phase), y = +-A cos(phase) (direction random)
constexpr int32_t kCircleMinMilliG = 400, kCircleMaxMilliG = 1000;
constexpr int32_t kCircleMinMilliHz = 600, kCircleMaxMilliHz = 1600;
}  // namespace signal

// xorshift32 (Marsaglia 2003: shifts 13, 17, 5). The state must never be 0.
struct Xorshift32 {
  uint32_t state;

  uint32_t next() {
    uint32_t x = state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    state = x;
    return x;
  }
  // Uniform integer in [lo, hi] (lo <= hi), by modulo (the bias is below 1e-5 for our ranges).
  int32_t uniform(int32_t lo, int32_t hi) {
    const uint32_t span = static_cast<uint32_t>(hi - lo) + 1u;
    return lo + static_cast<int32_t>(next() % span);
  }
};

// The PRNG state a window starts from: a murmur3-style mix of (gesture, seed), never 0.
inline uint32_t windowState(Gesture g, uint32_t seed) {
  uint32_t h = seed * 0x9E3779B1u + (static_cast<uint32_t>(g) + 1u) * 0x85EBCA77u;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h != 0 ? h : 0x6D2B79F5u;
}

// sin(2*pi * phase / 2^32) in Q15 (-32767..32767): a 65-entry quarter-wave table with linear
// interpolation (max error 4 LSB, 0.012 %).
inline int32_t sineQ15(uint32_t phase) {
  static constexpr int16_t kQuarter[65] = {
      0,     804,   1608,  2410,  3212,  4011,  4808,  5602,  6393,  7179,  7962,  8739,  9512,
      10278, 11039, 11793, 12539, 13279, 14010, 14732, 15446, 16151, 16846, 17530, 18204, 18868,
      19519, 20159, 20787, 21403, 22005, 22594, 23170, 23731, 24279, 24811, 25329, 25832, 26319,
      26790, 27245, 27683, 28105, 28510, 28898, 29268, 29621, 29956, 30273, 30571, 30852, 31113,
      31356, 31580, 31785, 31971, 32137, 32285, 32412, 32521, 32609, 32678, 32728, 32757, 32767};
  const uint32_t quadrant = phase >> 30;
  uint32_t pos = (phase >> 8) & 0x3FFFFFu;  // 6 bits of table index + 16 bits of fraction
  if (quadrant & 1u) pos = 0x400000u - pos;
  const uint32_t index = pos >> 16;
  const int32_t frac = static_cast<int32_t>(pos & 0xFFFFu);
  int32_t v = kQuarter[index];
  if (index < 64) v += ((kQuarter[index + 1] - v) * frac + 32768) >> 16;
  return (quadrant & 2u) ? -v : v;
}

// Phase advance per sample of a sine at `milliHz`, in 2^-32 turns.
inline uint32_t phaseStep(int32_t milliHz) {
  return static_cast<uint32_t>((static_cast<uint64_t>(milliHz) << 32) /
                               (1000u * static_cast<uint32_t>(kSampleRateHz)));
}

inline int32_t milliGToRaw(int32_t milliG) {
  return milliG * kRawPerG / 1000;
}

// amplitude (raw) * sineQ15 / 32768, rounded.
inline int32_t scaleQ15(int32_t amplitude, int32_t q15) {
  return (amplitude * q15 + 16384) >> 15;
}

// Fills `window` (kWindowSamples values, layout above) with one gesture. The same (gesture,
// seed) always gives the same samples. Draw order (part of the definition): noise sigma, the
// three axis biases, then the gesture's own parameters, then the noise, sample by sample
// (t = 0..63, axis x, y, z; four uniform draws each).
inline void fillWindow(Gesture g, uint32_t seed, int16_t* window) {
  using namespace signal;
  Xorshift32 rng{windowState(g, seed)};
  int32_t acc[kWindowSamples] = {};

  const int32_t sigma = milliGToRaw(rng.uniform(kNoiseSigmaMinMilliG, kNoiseSigmaMaxMilliG));
  int32_t bias[kAxes];
  for (int32_t a = 0; a < kAxes; ++a)
    bias[a] = milliGToRaw(rng.uniform(-kBiasMaxMilliG, kBiasMaxMilliG));

  switch (g) {
    case Gesture::kWave: {
      const int32_t amp = milliGToRaw(rng.uniform(kWaveMinMilliG, kWaveMaxMilliG));
      const uint32_t step = phaseStep(rng.uniform(kWaveMinMilliHz, kWaveMaxMilliHz));
      uint32_t phase = rng.next();
      for (int32_t t = 0; t < kWindowLength; ++t, phase += step) {
        acc[t * kAxes + 0] += scaleQ15(amp, sineQ15(phase));
      }
      break;
    }
    case Gesture::kTap: {
      const int32_t count = rng.uniform(1, 2);
      int32_t start = rng.uniform(kTapFirstMin, kTapFirstMax);
      for (int32_t k = 0; k < count; ++k) {
        const int32_t peak = milliGToRaw(rng.uniform(kTapMinMilliG, kTapMaxMilliG));
        for (int32_t r = 0; r < 3; ++r) {
          const int32_t t = start + r;
          if (t < kWindowLength) acc[t * kAxes + 2] += peak * kTapRingPermille[r] / 1000;
        }
        acc[start * kAxes + 0] += peak * kTapLeakPermille / 1000;
        start += rng.uniform(kTapGapMin, kTapGapMax);
      }
      break;
    }
    case Gesture::kCircle: {
      const int32_t amp = milliGToRaw(rng.uniform(kCircleMinMilliG, kCircleMaxMilliG));
      const uint32_t step = phaseStep(rng.uniform(kCircleMinMilliHz, kCircleMaxMilliHz));
      const int32_t direction = (rng.next() & 1u) ? 1 : -1;
      uint32_t phase = rng.next();
      for (int32_t t = 0; t < kWindowLength; ++t, phase += step) {
        acc[t * kAxes + 0] += scaleQ15(amp, sineQ15(phase));
        acc[t * kAxes + 1] += direction * scaleQ15(amp, sineQ15(phase + 0x40000000u));
      }
      break;
    }
    case Gesture::kIdle:
    default: {
      const int32_t amp = milliGToRaw(rng.uniform(0, kIdleSwayMaxMilliG));
      const uint32_t step = phaseStep(rng.uniform(kIdleSwayMinMilliHz, kIdleSwayMaxMilliHz));
      const int32_t axis = rng.uniform(0, kAxes - 1);
      uint32_t phase = rng.next();
      for (int32_t t = 0; t < kWindowLength; ++t, phase += step) {
        acc[t * kAxes + axis] += scaleQ15(amp, sineQ15(phase));
      }
      break;
    }
  }

  // Noise: the sum of four uniform draws in [-h, h] has standard deviation 2h/sqrt(3), so
  // h = sigma * sqrt(3)/2 ~= sigma * 866/1000.
  const int32_t half = sigma * 866 / 1000;
  for (int32_t i = 0; i < kWindowSamples; ++i) {
    int32_t noise = 0;
    for (int32_t k = 0; k < 4; ++k) noise += rng.uniform(-half, half);
    int32_t v = acc[i] + bias[i % kAxes] + noise;
    if (v > 32767) v = 32767;
    if (v < -32768) v = -32768;
    window[i] = static_cast<int16_t>(v);
  }
}

// The endless gesture stream the simulated devices play as their "imu" sensor: window w (samples
// 64w..64w+63) is gesture w % 4 (idle, wave, tap, circle) drawn with seed w. Keeps the current
// window (384 bytes), so reading samples in order fills each window once.
class GestureStream {
 public:
  // Axis `axis` (0..kAxes-1) of sample `k`.
  int16_t sample(uint64_t k, int32_t axis) {
    const uint64_t w = k / static_cast<uint64_t>(kWindowLength);
    if (w != m_window) {
      fillWindow(static_cast<Gesture>(w % kGestureCount), static_cast<uint32_t>(w), m_samples);
      m_window = w;
    }
    return m_samples[static_cast<int32_t>(k % static_cast<uint64_t>(kWindowLength)) * kAxes + axis];
  }

 private:
  uint64_t m_window = ~0ull;
  int16_t m_samples[kWindowSamples] = {};
};

// Raw int16 sample -> model input int8: round half away from zero of raw / 128, saturated.
inline int8_t quantizeSample(int16_t raw) {
  const int32_t r = raw;
  int32_t q = r >= 0 ? (r + kRawPerInputStep / 2) / kRawPerInputStep
                     : -((-r + kRawPerInputStep / 2) / kRawPerInputStep);
  if (q > 127) q = 127;
  if (q < -128) q = -128;
  return static_cast<int8_t>(q);
}

inline void quantizeWindow(const int16_t* raw, int8_t* input) {
  for (int32_t i = 0; i < kWindowSamples; ++i) input[i] = quantizeSample(raw[i]);
}

}  // namespace tinyscope::demo
