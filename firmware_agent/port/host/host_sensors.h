// Sensors of the host agent, behind the core's SensorSource: synthetic generators (sine,
// a 3-axis IMU at 50 Hz streaming the demo model's gestures with noise, audio tone + noise) and
// file playback (16-bit PCM WAV, CSV), looped. Samples are due in real time on the hal::micros()
// clock, on the core's SampleTimeline: sample k of a lane is due at open time + k / rate and
// carries that timestamp; a lane the agent leaves unread for more than a second skips ahead
// (lostSamples() counts it), like a hardware FIFO overflowing.
//
// Ownership: owns its sample data (heap: hosted port). Threading: main only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "firmware_agent/core/gesture_signal.h"
#include "firmware_agent/core/sample_timeline.h"
#include "firmware_agent/core/sensor_source.h"

namespace tinyscope::agent::host {

enum class SensorKind { kSine, kImu, kAudio, kSamples };

struct SensorSpec {
  SensorKind kind = SensorKind::kSine;
  std::string name;  // defaults to the kind's name
  std::string units;
  uint8_t channels = 0;          // 0 = the kind's default (sine 1, imu 3, audio 1)
  uint32_t rateMilliHz = 0;      // 0 = the kind's default (sine 100 Hz, imu 50 Hz, audio 16 kHz)
  float unitsPerCount = 0.0f;    // physical value of one count (imu: 1/4096 g); 0 = unknown
  std::vector<int16_t> samples;  // Samples kind: interleaved, looped; Audio: heard once (mono)
  bool heard = false;            // Audio: `samples` replace the tone, then silence
};

// Resolves the defaults of `spec` (channels, rate, name, units).
SensorSpec withDefaults(SensorSpec spec);

class HostSensors : public SensorSource {
 public:
  static constexpr uint32_t kMaxRateMilliHz = 200000u * 1000u;  // 200 kHz

  // Sensor i gets sensorId i. Specs must already have defaults (withDefaults()).
  explicit HostSensors(std::vector<SensorSpec> specs);

  uint8_t count() const override;
  bool describe(uint8_t index, proto::SensorInfo& out) const override;
  bool open(uint8_t lane, uint8_t sensorId, uint32_t rateMilliHz) override;
  bool setRate(uint8_t lane, uint32_t rateMilliHz) override;
  void close(uint8_t lane) override;
  size_t read(uint8_t lane, uint8_t* out, size_t maxSamples, uint64_t* firstTimestampUs) override;
  float unitsPerCount(uint8_t sensorId) const override;
  uint32_t lostSamples(uint8_t lane) const override;

  // Value of channel `ch` of sample `k` of sensor `index` (exposed for tests).
  int16_t sample(size_t index, uint64_t k, uint8_t ch) const;

 private:
  struct Lane {
    bool open = false;
    uint8_t sensor = 0;
    SampleTimeline timeline;
  };

  std::vector<SensorSpec> m_specs;
  mutable demo::GestureStream m_gestures;  // the imu kind's signal (caches one window)
  Lane m_lanes[kMaxStreamSlots];
};

}  // namespace tinyscope::agent::host
