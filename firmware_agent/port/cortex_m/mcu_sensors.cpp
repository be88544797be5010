#include "mcu_sensors.h"

#include "board.h"
#include "hal.h"
#include "slot_layout.h"

namespace tinyscope::agent::cortex_m {

namespace {
constexpr uint32_t kImuMaxMilliHz = 5000u * 1000u;
constexpr uint32_t kSineMaxMilliHz = 20000u * 1000u;
constexpr int32_t kSineAmplitude = 12000;

// Lengths from the literals' types: a counting loop here would become a call to newlib's
// strlen (0.2 KB of flash for three short names).
template <size_t kNameSize, size_t kUnitsSize>
void setName(proto::SensorInfo& out, const char (&name)[kNameSize],
             const char (&units)[kUnitsSize]) {
  out.name.assign(name, kNameSize - 1);
  out.units.assign(units, kUnitsSize - 1);
}
}  // namespace

const int16_t* McuSensors::audioClip(uint32_t* count, uint32_t* rateHz) {
#ifdef TINYSCOPE_AUDIO_CLIP_ADDR
  const volatile uint32_t* header =
      reinterpret_cast<const volatile uint32_t*>(uintptr_t{TINYSCOPE_AUDIO_CLIP_ADDR});
  const uint32_t maxSamples = (TINYSCOPE_AUDIO_CLIP_BYTES - kAudioClipHeaderBytes) / 2;
  if (header[0] != kAudioClipMagic || header[1] == 0 || header[1] > 48000 || header[2] == 0 ||
      header[2] > maxSamples)
    return nullptr;
  if (count != nullptr) *count = header[2];
  if (rateHz != nullptr) *rateHz = header[1];
  return reinterpret_cast<const int16_t*>(uintptr_t{TINYSCOPE_AUDIO_CLIP_ADDR} +
                                          kAudioClipHeaderBytes);
#else
  (void)count;
  (void)rateHz;
  return nullptr;
#endif
}

McuSensors::McuSensors() = default;

uint32_t McuSensors::maxMilliHz(uint8_t sensorId) const {
  if (sensorId == kImu) return kImuMaxMilliHz;
  uint32_t rateHz = 0;
  if (sensorId == kAudio && audioClip(nullptr, &rateHz) != nullptr) return rateHz * 1000u;
  return kSineMaxMilliHz;
}

bool McuSensors::describe(uint8_t index, proto::SensorInfo& out) const {
  if (index >= count()) return false;
  out.sensorId = index;
  out.sampleType = proto::ElementType::kInt16;
  if (index == kImu) {
    setName(out, "imu", "g/4096");
    out.axes = demo::kAxes;
    out.rateMilliHz = uint32_t(demo::kSampleRateHz) * 1000u;
    out.maxRateMilliHz = kImuMaxMilliHz;
  } else if (index == kAudio) {
    setName(out, "audio", "");
    out.axes = 1;
    out.rateMilliHz = maxMilliHz(kAudio);
    out.maxRateMilliHz = out.rateMilliHz;
  } else {
    setName(out, "sine", "");
    out.axes = 1;
    out.rateMilliHz = 100000u;
    out.maxRateMilliHz = kSineMaxMilliHz;
  }
  return true;
}

float McuSensors::unitsPerCount(uint8_t sensorId) const {
  return sensorId == kImu ? 1.0f / float(demo::kRawPerG) : 0.0f;
}

uint32_t McuSensors::lostSamples(uint8_t lane) const {
  return lane < kMaxStreamSlots ? m_lanes[lane].timeline.lost() : 0;
}

bool McuSensors::open(uint8_t lane, uint8_t sensorId, uint32_t rateMilliHz) {
  if (lane >= kMaxStreamSlots || sensorId >= count() || rateMilliHz == 0) return false;
  if (rateMilliHz > maxMilliHz(sensorId)) return false;
  hal::stopSampling();  // the hook must not see a half-initialised lane
  Lane& l = m_lanes[lane];
  l.open = true;
  l.sensor = sensorId;
  l.timeline.open(rateMilliHz, hal::micros());
  l.rateMilliHz = rateMilliHz;
  l.released = 1;  // the first sample is due now
  l.phase = 0;
  restartTimer();
  return true;
}

bool McuSensors::setRate(uint8_t lane, uint32_t rateMilliHz) {
  if (lane >= kMaxStreamSlots || !m_lanes[lane].open || rateMilliHz == 0) return false;
  if (rateMilliHz > maxMilliHz(m_lanes[lane].sensor)) return false;
  hal::stopSampling();
  Lane& l = m_lanes[lane];
  l.timeline.setRate(rateMilliHz, hal::micros());
  l.rateMilliHz = rateMilliHz;
  l.released = uint32_t(l.timeline.next()) + 1;
  l.phase = 0;
  restartTimer();
  return true;
}

void McuSensors::close(uint8_t lane) {
  if (lane >= kMaxStreamSlots || !m_lanes[lane].open) return;
  hal::stopSampling();
  m_lanes[lane].open = false;
  restartTimer();
}

void McuSensors::restartTimer() {
  hal::stopSampling();
  m_timerMilliHz = 0;
  uint32_t fastest = 0;
  for (const Lane& l : m_lanes)
    if (l.open && l.rateMilliHz > fastest) fastest = l.rateMilliHz;
  if (fastest == 0 || m_timerUnsupported) return;
  const uint32_t hz = (fastest + 999u) / 1000u;
  const hal::Status s = hal::startSampling(hz, &McuSensors::onTimer, this);
  if (s == hal::Status::kOk) {
    m_timerMilliHz = hz * 1000u;
    return;
  }
  // No timer on this board (or not at this rate): count due samples from the clock, and
  // stop trying once the port says it has none.
  if (s == hal::Status::kUnsupported) m_timerUnsupported = true;
  for (Lane& l : m_lanes)
    if (l.open) l.timeline.rebase(hal::micros());
}

// Interrupt context: release each open lane's samples at its own rate.
void McuSensors::onTimer(void* self) {
  McuSensors& s = *static_cast<McuSensors*>(self);
  const uint32_t timer = s.m_timerMilliHz;
  for (Lane& l : s.m_lanes) {
    if (!l.open) continue;
    l.phase += l.rateMilliHz;
    if (l.phase >= timer) {
      l.phase -= timer;
      l.released = l.released + 1;
    }
  }
  cortex_m::noteWake();
}

uint64_t McuSensors::dueCount(const Lane& l) const {
  if (m_timerMilliHz == 0) return l.timeline.dueFromClock(hal::micros());
  const uint64_t next = l.timeline.next();
  return next + uint32_t(l.released - uint32_t(next));
}

size_t McuSensors::read(uint8_t lane, uint8_t* out, size_t maxSamples, uint64_t* firstTimestampUs) {
  if (lane >= kMaxStreamSlots || !m_lanes[lane].open) return 0;
  Lane& l = m_lanes[lane];
  uint64_t first = 0;
  const size_t n = l.timeline.take(dueCount(l), maxSamples, &first, firstTimestampUs);
  const uint8_t channels = l.sensor == kImu ? uint8_t(demo::kAxes) : 1;
  const uint32_t rate = l.timeline.rateMilliHz();
  size_t o = 0;
  for (size_t i = 0; i < n; ++i) {
    for (uint8_t ch = 0; ch < channels; ++ch) {
      const uint16_t v = uint16_t(sample(l.sensor, first + i, ch, rate));
      out[o++] = uint8_t(v);
      out[o++] = uint8_t(v >> 8);
    }
  }
  return n;
}

int16_t McuSensors::sample(uint8_t sensorId, uint64_t k, uint8_t ch, uint32_t rateMilliHz) {
  if (sensorId == kImu) {
    return m_gestures.sample(k, ch);
  }
  if (sensorId == kAudio) {
    uint32_t count = 0;
    const int16_t* clip = audioClip(&count, nullptr);
    return clip != nullptr && k < count ? clip[k] : int16_t{0};
  }
  // 1 Hz: sample k is at (k / rate) turns; keep only the fraction so 64 bits never overflow.
  const uint64_t within = (k * 1000ull) % rateMilliHz;
  const uint32_t phase = uint32_t((within << 32) / rateMilliHz);
  return int16_t((kSineAmplitude * demo::sineQ15(phase) + 16384) >> 15);
}

}  // namespace tinyscope::agent::cortex_m
