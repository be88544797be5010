#pragma once
// Recorder: one device stream written into a dataset as it arrives. Every window lands in order
// with its device timestamp; windows that never arrived (sequence gaps) and samples the device
// lost before windowing (StreamStats::lostSamples) become Gaps of the sample — frames are never
// invented to bridge them. A late (reordered) window is dropped: its place was already recorded
// as a gap. A stream restart (device reboot) ends the sample; the next window starts a new one
// with its own device time. Samples are cut at `sampleSeconds` of device time; each is written
// through a SampleWriter, so a kill loses at most the open chunk. With `inferEvery` > 0 the
// device runs its active model on its newest window every N windows and the outputs are stored
// with the sample (at the frame where the result arrived).
//
// Ownership: borrows the session and the store; both must outlive the recorder. Thread: the
// session's (and the store's). Memory: one chunk of frames (SampleWriter) plus one window.
// Errors: a failed write stops the recording; error() says why in one sentence (the store's).
#include <QObject>
#include <QString>
#include <memory>

#include "app/core/dataset/dataset_types.h"
#include "app/core/device/device_values.h"

namespace tinyscope {

class DeviceSession;
namespace dataset {
class DatasetStore;
class SampleWriter;
}  // namespace dataset

struct RecorderOptions {
  quint8 streamId = 0;
  // Everything about the samples but their frames: name (the prefix of each sample's name),
  // sensor, axes, units, rateHz (the declared rate), type, device, session, labels, metadata.
  dataset::SampleSpec spec;
  double sampleSeconds = 10;
  double chunkSeconds = 2;
  // Device-time frames (recorded + lost) after which the recording is done (0: no limit).
  qint64 totalFrames = 0;
  int inferEvery = 0;  // windows between inference requests; 0 none
  QString modelName;   // stored with each output
  // Tensors the device sends with each result: kAllOps makes the session log replayable (the
  // model input and every op's output travel with the result).
  proto::CaptureMode inferCapture = proto::CaptureMode::kNone;
  int inferTimeoutMs = 10000;
};

struct RecorderStats {
  quint64 windows = 0;      // windows recorded
  qint64 frames = 0;        // frames recorded
  qint64 lostFrames = 0;    // frames recorded as gaps
  quint64 gaps = 0;         // gap records
  quint64 lateWindows = 0;  // reordered windows dropped (already counted as gaps)
  quint64 restarts = 0;     // stream restarts (each ends a sample)
  qint64 samples = 0;       // samples started
  quint64 outputs = 0;      // model outputs stored
  quint64 inferenceFailures = 0;
  quint64 inferenceSkipped = 0;  // a request was due while the previous one still ran
  QString lastInferenceError;
};

class Recorder : public QObject {
  Q_OBJECT
 public:
  Recorder(DeviceSession* session, dataset::DatasetStore* store, RecorderOptions options,
           QObject* parent = nullptr);
  ~Recorder() override;

  // Commits the open sample; false with the store's error.
  bool finish(QString* error);
  bool isDone() const { return m_done; }
  const QString& error() const { return m_error; }
  const RecorderStats& stats() const { return m_stats; }
  QVector<qint64> sampleIds() const;  // every committed chunk, in order

 Q_SIGNALS:
  // The frame limit was reached or a write failed (error() is then set).
  void done();

 private:
  void onWindow(const SensorWindowData& w);
  bool startSample(quint64 firstDeviceUs);
  bool endSample();
  bool appendFrames(const SensorWindowData& w, int first, int count);
  void requestInference();
  void stop(const QString& error);

  DeviceSession* m_session;
  dataset::DatasetStore* m_store;
  RecorderOptions m_opt;
  qint64 m_sampleFrames;
  std::unique_ptr<dataset::SampleWriter> m_writer;
  qint64 m_framesInSample = 0;  // recorded + lost in the open sample
  QVector<qint64> m_committed;
  RecorderStats m_stats;
  QString m_error;
  bool m_done = false;
  bool m_havePrev = false;
  quint32 m_prevSequence = 0;
  int m_prevSamples = 0;
  quint64 m_prevLostSamples = 0;
  quint64 m_prevRestarts = 0;
  quint64 m_lastEndUs = 0;  // device time just after the newest recorded frame
  quint64 m_windowsSinceInference = 0;
  bool m_inferencePending = false;
};

// The dataset sample type that holds a device sample type without loss (8-bit as int16,
// unsigned 16-bit as int32).
dataset::SampleType storedSampleType(proto::ElementType type);

// A run's output tensors as scores: dequantized ((q - zero point) × scale) when the tensor
// is quantized, its raw values otherwise; all outputs concatenated.
QVector<float> outputScores(const InferenceRun& run);

}  // namespace tinyscope
