#pragma once
// Writes a recording in progress into a dataset as chunk samples: frames are buffered in memory
// and every `chunkSeconds` of frames the buffer becomes one sample through
// DatasetStore::addSample (payload fsync'd and renamed, then indexed in one transaction). A crash
// or kill therefore loses at most the open chunk; every chunk before it is complete and indexed.
//
// Ownership: borrows the store, which must outlive the writer; one thread (the store's).
// Memory: one chunk of frames (chunkSeconds × rate × channels × bytes per value).
// Errors: append()/finish() return false with the store's one-sentence error; the chunk that
// failed stays buffered so the caller may retry or give up.
#include <QByteArray>
#include <QVector>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope::dataset {

class DatasetStore;

class SampleWriter {
 public:
  // `spec` describes the recording (its name, sensor, axes, units, rate, type, device, session,
  // labels, metadata); chunk k is stored as "<name>.<k>" with metadata recording=<uuid>, chunk=k.
  // spec.firstDeviceUs is the device time of the first appended frame (after a gap recorded
  // before it); each chunk's is derived from it, the rate and the frames stored and lost.
  SampleWriter(DatasetStore* store, SampleSpec spec, double chunkSeconds);

  // Appends interleaved frames (spec.type, spec.axes.size() channels).
  bool append(const QByteArray& frames, QString* error);
  // Records `lostFrames` frames the link lost before the next appended frame.
  void addGap(qint64 lostFrames, qint64 deviceUs);
  // Records a model output at the next appended frame.
  void addOutput(const ModelOutput& output);
  // Commits the open chunk (if it holds frames).
  bool finish(QString* error);

  const QVector<qint64>& sampleIds() const { return m_ids; }
  qint64 framesWritten() const { return m_committedFrames; }
  const QString& recordingId() const { return m_recording; }

 private:
  bool commitChunk(QString* error);

  DatasetStore* m_store;
  SampleSpec m_spec;
  qint64 m_chunkFrames;
  int m_frameBytes;
  QString m_recording;
  QByteArray m_buffer;
  QVector<Gap> m_gaps;
  QVector<ModelOutput> m_outputs;
  QVector<qint64> m_ids;
  qint64 m_committedFrames = 0;
  qint64 m_lostFrames = 0;  // lost by the link before the open chunk
};

}  // namespace tinyscope::dataset
