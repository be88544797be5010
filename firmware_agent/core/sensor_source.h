// What the agent needs from the port's sensors: a description of each, and the samples that
// are due, pulled from the super-loop.
//
// The agent owns streams (window assembly, sequence numbers, overrun accounting); the port
// owns sensors (how samples are made and timestamped: an ADC under a timer interrupt filling
// a ring, a synthetic generator, a file). A stream occupies one of kMaxStreamSlots lanes;
// the agent opens a lane with open(), pulls due samples with read(), and closes it.
//
// Threading: main only (the super-loop). A port whose samples come from an ISR keeps its
// own lock-free ring behind read(). Memory: implementations are static objects of the port;
// the agent keeps a pointer (AgentConfig::sensors), never copies or deletes one.
// Every method has a harmless default so a port without sensors can pass nullptr or a
// bare SensorSource.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/messages.h"

namespace tinyscope::agent {

// Lanes the agent can stream at once (StartStream on a busy lane table gets Nack Busy).
constexpr uint8_t kMaxStreamSlots = 4;

class SensorSource {
 public:
  // Number of sensors; sensor indices are 0..count()-1 (not sensor ids).
  virtual uint8_t count() const { return 0; }

  // Fills `out` for sensor index `index` (sensorId, name, axes, units, sampleType, default
  // and maximum rate). False for an index out of range.
  virtual bool describe(uint8_t index, proto::SensorInfo& out) const {
    (void)index;
    (void)out;
    return false;
  }

  // Starts delivering samples of sensor `sensorId` on lane `lane` (< kMaxStreamSlots) at
  // `rateMilliHz` (already checked against the sensor's maximum). The first sample is due
  // now. False when the sensor cannot run at that rate (Nack RateUnsupported).
  virtual bool open(uint8_t lane, uint8_t sensorId, uint32_t rateMilliHz) {
    (void)lane;
    (void)sensorId;
    (void)rateMilliHz;
    return false;
  }

  // Changes the rate of an open lane; later samples follow the changed rate. False when the
  // sensor cannot run at that rate.
  virtual bool setRate(uint8_t lane, uint32_t rateMilliHz) {
    (void)lane;
    (void)rateMilliHz;
    return false;
  }

  // Stops lane `lane`; samples not yet read are discarded.
  virtual void close(uint8_t lane) { (void)lane; }

  // Copies up to `maxSamples` due samples (each `axes` interleaved little-endian elements of
  // the sensor's sampleType) into `out` (room for maxSamples samples), oldest first, and
  // sets *firstTimestampUs to the device time (hal::micros() clock) of the first one.
  // Returns the number copied (0 when none is due yet). Samples the port itself could not
  // keep (its ring overflowed) are skipped: timestamps then jump, and lostSamples() grows.
  virtual size_t read(uint8_t lane, uint8_t* out, size_t maxSamples, uint64_t* firstTimestampUs) {
    (void)lane;
    (void)out;
    (void)maxSamples;
    (void)firstTimestampUs;
    return 0;
  }

  // Physical value of one count of sensor `sensorId`, in the sensor's units (e.g. 1/4096
  // for an accelerometer in g at 4096 LSB/g); 0 when unknown. With it, RunInference on the
  // latest window quantizes samples to the model input's scale and zero point; without it,
  // samples are copied only into an input of the same element type.
  virtual float unitsPerCount(uint8_t sensorId) const {
    (void)sensorId;
    return 0.0f;
  }

  // Samples lane `lane` lost inside the port since open() (monotonic).
  virtual uint32_t lostSamples(uint8_t lane) const {
    (void)lane;
    return 0;
  }

 protected:
  ~SensorSource() = default;
};

}  // namespace tinyscope::agent
