#include "app/core/device/text_stream.h"

#include <cstring>

namespace tinyscope {

TextStream::TextStream(link::DeviceUri uri, std::unique_ptr<link::Transport> transport,
                       QObject* parent)
    : QObject(parent), m_uri(std::move(uri)), m_transport(std::move(transport)) {
  if (m_uri.options.hasQueryItem(QStringLiteral("rate")))
    m_decoder.overrideRate(m_uri.option(QStringLiteral("rate")).toDouble());
  connect(m_transport.get(), &link::Transport::bytesReceived, this, &TextStream::onBytes);
  connect(m_transport.get(), &link::Transport::errorOccurred, this, &TextStream::errorOccurred);
  connect(m_transport.get(), &link::Transport::closed, this, &TextStream::closed);
}

TextStream::~TextStream() {
  m_transport->disconnect(this);
  m_transport->close();
}

void TextStream::open() {
  m_transport->open();
}
void TextStream::close() {
  m_transport->close();
}

DeviceInfo TextStream::info() const {
  proto::HelloReply h;
  h.chosenVersion = 0;
  h.boardName.assign("text stream");
  h.firmwareVersion.assign("no agent");
  proto::SensorInfo s;
  s.sensorId = 0;
  s.name.assign("text");
  s.axes = static_cast<uint8_t>(std::clamp<int>(static_cast<int>(m_decoder.channelNames().size()),
                                                1, static_cast<int>(proto::kMaxAxes)));
  s.sampleType = proto::ElementType::kFloat32;
  const link::RateEstimate r = m_decoder.rate();
  s.rateMilliHz = static_cast<uint32_t>((r.valid() ? r.hz : 100.0) * 1000.0 + 0.5);
  s.maxRateMilliHz = s.rateMilliHz;
  h.sensors.push(s);
  return DeviceInfo::fromHello(h);
}

void TextStream::onBytes(const QByteArray& chunk, qint64 arrivalNs) {
  QList<link::TextSample> samples;
  QStringList lines;
  m_decoder.feed(chunk, arrivalNs, &samples, &lines);
  for (const QString& l : lines) Q_EMIT textLine(l);
  if (samples.isEmpty()) return;
  // Wait for a rate estimate (or a fixed rate) before announcing the stream: one within 5 %
  // (a slow, steady board after 3 lines), or any after 8 lines.
  const link::RateEstimate rate = m_decoder.rate();
  const bool rateKnown =
      rate.valid() && (rate.uncertaintyHz <= 0.05 * rate.hz || m_decoder.counters().samples >= 8);
  if (m_decoder.channelNames() != m_announced &&
      (rateKnown || m_decoder.counters().samples > 200)) {
    m_announced = m_decoder.channelNames();
    Q_EMIT channelsKnown(info());
  }
  const int channels = std::min(static_cast<int>(m_decoder.channelNames().size()),
                                static_cast<int>(proto::kMaxAxes));
  SensorWindowData w;
  w.sampleType = proto::ElementType::kFloat32;
  w.channels = channels;
  w.arrivalNs = arrivalNs;
  w.timestampUs = static_cast<quint64>(samples.front().arrivalNs / 1000);
  w.sequence = static_cast<quint32>(m_stats.windows);
  for (const link::TextSample& s : samples) {
    if (s.values.size() != channels) continue;  // a line from before a channel change
    for (double v : s.values) {
      const float f = static_cast<float>(v);
      w.payload.append(reinterpret_cast<const char*>(&f), sizeof f);
    }
    ++w.samples;
  }
  if (w.samples == 0) return;
  if (m_stats.windows == 0) m_stats.firstTimestampUs = w.timestampUs;
  ++m_stats.windows;
  m_stats.samples += static_cast<quint64>(w.samples);
  m_stats.lastTimestampUs = w.timestampUs;
  m_stats.lastWindowSamples = w.samples;
  m_stats.lastSequence = w.sequence;
  Q_EMIT windowReceived(w);
}

}  // namespace tinyscope
