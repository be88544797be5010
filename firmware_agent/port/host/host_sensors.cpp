#include "host_sensors.h"

#include <cmath>

#include "hal.h"

namespace tinyscope::agent::host {

namespace {
constexpr double kPi = 3.14159265358979323846;

// Deterministic noise: a hash of (sample index, channel), uniform in [-1, 1).
double noise(uint64_t k, uint32_t ch) {
  uint64_t x = k * 0x9E3779B97F4A7C15ull ^ (uint64_t(ch + 1) * 0xC2B2AE3D27D4EB4Full);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return double(x >> 11) / double(1ull << 53) * 2.0 - 1.0;
}

int16_t clamp16(double v) {
  const double r = std::round(v);
  return int16_t(r < -32768 ? -32768 : (r > 32767 ? 32767 : r));
}
}  // namespace

SensorSpec withDefaults(SensorSpec spec) {
  switch (spec.kind) {
    case SensorKind::kSine:
      if (spec.channels == 0) spec.channels = 1;
      if (spec.rateMilliHz == 0) spec.rateMilliHz = 100000;
      if (spec.name.empty()) spec.name = "sine";
      break;
    case SensorKind::kImu:
      if (spec.channels == 0) spec.channels = 3;
      if (spec.rateMilliHz == 0) spec.rateMilliHz = uint32_t(demo::kSampleRateHz) * 1000u;
      if (spec.name.empty()) spec.name = "imu";
      if (spec.units.empty()) spec.units = "g/4096";
      if (spec.unitsPerCount == 0.0f) spec.unitsPerCount = 1.0f / float(demo::kRawPerG);
      break;
    case SensorKind::kAudio:
      if (spec.channels == 0) spec.channels = 1;
      if (spec.rateMilliHz == 0) spec.rateMilliHz = 16000000;
      if (spec.name.empty()) spec.name = "audio";
      break;
    case SensorKind::kSamples:
      if (spec.channels == 0) spec.channels = 1;
      if (spec.rateMilliHz == 0) spec.rateMilliHz = 100000;
      if (spec.name.empty()) spec.name = "file";
      break;
  }
  if (spec.name.size() > proto::kMaxNameLen) spec.name.resize(proto::kMaxNameLen);
  if (spec.units.size() > proto::kMaxUnitsLen) spec.units.resize(proto::kMaxUnitsLen);
  return spec;
}

HostSensors::HostSensors(std::vector<SensorSpec> specs) : m_specs(std::move(specs)) {}

uint8_t HostSensors::count() const {
  return uint8_t(m_specs.size() < proto::kMaxSensors ? m_specs.size() : proto::kMaxSensors);
}

bool HostSensors::describe(uint8_t index, proto::SensorInfo& out) const {
  if (index >= count()) return false;
  const SensorSpec& s = m_specs[index];
  out.sensorId = index;
  out.name.assign(s.name.c_str(), s.name.size());
  out.axes = s.channels;
  out.units.assign(s.units.c_str(), s.units.size());
  out.sampleType = proto::ElementType::kInt16;
  out.rateMilliHz = s.rateMilliHz;
  out.maxRateMilliHz = kMaxRateMilliHz > s.rateMilliHz ? kMaxRateMilliHz : s.rateMilliHz;
  return true;
}

bool HostSensors::open(uint8_t lane, uint8_t sensorId, uint32_t rateMilliHz) {
  if (lane >= kMaxStreamSlots || sensorId >= count() || rateMilliHz == 0) return false;
  Lane& l = m_lanes[lane];
  l.open = true;
  l.sensor = sensorId;
  l.timeline.open(rateMilliHz, hal::micros());
  return true;
}

bool HostSensors::setRate(uint8_t lane, uint32_t rateMilliHz) {
  if (lane >= kMaxStreamSlots || !m_lanes[lane].open || rateMilliHz == 0) return false;
  m_lanes[lane].timeline.setRate(rateMilliHz, hal::micros());
  return true;
}

void HostSensors::close(uint8_t lane) {
  if (lane < kMaxStreamSlots) m_lanes[lane].open = false;
}

float HostSensors::unitsPerCount(uint8_t sensorId) const {
  return sensorId < count() ? m_specs[sensorId].unitsPerCount : 0.0f;
}

uint32_t HostSensors::lostSamples(uint8_t lane) const {
  return lane < kMaxStreamSlots ? m_lanes[lane].timeline.lost() : 0;
}

size_t HostSensors::read(uint8_t lane, uint8_t* out, size_t maxSamples,
                         uint64_t* firstTimestampUs) {
  if (lane >= kMaxStreamSlots || !m_lanes[lane].open) return 0;
  Lane& l = m_lanes[lane];
  uint64_t first = 0;
  const size_t n =
      l.timeline.take(l.timeline.dueFromClock(hal::micros()), maxSamples, &first, firstTimestampUs);
  const SensorSpec& spec = m_specs[l.sensor];
  size_t o = 0;
  for (size_t i = 0; i < n; ++i) {
    for (uint8_t ch = 0; ch < spec.channels; ++ch) {
      const uint16_t v = uint16_t(sample(l.sensor, first + i, ch));
      out[o++] = uint8_t(v);
      out[o++] = uint8_t(v >> 8);
    }
  }
  return n;
}

int16_t HostSensors::sample(size_t index, uint64_t k, uint8_t ch) const {
  const SensorSpec& s = m_specs[index];
  const double rate =
      double(s.rateMilliHz) / 1000.0;  // the sensor's nominal rate sets the signal shape
  const double t = double(k) / rate;
  switch (s.kind) {
    case SensorKind::kSine: {
      // Channel c: (c+1) Hz, phase-shifted, so channels are easy to tell apart on a plot.
      const double f = 1.0 + ch;
      return clamp16(12000.0 * std::sin(2 * kPi * f * t + ch * kPi / 4));
    }
    case SensorKind::kImu: {
      // The demo model's gesture signal (firmware_agent/core/gesture_signal.h): window w of 64
      // samples is gesture w % 4 (idle, wave, tap, circle) drawn with seed w, in counts of 1/4096
      // g. Channels beyond the three axes carry a slow drift.
      if (ch >= demo::kAxes) return clamp16(200.0 * std::sin(2 * kPi * 0.5 * t + ch));
      return m_gestures.sample(k, ch);
    }
    case SensorKind::kAudio: {
      if (s.heard) return k < s.samples.size() ? s.samples[size_t(k)] : int16_t{0};
      // A 440 Hz tone (one octave up per extra channel) whose level breathes at 0.5 Hz, plus noise.
      const double f = 440.0 * double(1u << (ch < 4 ? ch : 4));
      const double level = 0.5 + 0.4 * std::sin(2 * kPi * 0.5 * t);
      return clamp16(8000.0 * level * std::sin(2 * kPi * f * t) + 600.0 * noise(k, ch));
    }
    case SensorKind::kSamples: {
      const size_t frames = s.samples.size() / s.channels;
      if (frames == 0) return 0;
      return s.samples[size_t(k % frames) * s.channels + ch];
    }
  }
  return 0;
}

}  // namespace tinyscope::agent::host
