// Sensor streams: StartStream/StopStream/SetRate on top of the port's SensorSource. Each
// stream occupies a lane; the super-loop pulls due samples, assembles windows of
// windowSamples samples, stamps them with the device time of their first sample and a
// per-stream sequence number, and sends them as SensorWindow messages.
//
// Overruns: when a window is complete but the transmit path is still busy (the link or
// the host cannot keep up), the window is not queued and not silently lost: its sequence
// number is consumed (the host sees the gap) and it is counted, then reported by the agent
// as Error StreamOverrun. Samples the port's sensor FIFO dropped (the agent did not read a
// lane for over a second: SensorSource::lostSamples()) are counted per stream and reported the
// same way. Each lane also keeps its newest complete windows (sent or not) in
// a slice of the history buffer, for RunInference on the latest window.
//
// Ownership: the source and the history buffer belong to the port and outlive this object.
// Threading: main only. Memory: one kMaxChunk window buffer per lane, inline (~2 KiB).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "device_protocol/messages.h"
#include "firmware_agent/core/frame_writer.h"
#include "firmware_agent/core/model_slots.h"
#include "firmware_agent/core/sensor_source.h"
#include "firmware_agent/core/text_builder.h"

namespace tinyscope::agent {

struct StreamCounters {
  uint32_t windowsSent = 0;
  uint32_t windowsLost = 0;  // overruns: windows dropped because TX was busy
  uint32_t samplesLost = 0;  // samples the sensors' FIFOs dropped before the agent read them
};

class SensorStreams {
 public:
  // `source` may be null (no sensors); `history` may be empty (no LatestWindow runs).
  void begin(SensorSource* source, proto::ByteSpan history);

  SensorSource* source() const { return m_source; }
  // Finds the sensor with id `sensorId`; false when there is none.
  bool findSensor(uint8_t sensorId, proto::SensorInfo* out) const;

  // Ack value: the rate in use (mHz). Nack NoSuchSensor, RateUnsupported (value: maximum
  // mHz), WindowTooLarge (value: most samples per window), Busy (no free lane).
  SlotReply start(const proto::StartStream& m);
  // Ack value: windows produced (the next sequence number). Nack NoSuchStream.
  SlotReply stop(uint8_t streamId);
  // Ack value: the rate now in force. Nack NoSuchStream, RateUnsupported.
  SlotReply setRate(const proto::SetRate& m);
  void stopAll();

  // Pulls due samples of every lane and sends (or counts as lost) up to `maxWindows` complete
  // windows through `writer`. True when it did anything.
  bool service(FrameWriter& writer, size_t maxWindows);

  // Writes one pending loss report of one stream into `text` (for an Error StreamOverrun) and
  // marks it reported; false when nothing is pending. Windows lost to a busy link read
  // "stream S: N windows lost, link too slow (T in total)"; samples the sensor FIFO dropped read
  // "stream S: N samples dropped, sensor FIFO overflowed (T in total)" (T: since StartStream).
  bool takeLossReport(TextBuilder<proto::kMaxTextLen>& text);

  // The samples of the newest complete windows of stream `streamId` (as many as the lane's
  // history slice holds): older + newer in time order, ending with the latest window. Also
  // the sample type and the sensor's unitsPerCount(). False when the stream is not running.
  bool latest(uint8_t streamId, proto::ElementType* type, float* unitsPerCount,
              proto::ConstByteSpan* older, proto::ConstByteSpan* newer) const;

  const StreamCounters& counters() const { return m_counters; }

 private:
  struct Lane {
    bool active = false;
    uint8_t streamId = 0;
    uint8_t sensorId = 0;
    uint8_t axes = 1;
    proto::ElementType type = proto::ElementType::kInt16;
    uint16_t windowSamples = 1;
    uint16_t filled = 0;  // samples in `window`
    size_t frameBytes = 2;
    uint32_t rateMilliHz = 0;
    uint32_t sequence = 0;
    uint64_t firstTimestampUs = 0;
    uint32_t lostTotal = 0;  // windows
    uint32_t lostUnreported = 0;
    uint32_t sourceLostSeen = 0;  // SensorSource::lostSamples() when last looked at
    uint32_t samplesLostTotal = 0;
    uint32_t samplesLostUnreported = 0;
    uint8_t window[proto::kMaxChunk];
    // History ring: the lane's slice of the history buffer, a whole number of samples.
    uint8_t* history = nullptr;
    size_t historyCapacity = 0;
    size_t historyHead = 0;  // next write position
    size_t historyFill = 0;
  };

  Lane* findLane(uint8_t streamId);
  const Lane* findLane(uint8_t streamId) const;
  void remember(Lane& lane, const uint8_t* bytes, size_t size);
  void countSourceLoss(Lane& lane, uint8_t laneIndex);

  SensorSource* m_source = nullptr;
  proto::ByteSpan m_history;
  Lane m_lanes[kMaxStreamSlots];
  StreamCounters m_counters;
};

}  // namespace tinyscope::agent
