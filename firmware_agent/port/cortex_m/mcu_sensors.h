// Synthetic sensors of the Cortex-M4 agent, behind the core's SensorSource: the sensors a
// board without real ones can honestly offer, timed like a real ADC.
//
//   sensor 0 "imu"   3 x int16 at 50 Hz (max 5 kHz), 1/4096 g per count: the demo model's
//                    gesture signal (firmware_agent/core/gesture_signal.h, the generator the host
//                    agent and tools/make_demo_model use), window w of 64 samples = gesture w % 4
//   sensor 1 "sine"  1 x int16 at 100 Hz (max 20 kHz): 12000 * sin(2 pi * 1 Hz * t)
//   sensor 2 "audio" 1 x int16 at the clip's rate (boards built with TINYSCOPE_AUDIO_CLIP_ADDR,
//                    and only when a host preloaded a clip there: slot_layout.h): the clip
//                    once from StartStream, then silence, like a microphone hearing one word
//
// Timing: hal::startSampling() runs one timer at the highest rate among the open lanes; its
// hook (interrupt context) releases each lane's samples with a Bresenham step, so a lane
// at a lower rate gets exactly its own rate. Main turns released samples into values in
// read(); sample k of a lane carries the timestamp open time + k / rate. A board without
// a sample timer (hal::startSampling() says kUnsupported) falls back to counting due
// samples from hal::micros() in read(). Indices, timestamps and the one-second FIFO are the
// core's SampleTimeline: a lane left unread for more than a second skips ahead
// (lostSamples() counts it), like a hardware FIFO overflowing.
//
// Ownership: one static instance per image. Threading: every method is main-only; the
// timer hook touches only each lane's `released`/`phase` fields. Memory: ~500 B.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "firmware_agent/core/gesture_signal.h"
#include "firmware_agent/core/sample_timeline.h"
#include "firmware_agent/core/sensor_source.h"

namespace tinyscope::agent::cortex_m {

class McuSensors final : public SensorSource {
 public:
  static constexpr uint8_t kImu = 0;
  static constexpr uint8_t kSine = 1;
  static constexpr uint8_t kAudio = 2;

  // Out of line on purpose: the static instance is built at boot into .bss instead of being
  // copied from a ~0.6 KB .data image (mostly zeros) that would cost as much flash.
  McuSensors();

  uint8_t count() const override { return audioClip(nullptr, nullptr) != nullptr ? 3 : 2; }
  bool describe(uint8_t index, proto::SensorInfo& out) const override;
  bool open(uint8_t lane, uint8_t sensorId, uint32_t rateMilliHz) override;
  bool setRate(uint8_t lane, uint32_t rateMilliHz) override;
  void close(uint8_t lane) override;
  size_t read(uint8_t lane, uint8_t* out, size_t maxSamples, uint64_t* firstTimestampUs) override;
  float unitsPerCount(uint8_t sensorId) const override;
  uint32_t lostSamples(uint8_t lane) const override;

  // Value of channel `ch` of sample `k` of sensor `sensorId` at `rateMilliHz`.
  int16_t sample(uint8_t sensorId, uint64_t k, uint8_t ch, uint32_t rateMilliHz);

 private:
  struct Lane {
    bool open = false;
    uint8_t sensor = 0;
    SampleTimeline timeline;
    // Written by the timer hook while the timer runs.
    volatile uint32_t released = 0;  // low 32 bits of the number of samples released so far
    uint32_t rateMilliHz = 0;        // the hook's copy of the timeline's rate
    uint32_t phase = 0;              // Bresenham accumulator, in mHz
  };

  // The preloaded clip's samples (count, rate in Hz), or nullptr when there is none.
  static const int16_t* audioClip(uint32_t* count, uint32_t* rateHz);
  uint32_t maxMilliHz(uint8_t sensorId) const;
  static void onTimer(void* self);
  void restartTimer();
  uint64_t dueCount(const Lane& lane) const;

  Lane m_lanes[kMaxStreamSlots];
  uint32_t m_timerMilliHz = 0;  // 0: no timer running
  bool m_timerUnsupported = false;
  demo::GestureStream m_gestures;  // the imu's signal (caches one window)
};

}  // namespace tinyscope::agent::cortex_m
