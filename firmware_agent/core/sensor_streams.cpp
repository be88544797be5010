#include "firmware_agent/core/sensor_streams.h"

namespace tinyscope::agent {

using proto::NackCode;

void SensorStreams::begin(SensorSource* source, proto::ByteSpan history) {
  m_source = source;
  m_history = history;
  for (Lane& lane : m_lanes) lane.active = false;
}

bool SensorStreams::findSensor(uint8_t sensorId, proto::SensorInfo* out) const {
  if (m_source == nullptr) return false;
  const uint8_t n = m_source->count();
  for (uint8_t i = 0; i < n; ++i) {
    if (m_source->describe(i, *out) && out->sensorId == sensorId) return true;
  }
  return false;
}

SensorStreams::Lane* SensorStreams::findLane(uint8_t streamId) {
  for (Lane& lane : m_lanes) {
    if (lane.active && lane.streamId == streamId) return &lane;
  }
  return nullptr;
}

const SensorStreams::Lane* SensorStreams::findLane(uint8_t streamId) const {
  for (const Lane& lane : m_lanes) {
    if (lane.active && lane.streamId == streamId) return &lane;
  }
  return nullptr;
}

SlotReply SensorStreams::start(const proto::StartStream& m) {
  proto::SensorInfo info;
  if (!findSensor(m.sensorId, &info)) return SlotReply::nack(NackCode::kNoSuchSensor, m.sensorId);
  const uint32_t rate = m.rateMilliHz == 0 ? info.rateMilliHz : m.rateMilliHz;
  if (rate > info.maxRateMilliHz)
    return SlotReply::nack(NackCode::kRateUnsupported, info.maxRateMilliHz);
  const size_t frameBytes = size_t{info.axes} * proto::elementSize(info.sampleType);
  if (frameBytes == 0) return SlotReply::nack(NackCode::kInvalidArgument, m.sensorId);
  const size_t maxSamples = proto::kMaxChunk / frameBytes;
  if (m.windowSamples > maxSamples)
    return SlotReply::nack(NackCode::kWindowTooLarge, static_cast<uint32_t>(maxSamples));

  // A running stream with this id restarts on the same lane.
  Lane* lane = findLane(m.streamId);
  uint8_t laneIndex = 0;
  if (lane != nullptr) {
    laneIndex = static_cast<uint8_t>(lane - m_lanes);
    m_source->close(laneIndex);
  } else {
    for (uint8_t i = 0; i < kMaxStreamSlots; ++i) {
      if (!m_lanes[i].active) {
        lane = &m_lanes[i];
        laneIndex = i;
        break;
      }
    }
    if (lane == nullptr) return SlotReply::nack(NackCode::kBusy, kMaxStreamSlots);
  }
  lane->active = false;
  if (!m_source->open(laneIndex, m.sensorId, rate))
    return SlotReply::nack(NackCode::kRateUnsupported, info.maxRateMilliHz);
  lane->active = true;
  lane->streamId = m.streamId;
  lane->sensorId = m.sensorId;
  lane->axes = info.axes;
  lane->type = info.sampleType;
  lane->windowSamples = m.windowSamples;
  lane->filled = 0;
  lane->frameBytes = frameBytes;
  lane->rateMilliHz = rate;
  lane->sequence = 0;
  lane->firstTimestampUs = 0;
  lane->lostTotal = 0;
  lane->lostUnreported = 0;
  lane->sourceLostSeen = m_source->lostSamples(laneIndex);
  lane->samplesLostTotal = 0;
  lane->samplesLostUnreported = 0;
  const size_t slice = m_history.size() / kMaxStreamSlots;
  lane->history = slice != 0 ? m_history.data() + size_t{laneIndex} * slice : nullptr;
  lane->historyCapacity = slice - slice % frameBytes;
  lane->historyHead = 0;
  lane->historyFill = 0;
  return SlotReply::ack(rate);
}

SlotReply SensorStreams::stop(uint8_t streamId) {
  Lane* lane = findLane(streamId);
  if (lane == nullptr) return SlotReply::nack(NackCode::kNoSuchStream, streamId);
  countSourceLoss(*lane, static_cast<uint8_t>(lane - m_lanes));
  m_source->close(static_cast<uint8_t>(lane - m_lanes));
  lane->active = false;
  return SlotReply::ack(lane->sequence);
}

void SensorStreams::stopAll() {
  for (uint8_t i = 0; i < kMaxStreamSlots; ++i) {
    if (m_lanes[i].active) {
      countSourceLoss(m_lanes[i], i);
      m_source->close(i);
      m_lanes[i].active = false;
    }
  }
}

SlotReply SensorStreams::setRate(const proto::SetRate& m) {
  Lane* lane = findLane(m.streamId);
  if (lane == nullptr) return SlotReply::nack(NackCode::kNoSuchStream, m.streamId);
  proto::SensorInfo info;
  if (!findSensor(lane->sensorId, &info) || m.rateMilliHz > info.maxRateMilliHz ||
      !m_source->setRate(static_cast<uint8_t>(lane - m_lanes), m.rateMilliHz)) {
    return SlotReply::nack(NackCode::kRateUnsupported, info.maxRateMilliHz);
  }
  lane->rateMilliHz = m.rateMilliHz;
  return SlotReply::ack(m.rateMilliHz);
}

void SensorStreams::remember(Lane& lane, const uint8_t* bytes, size_t size) {
  if (lane.historyCapacity == 0) return;
  if (size > lane.historyCapacity) {
    bytes += size - lane.historyCapacity;
    size = lane.historyCapacity;
  }
  for (size_t i = 0; i < size; ++i) {
    lane.history[lane.historyHead] = bytes[i];
    lane.historyHead = lane.historyHead + 1 == lane.historyCapacity ? 0 : lane.historyHead + 1;
  }
  lane.historyFill = lane.historyFill + size > lane.historyCapacity ? lane.historyCapacity
                                                                    : lane.historyFill + size;
}

bool SensorStreams::service(FrameWriter& writer, size_t maxWindows) {
  bool worked = false;
  for (uint8_t i = 0; i < kMaxStreamSlots; ++i) {
    Lane& lane = m_lanes[i];
    size_t windows = 0;
    while (lane.active && windows < maxWindows) {
      uint64_t ts = 0;
      const size_t want = size_t{lane.windowSamples} - lane.filled;
      const size_t got =
          m_source->read(i, lane.window + size_t{lane.filled} * lane.frameBytes, want, &ts);
      if (got == 0) break;
      worked = true;
      if (lane.filled == 0) lane.firstTimestampUs = ts;
      lane.filled = static_cast<uint16_t>(lane.filled + (got < want ? got : want));
      if (lane.filled < lane.windowSamples) break;

      ++windows;
      lane.filled = 0;
      remember(lane, lane.window, size_t{lane.windowSamples} * lane.frameBytes);
      writer.flush();
      bool sent = false;
      if (writer.idle()) {
        proto::SensorWindow w;
        w.streamId = lane.streamId;
        w.sequence = lane.sequence;
        w.timestampUs = lane.firstTimestampUs;
        w.sampleType = lane.type;
        w.channels = lane.axes;
        w.sampleCount = lane.windowSamples;
        w.payload = proto::ConstByteSpan(lane.window, size_t{lane.windowSamples} * lane.frameBytes);
        sent = writer.send(w, 0) == proto::Status::kOk;
      }
      if (sent) {
        ++m_counters.windowsSent;
      } else {
        ++m_counters.windowsLost;
        ++lane.lostTotal;
        ++lane.lostUnreported;
      }
      ++lane.sequence;
    }
    if (lane.active) countSourceLoss(lane, i);
  }
  return worked;
}

void SensorStreams::countSourceLoss(Lane& lane, uint8_t laneIndex) {
  const uint32_t lost = m_source->lostSamples(laneIndex);
  const uint32_t fresh = lost - lane.sourceLostSeen;  // monotonic, so never "negative"
  if (fresh == 0) return;
  lane.sourceLostSeen = lost;
  lane.samplesLostTotal += fresh;
  lane.samplesLostUnreported += fresh;
  m_counters.samplesLost += fresh;
}

bool SensorStreams::takeLossReport(TextBuilder<proto::kMaxTextLen>& text) {
  for (Lane& lane : m_lanes) {  // also after StopStream: every loss gets reported
    if (lane.lostUnreported != 0) {
      text.add("stream ")
          .add(lane.streamId)
          .add(": ")
          .add(lane.lostUnreported)
          .add(" windows lost, link too slow (")
          .add(lane.lostTotal)
          .add(" in total)");
      lane.lostUnreported = 0;
      return true;
    }
    if (lane.samplesLostUnreported != 0) {
      text.add("stream ")
          .add(lane.streamId)
          .add(": ")
          .add(lane.samplesLostUnreported)
          .add(" samples dropped, sensor FIFO overflowed (")
          .add(lane.samplesLostTotal)
          .add(" in total)");
      lane.samplesLostUnreported = 0;
      return true;
    }
  }
  return false;
}

bool SensorStreams::latest(uint8_t streamId, proto::ElementType* type, float* unitsPerCount,
                           proto::ConstByteSpan* older, proto::ConstByteSpan* newer) const {
  const Lane* lane = findLane(streamId);
  if (lane == nullptr) return false;
  *type = lane->type;
  *unitsPerCount = m_source->unitsPerCount(lane->sensorId);
  if (lane->historyFill < lane->historyCapacity) {
    *older = proto::ConstByteSpan(lane->history, 0);
    *newer = proto::ConstByteSpan(lane->history, lane->historyFill);
  } else {
    *older = proto::ConstByteSpan(lane->history + lane->historyHead,
                                  lane->historyCapacity - lane->historyHead);
    *newer = proto::ConstByteSpan(lane->history, lane->historyHead);
  }
  return true;
}

}  // namespace tinyscope::agent
