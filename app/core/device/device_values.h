#pragma once
// The values a device session produces, as plain copyable types: sensor windows, stream and
// message loss accounting, captured tensors, inference runs, the handshake. They hold no I/O
// object, so widgets, the CLI and queued signals use them without knowing DeviceSession.
// Thread: any (values). Memory: what they hold (a window's payload, a run's tensors).
#include <QByteArray>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

#include "app/core/device/sequence_tracker.h"
#include "device_protocol/messages.h"

namespace tinyscope {

// One little-endian element of `type` at p (elementSize(type) readable bytes) as a double.
double elementValue(proto::ElementType type, const char* p);

struct SensorWindowData {
  quint8 streamId = 0;
  quint32 sequence = 0;
  quint64 timestampUs = 0;
  proto::ElementType sampleType = proto::ElementType::kInt16;
  int channels = 1;
  int samples = 0;     // per channel
  QByteArray payload;  // interleaved, little-endian
  qint64 arrivalNs = 0;
  double sample(int index, int channel) const;  // as a double, any element type
};

struct StreamStats {
  quint64 windows = 0;           // distinct windows received
  quint64 samples = 0;           // per channel
  quint64 missingWindows = 0;    // sequence numbers skipped and never received
  quint64 duplicateWindows = 0;  // a window number seen twice (dropped)
  quint64 reorderedWindows = 0;  // arrived after a later window
  quint64 restarts = 0;          // the sequence started over (device reboot, stream restart)
  // Samples the device lost before windowing (its FIFO overflowed): consecutive windows
  // whose device timestamps are further apart than their samples span at the declared
  // rate (beyond kRateTolerance), minus windows already counted missing.
  quint64 lostSamples = 0;
  quint64 overrunsReported = 0;  // Error StreamOverrun messages from the device
  double declaredRateHz = 0;     // what StartStream asked for (or the sensor's default)
  quint64 firstTimestampUs = 0;  // since the last restart
  quint64 lastTimestampUs = 0;
  quint32 firstSequence = 0;
  quint32 lastSequence = 0;
  int lastWindowSamples = 0;
  // Rate from device timestamps (not arrival times): samples between the first and last
  // window over their time span; assumes a constant window length.
  double measuredRateHz() const;
  // Anything lost between the sensor and the host (windows, samples, device overruns).
  bool lossy() const { return missingWindows || lostSamples || overrunsReported; }
};

// Message-level accounting from the device's header sequence numbers and decoding.
struct MessageCounts {
  SequenceCounts sequence;     // received / missing (lost) / duplicates / reordered / restarts
  quint64 undecodable = 0;     // the header was fine, the body did not decode
  quint64 unexpected = 0;      // a reply nobody waited for, a host-to-device type, a stray chunk
  quint64 deviceRestarts = 0;  // the device answered a new handshake (rebooted)
};

// One captured tensor and which of its bytes arrived (an interval set, so a chunk sent twice
// never stands in for one never sent).
struct CapturedTensor {
  proto::TensorDesc desc;
  quint16 opIndex = 0;
  quint8 tensorIndex = 0;
  QByteArray data;
  QVector<QPair<quint32, quint32>> covered;  // sorted, disjoint [begin, end)
  // false when [offset, offset+size) overlaps bytes already received.
  bool cover(quint32 offset, quint32 size);
  quint32 receivedBytes() const;
  quint32 firstMissing() const;  // == data.size() when complete
  bool complete() const { return firstMissing() == static_cast<quint32>(data.size()); }
};

// What an InferenceResult status means, in a few words ("no input was given").
QString inferenceStatusText(proto::InferenceStatus status);

struct InferenceRun {
  quint16 requestId = 0;
  proto::InferenceStatus status = proto::InferenceStatus::kOk;
  quint32 totalTicks = 0;
  quint32 totalMicros = 0;
  QVector<proto::OpTiming> ops;
  QVector<CapturedTensor> outputs;                        // inline outputs
  QMap<QPair<quint16, quint8>, CapturedTensor> captured;  // (op index, output index)
  bool resultReceived = false;
  bool complete() const;
  // Adds one TensorChunk of this run. A tensor's first chunk is bounded by `limit` (named
  // `limitName` in the refusal) before anything is allocated, and all of the run's tensors by
  // maxRunBytes (*capturedBytes is the running total). Empty when taken, else why the chunk was
  // refused, in one sentence naming the op, output and offset.
  QString addChunk(const proto::TensorChunk& chunk, quint64 limit, const QString& limitName,
                   quint64 maxRunBytes, quint64* capturedBytes);
  // Takes the result's status, times, per-op timings and inline outputs (resultReceived).
  void setResult(const proto::InferenceResult& result);
  // Empty when every captured tensor is whole, else which one is not and what is missing.
  QString incompleteTensor() const;
};

// Samples per window for a stream of `sensor` at rateHz (0: its default rate): about 25
// windows a second, so slow sensors still update promptly, and never more than one
// message's payload (kMaxChunk) holds.
quint16 defaultWindowSamples(const proto::SensorInfo& sensor, double rateHz = 0);

// The handshake, as a value: copy it, never keep a reference across a re-handshake. The
// strings are the device's bytes made safe to print (sanitizeDeviceText).
struct DeviceInfo {
  proto::HelloReply hello;  // raw, as decoded
  QString boardName;
  QString firmwareVersion;
  QStringList sensorNames, sensorUnits;  // per hello.sensors entry
  QStringList slotModelNames;            // per hello.slots entry
  QString deviceIdHex() const;
  // One name / unit per axis of sensor `index` (an index into hello.sensors): a one-axis
  // sensor's axis is the sensor's name, three axes are x, y, z, others ch0, ch1...; units are
  // the sensor's units, split at commas when the device lists one per axis.
  QStringList axisNames(int index) const;
  QStringList axisUnits(int index) const;
  static DeviceInfo fromHello(const proto::HelloReply& hello);
};

}  // namespace tinyscope
