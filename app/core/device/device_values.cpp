#include "app/core/device/device_values.h"

#include <algorithm>
#include <cstring>

#include "app/core/device/device_text.h"

namespace tinyscope {

using namespace tinyscope::proto;

double elementValue(ElementType type, const char* p) {
  switch (type) {
    case ElementType::kInt8:
      return static_cast<int8_t>(p[0]);
    case ElementType::kUInt8:
      return static_cast<uint8_t>(p[0]);
    case ElementType::kInt16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case ElementType::kUInt16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case ElementType::kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case ElementType::kFloat32: {
      float v;
      std::memcpy(&v, p, 4);
      return static_cast<double>(v);
    }
    case ElementType::kUInt32: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case ElementType::kUInt64: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return static_cast<double>(v);
    }
  }
  return 0;
}

double SensorWindowData::sample(int index, int channel) const {
  const size_t size = elementSize(sampleType);
  const size_t offset =
      (static_cast<size_t>(index) * static_cast<size_t>(channels) + static_cast<size_t>(channel)) *
      size;
  if (size == 0 || offset + size > static_cast<size_t>(payload.size())) return 0;
  return elementValue(sampleType, payload.constData() + offset);
}

double StreamStats::measuredRateHz() const {
  if (windows < 2 || lastTimestampUs <= firstTimestampUs) return 0;
  // Samples from the first window's first sample to the last window's first sample,
  // counting windows that were lost (their sequence numbers are known), so loss does not
  // read as a slower clock.
  const double perWindow = static_cast<double>(lastWindowSamples);
  const double spanSamples = static_cast<double>(lastSequence - firstSequence) * perWindow;
  return spanSamples / (static_cast<double>(lastTimestampUs - firstTimestampUs) * 1e-6);
}

quint16 defaultWindowSamples(const SensorInfo& sensor, double rateHz) {
  const size_t sampleBytes = size_t{sensor.axes} * elementSize(sensor.sampleType);
  const size_t maxWindow = sampleBytes ? std::max<size_t>(1, kMaxChunk / sampleBytes) : 1;
  const double hz = rateHz > 0 ? rateHz : sensor.rateMilliHz / 1000.0;
  return static_cast<quint16>(
      std::clamp<size_t>(static_cast<size_t>(hz / 25.0 + 0.5), 1, maxWindow));
}

bool CapturedTensor::cover(quint32 offset, quint32 size) {
  if (size == 0) return true;
  const quint32 end = offset + size;
  int i = 0;
  while (i < covered.size() && covered[i].second < offset) ++i;
  // covered[i] is the first interval ending at or after `offset`.
  if (i < covered.size() && covered[i].first < end && covered[i].second > offset) return false;
  QPair<quint32, quint32> merged(offset, end);
  if (i < covered.size() && covered[i].second == offset) {
    merged.first = covered[i].first;
    covered.remove(i);
  }
  if (i < covered.size() && covered[i].first == end) {
    merged.second = covered[i].second;
    covered.remove(i);
  }
  covered.insert(i, merged);
  return true;
}

quint32 CapturedTensor::receivedBytes() const {
  quint32 n = 0;
  for (const auto& c : covered) n += c.second - c.first;
  return n;
}

quint32 CapturedTensor::firstMissing() const {
  if (covered.isEmpty() || covered.first().first != 0) return 0;
  return covered.first().second;
}

bool InferenceRun::complete() const {
  if (!resultReceived) return false;
  for (const CapturedTensor& t : captured)
    if (!t.complete()) return false;
  return true;
}

QString InferenceRun::addChunk(const TensorChunk& c, quint64 limit, const QString& limitName,
                               quint64 maxRunBytes, quint64* capturedBytes) {
  const auto key = qMakePair(c.opIndex, c.tensorIndex);
  const QString tensorName = QStringLiteral("op %1 output %2").arg(c.opIndex).arg(c.tensorIndex);
  auto it = captured.find(key);
  if (it == captured.end()) {
    if (c.totalBytes > limit)
      return QStringLiteral("the device sent %1 as %2 bytes, more than %3 (%4 bytes)")
          .arg(tensorName)
          .arg(c.totalBytes)
          .arg(limitName)
          .arg(limit);
    if (*capturedBytes + c.totalBytes > maxRunBytes)
      return QStringLiteral("the device's tensors exceed %1 bytes in one run at %2")
          .arg(maxRunBytes)
          .arg(tensorName);
    *capturedBytes += c.totalBytes;
    CapturedTensor t;
    t.desc = c.desc;
    t.opIndex = c.opIndex;
    t.tensorIndex = c.tensorIndex;
    t.data = QByteArray(static_cast<int>(c.totalBytes), '\0');
    it = captured.insert(key, t);
  }
  CapturedTensor& t = *it;
  const quint64 end = quint64{c.offset} + c.data.size();
  if (c.totalBytes != static_cast<quint32>(t.data.size()) || !(c.desc == t.desc))
    return QStringLiteral("%1 changed its size from %2 to %3 bytes at offset %4")
        .arg(tensorName)
        .arg(t.data.size())
        .arg(c.totalBytes)
        .arg(c.offset);
  if (end > c.totalBytes)
    return QStringLiteral("%1: a chunk at offset %2 ends at byte %3, past the tensor's %4 bytes")
        .arg(tensorName)
        .arg(c.offset)
        .arg(end)
        .arg(c.totalBytes);
  if (!t.cover(c.offset, static_cast<quint32>(c.data.size())))
    return QStringLiteral("%1: the chunk at offset %2 (%3 bytes) overlaps bytes already received")
        .arg(tensorName)
        .arg(c.offset)
        .arg(c.data.size());
  if (!c.data.empty()) std::memcpy(t.data.data() + c.offset, c.data.data(), c.data.size());
  return {};
}

