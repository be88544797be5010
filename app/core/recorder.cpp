#include "app/core/recorder.h"

#include <QPointer>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/sample_writer.h"
#include "app/core/device/device_session.h"

namespace tinyscope {

dataset::SampleType storedSampleType(proto::ElementType t) {
  switch (t) {
    case proto::ElementType::kInt8:
    case proto::ElementType::kUInt8:
    case proto::ElementType::kInt16:
      return dataset::SampleType::kInt16;
    case proto::ElementType::kUInt16:
    case proto::ElementType::kInt32:
      return dataset::SampleType::kInt32;
    case proto::ElementType::kUInt32:
    case proto::ElementType::kUInt64:
    case proto::ElementType::kFloat32:
      return dataset::SampleType::kFloat32;
  }
  return dataset::SampleType::kFloat32;
}

QVector<float> outputScores(const InferenceRun& run) {
  QVector<float> scores;
  for (const CapturedTensor& t : run.outputs) {
    const size_t size = proto::elementSize(t.desc.type);
    if (size == 0) continue;
    const int n = static_cast<int>(static_cast<size_t>(t.data.size()) / size);
    const bool quantized = t.desc.scale > 0 && t.desc.type != proto::ElementType::kFloat32;
    for (int i = 0; i < n; ++i) {
      const double q =
          elementValue(t.desc.type, t.data.constData() + static_cast<size_t>(i) * size);
      scores.append(static_cast<float>(quantized ? (q - t.desc.zeroPoint) * t.desc.scale : q));
    }
  }
  return scores;
}

Recorder::Recorder(DeviceSession* session, dataset::DatasetStore* store, RecorderOptions options,
                   QObject* parent)
    : QObject(parent),
      m_session(session),
      m_store(store),
      m_opt(std::move(options)),
      m_sampleFrames(std::max<qint64>(1, std::llround(m_opt.sampleSeconds * m_opt.spec.rateHz))) {
  const StreamStats st = m_session->streams().value(m_opt.streamId);
  m_prevLostSamples = st.lostSamples;
  m_prevRestarts = st.restarts;
  connect(m_session, &DeviceSession::windowReceived, this, &Recorder::onWindow);
}

Recorder::~Recorder() = default;

QVector<qint64> Recorder::sampleIds() const {
  QVector<qint64> ids = m_committed;
  if (m_writer) ids += m_writer->sampleIds();
  return ids;
}

void Recorder::stop(const QString& error) {
  if (m_done) return;
  if (m_error.isEmpty()) m_error = error;
  m_done = true;
  Q_EMIT done();
}

bool Recorder::startSample(quint64 firstDeviceUs) {
  dataset::SampleSpec spec = m_opt.spec;
  spec.name = QStringLiteral("%1.%2").arg(m_opt.spec.name).arg(m_stats.samples);
  spec.firstDeviceUs = static_cast<qint64>(firstDeviceUs);
  m_writer = std::make_unique<dataset::SampleWriter>(m_store, spec, m_opt.chunkSeconds);
  m_framesInSample = 0;
  ++m_stats.samples;
  return true;
}

bool Recorder::endSample() {
  if (!m_writer) return true;
  QString error;
  if (!m_writer->finish(&error)) {
    stop(error);
    return false;
  }
  m_committed += m_writer->sampleIds();
  m_writer.reset();
  return true;
}

bool Recorder::finish(QString* error) {
  const bool ok = m_error.isEmpty() && endSample();
  if (!ok && error) *error = m_error;
  return ok;
}

bool Recorder::appendFrames(const SensorWindowData& w, int first, int count) {
  const int channels = m_opt.spec.axes.size();
  const int bytes = dataset::bytesPerValue(m_opt.spec.type);
  QByteArray frames(count * channels * bytes, '\0');
  char* p = frames.data();
  for (int i = first; i < first + count; ++i)
    for (int c = 0; c < channels; ++c, p += bytes) {
      const double v = w.sample(i, c);
      if (m_opt.spec.type == dataset::SampleType::kInt16) {
        const int16_t x = static_cast<int16_t>(v);
        std::memcpy(p, &x, 2);
      } else if (m_opt.spec.type == dataset::SampleType::kInt32) {
        const int32_t x = static_cast<int32_t>(v);
        std::memcpy(p, &x, 4);
      } else {
        const float x = static_cast<float>(v);
        std::memcpy(p, &x, 4);
      }
    }
  QString error;
  if (!m_writer->append(frames, &error)) {
    stop(error);
    return false;
  }
  m_framesInSample += count;
  m_stats.frames += count;
  return true;
}

void Recorder::onWindow(const SensorWindowData& w) {
  if (m_done || w.streamId != m_opt.streamId) return;
  if (w.channels != m_opt.spec.axes.size())
    return stop(QStringLiteral("%1: a window of %2 channels in a recording of %3 axes")
                    .arg(m_opt.spec.deviceUri)
                    .arg(w.channels)
                    .arg(m_opt.spec.axes.size()));
  const StreamStats st = m_session->streams().value(m_opt.streamId);
  const qint64 lostInDevice = static_cast<qint64>(st.lostSamples - m_prevLostSamples);
  m_prevLostSamples = st.lostSamples;
  if (st.restarts != m_prevRestarts) {
    // A new series: its timestamps start over, so nothing before it can be bridged.
    m_prevRestarts = st.restarts;
    m_stats.restarts++;
    if (!endSample()) return;
    m_havePrev = false;
  }
  qint64 lost = 0;
  if (m_havePrev) {
    const quint32 step = w.sequence - m_prevSequence;
    if (step == 0 || step > 0x80000000u) {  // behind the newest: its place is a gap already
      m_stats.lateWindows++;
      return;
    }
    lost = static_cast<qint64>(step - 1) * m_prevSamples + lostInDevice;
  }
  m_havePrev = true;
  m_prevSequence = w.sequence;
  m_prevSamples = w.samples;
  const double usPerFrame = 1e6 / m_opt.spec.rateHz;
  if (m_opt.totalFrames > 0)
    lost = std::min(lost, m_opt.totalFrames - (m_stats.frames + m_stats.lostFrames));

  if (m_writer && m_framesInSample >= m_sampleFrames && !endSample()) return;
  if (!m_writer) startSample(w.timestampUs);
  if (lost > 0) {
    m_writer->addGap(lost, static_cast<qint64>(w.timestampUs));
    m_framesInSample += lost;
    m_stats.lostFrames += lost;
    m_stats.gaps++;
  }
  int offset = 0;
  while (offset < w.samples) {
    if (m_opt.totalFrames > 0 && m_stats.frames + m_stats.lostFrames >= m_opt.totalFrames) break;
    if (m_framesInSample >= m_sampleFrames) {
      if (!endSample()) return;
      startSample(w.timestampUs + static_cast<quint64>(std::llround(offset * usPerFrame)));
    }
    qint64 take = std::min<qint64>(w.samples - offset, m_sampleFrames - m_framesInSample);
    if (m_opt.totalFrames > 0)
      take = std::min(take, m_opt.totalFrames - (m_stats.frames + m_stats.lostFrames));
    if (!appendFrames(w, offset, static_cast<int>(take))) return;
    offset += static_cast<int>(take);
  }
  m_stats.windows++;
  m_lastEndUs = w.timestampUs + static_cast<quint64>(std::llround(offset * usPerFrame));
  if (m_opt.inferEvery > 0 && ++m_windowsSinceInference >= static_cast<quint64>(m_opt.inferEvery)) {
    m_windowsSinceInference = 0;
    requestInference();
  }
  if (m_opt.totalFrames > 0 && m_stats.frames + m_stats.lostFrames >= m_opt.totalFrames) {
    m_done = true;
    Q_EMIT done();
  }
}

void Recorder::requestInference() {
  if (m_inferencePending) {
    m_stats.inferenceSkipped++;
    return;
  }
  m_inferencePending = true;
  QPointer<Recorder> self(this);
  m_session->runInference(
      QByteArray(), m_opt.inferCapture, {},
      [self](const InferenceRun& run) {
        if (!self) return;
        self->m_inferencePending = false;
        if (!self->m_writer) return;  // the sample it belongs to has ended
        dataset::ModelOutput o;
        o.deviceUs = static_cast<qint64>(self->m_lastEndUs);
        o.model = self->m_opt.modelName;
        o.scores = outputScores(run);
        self->m_writer->addOutput(o);
        self->m_stats.outputs++;
      },
      [self](const QString& why) {
        if (!self) return;
        self->m_inferencePending = false;
        self->m_stats.inferenceFailures++;
        self->m_stats.lastInferenceError = why;
      },
      m_opt.inferTimeoutMs);
}

}  // namespace tinyscope
