#include "app/core/dataset/sample_writer.h"

#include <QUuid>
#include <algorithm>
#include <cmath>

#include "app/core/dataset/dataset_store.h"

namespace tinyscope::dataset {

SampleWriter::SampleWriter(DatasetStore* store, SampleSpec spec, double chunkSeconds)
    : m_store(store),
      m_spec(std::move(spec)),
      m_chunkFrames(std::max<qint64>(1, std::llround(chunkSeconds * m_spec.rateHz))),
      m_frameBytes(std::max(1, int(m_spec.axes.size())) * bytesPerValue(m_spec.type)),
      m_recording(QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

bool SampleWriter::append(const QByteArray& frames, QString* error) {
  if (frames.size() % m_frameBytes != 0) {
    if (error)
      *error = QStringLiteral("recording '%1': %2 bytes are not whole frames of %3 bytes")
                   .arg(m_spec.name)
                   .arg(frames.size())
                   .arg(m_frameBytes);
    return false;
  }
  qint64 offset = 0;
  while (offset < frames.size()) {
    const qint64 room = (m_chunkFrames - m_buffer.size() / m_frameBytes) * m_frameBytes;
    const qint64 take = std::min<qint64>(room, frames.size() - offset);
    m_buffer.append(frames.constData() + offset, static_cast<int>(take));
    offset += take;
    if (m_buffer.size() / m_frameBytes >= m_chunkFrames && !commitChunk(error)) return false;
  }
  return true;
}

void SampleWriter::addGap(qint64 lostFrames, qint64 deviceUs) {
  if (lostFrames < 1) return;
  m_gaps.append(Gap{m_buffer.size() / m_frameBytes, lostFrames, deviceUs});
}

void SampleWriter::addOutput(const ModelOutput& output) {
  ModelOutput o = output;
  o.atFrame = m_buffer.size() / m_frameBytes;
  m_outputs.append(o);
}

bool SampleWriter::finish(QString* error) {
  return m_buffer.isEmpty() || commitChunk(error);
}

bool SampleWriter::commitChunk(QString* error) {
  const qint64 frames = m_buffer.size() / m_frameBytes;
  SampleSpec chunk = m_spec;
  chunk.name = QStringLiteral("%1.%2").arg(m_spec.name).arg(m_ids.size());
  chunk.gaps = m_gaps;
  chunk.outputs = m_outputs;
  chunk.metadata.insert(QStringLiteral("recording"), m_recording);
  chunk.metadata.insert(QStringLiteral("chunk"), QString::number(m_ids.size()));
  // Device time of this chunk's first frame: the frames before it, stored and lost, and the
  // frames lost just before it. spec.firstDeviceUs is the time of the recording's first frame,
  // which comes after any gap at its frame 0: such a gap adds no time to the chunks after it.
  const bool firstChunk = m_ids.isEmpty();
  qint64 leading = 0;
  for (const Gap& g : m_gaps)
    if (g.atFrame == 0) leading += g.lostFrames;
  if (m_spec.firstDeviceUs >= 0)
    chunk.firstDeviceUs =
        m_spec.firstDeviceUs +
        std::llround(double(m_committedFrames + m_lostFrames + (firstChunk ? 0 : leading)) * 1e6 /
                     m_spec.rateHz);
  chunk.createdMs = 0;
  const qint64 id = m_store->addSample(chunk, m_buffer, error);
  if (id == 0) return false;
  m_ids.append(id);
  m_committedFrames += frames;
  for (const Gap& g : m_gaps)
    if (!firstChunk || g.atFrame > 0) m_lostFrames += g.lostFrames;
  m_buffer.clear();
  m_gaps.clear();
  m_outputs.clear();
  return true;
}

}  // namespace tinyscope::dataset