void InferenceRun::setResult(const InferenceResult& r) {
  status = r.status;
  totalTicks = r.totalTicks;
  totalMicros = r.totalMicros;
  ops.clear();
  for (size_t i = 0; i < r.ops.size(); ++i) ops.append(r.ops[i]);
  outputs.clear();
  for (size_t i = 0; i < r.outputs.size(); ++i) {
    CapturedTensor t;
    t.desc = r.outputs[i].desc;
    t.data = QByteArray(reinterpret_cast<const char*>(r.outputs[i].data.data()),
                        static_cast<int>(r.outputs[i].data.size()));
    t.cover(0, static_cast<quint32>(t.data.size()));
    outputs.append(t);
  }
  resultReceived = true;
}

QString InferenceRun::incompleteTensor() const {
  for (const CapturedTensor& t : captured)
    if (!t.complete())
      return QStringLiteral(
                 "tensor capture incomplete: op %1 output %2 has %3 of %4 bytes; bytes "
                 "from offset %5 never arrived")
          .arg(t.opIndex)
          .arg(t.tensorIndex)
          .arg(t.receivedBytes())
          .arg(t.data.size())
          .arg(t.firstMissing());
  return {};
}

QString inferenceStatusText(InferenceStatus s) {
  switch (s) {
    case InferenceStatus::kOk:
      return QStringLiteral("ok");
    case InferenceStatus::kNoModel:
      return QStringLiteral("no model in the slot");
    case InferenceStatus::kModelInvalid:
      return QStringLiteral("the model in the slot is invalid");
    case InferenceStatus::kInputMissing:
      return QStringLiteral("no input was given");
    case InferenceStatus::kInputSizeMismatch:
      return QStringLiteral("the input size does not match the model");
    case InferenceStatus::kArenaTooSmall:
      return QStringLiteral("the device's arena is too small for the model");
    case InferenceStatus::kUnsupportedOp:
      return QStringLiteral("the model uses an operator the device lacks");
    case InferenceStatus::kKernelFailed:
      return QStringLiteral("a kernel failed");
    case InferenceStatus::kBusy:
      return QStringLiteral("the device is busy");
  }
  return QStringLiteral("unknown status");
}

QString DeviceInfo::deviceIdHex() const {
  QString s;
  for (size_t i = 0; i < hello.deviceId.size(); ++i)
    s += QStringLiteral("%1").arg(hello.deviceId.bytes()[i], 2, 16, QLatin1Char('0'));
  return s;
}

QStringList DeviceInfo::axisNames(int index) const {
  QStringList names;
  if (index < 0 || static_cast<size_t>(index) >= hello.sensors.size()) return names;
  const int axes = hello.sensors[static_cast<size_t>(index)].axes;
  for (int a = 0; a < axes; ++a) {
    if (axes == 1)
      names << sensorNames.value(index);
    else if (axes == 3)
      names << QString(QLatin1Char("xyz"[a]));
    else
      names << QStringLiteral("ch%1").arg(a);
  }
  return names;
}

QStringList DeviceInfo::axisUnits(int index) const {
  QStringList units;
  if (index < 0 || static_cast<size_t>(index) >= hello.sensors.size()) return units;
  const int axes = hello.sensors[static_cast<size_t>(index)].axes;
  const QStringList listed = sensorUnits.value(index).split(QLatin1Char(','));
  for (int a = 0; a < axes; ++a)
    units << (listed.size() == axes ? listed.at(a) : sensorUnits.value(index)).trimmed();
  return units;
}

DeviceInfo DeviceInfo::fromHello(const HelloReply& hello) {
  DeviceInfo d;
  d.hello = hello;
  d.boardName = sanitizeDeviceText(hello.boardName);
  d.firmwareVersion = sanitizeDeviceText(hello.firmwareVersion);
  for (size_t i = 0; i < hello.sensors.size(); ++i) {
    d.sensorNames.append(sanitizeDeviceText(hello.sensors[i].name));
    d.sensorUnits.append(sanitizeDeviceText(hello.sensors[i].units));
  }
  for (size_t i = 0; i < hello.slots.size(); ++i)
    d.slotModelNames.append(sanitizeDeviceText(hello.slots[i].modelName));
  return d;
}

}  // namespace tinyscope
