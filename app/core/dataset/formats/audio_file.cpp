#include "app/core/dataset/formats/audio_file.h"

#include <sndfile.h>

#include <QBuffer>
#include <QFile>
#include <QSaveFile>
#include <QtEndian>
#include <cmath>
#include <memory>

#include "app/core/dataset/formats/ei_acquisition.h"

namespace tinyscope::dataset::formats {
namespace {

constexpr int kMaxChannels = 256;
constexpr qint64 kMaxValues = qint64(1) << 27;  // 1 GiB of doubles in one recording
constexpr int kBlockFrames = 4096;

QIODevice* deviceOf(void* user) {
  return static_cast<QIODevice*>(user);
}
sf_count_t ioLength(void* user) {
  return deviceOf(user)->size();
}
sf_count_t ioSeek(sf_count_t offset, int whence, void* user) {
  QIODevice* d = deviceOf(user);
  const qint64 base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? d->pos() : d->size();
  if (!d->seek(base + offset)) return -1;
  return d->pos();
}
sf_count_t ioRead(void* ptr, sf_count_t count, void* user) {
  const qint64 n = deviceOf(user)->read(static_cast<char*>(ptr), count);
  return n < 0 ? 0 : n;
}
sf_count_t ioWrite(const void* ptr, sf_count_t count, void* user) {
  const qint64 n = deviceOf(user)->write(static_cast<const char*>(ptr), count);
  return n < 0 ? 0 : n;
}
sf_count_t ioTell(void* user) {
  return deviceOf(user)->pos();
}
SF_VIRTUAL_IO kVirtualIo{ioLength, ioSeek, ioRead, ioWrite, ioTell};

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

int bitsOf(SampleFormat f) {
  switch (f) {
    case SampleFormat::kInt8:
      return 8;
    case SampleFormat::kInt16:
      return 16;
    case SampleFormat::kInt24:
      return 24;
    case SampleFormat::kInt32:
      return 32;
    default:
      return 0;
  }
}

// A RIFF/WAVE data chunk that declares more bytes than the file holds means a truncated file
// (libsndfile would quietly read what is there). Streaming writers leave 0 or 0xFFFFFFFF.
QString checkWavDataChunk(QIODevice* d) {
  d->seek(0);
  const QByteArray head = d->read(12);
  if (head.size() < 12 || !head.startsWith("RIFF") || head.mid(8, 4) != "WAVE") return {};
  qint64 pos = 12;
  for (int chunk = 0; chunk < 4096 && pos + 8 <= d->size(); ++chunk) {
    d->seek(pos);
    const QByteArray header = d->read(8);
    if (header.size() < 8) break;
    const quint32 size = qFromLittleEndian<quint32>(header.constData() + 4);
    if (header.startsWith("data")) {
      const qint64 available = d->size() - (pos + 8);
      if (size != 0 && size != 0xFFFFFFFFu && size < 0x7FFFF000u && size > available)
        return QStringLiteral("data chunk declares %1 bytes but the file holds %2 (truncated)")
            .arg(size)
            .arg(available);
      return {};
    }
    pos += 8 + size + (size & 1u);
  }
  return {};
}

FormatResult<Recording> readFrom(QIODevice* device, const QString& fileName) {
  FormatResult<Recording> result;
  auto fail = [&](const QString& where, const QString& what) {
    result.error = formatError(fileName, where, what);
    return result;
  };
  const QString truncated = checkWavDataChunk(device);
  if (!truncated.isEmpty()) return fail(QStringLiteral("data"), truncated);
  device->seek(0);
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(&kVirtualIo, SFM_READ, &info, device));
  if (!file)
    return fail({}, QStringLiteral("not a readable audio file (%1)").arg(sf_strerror(nullptr)));
  if (info.channels < 1 || info.channels > kMaxChannels)
    return fail(
        QStringLiteral("channels"),
        QStringLiteral("%1 channels (1..%2 supported)").arg(info.channels).arg(kMaxChannels));
  if (info.samplerate <= 0)
    return fail(QStringLiteral("sample rate"), QStringLiteral("not positive"));
  Recording& rec = result.value;
  const int sub = info.format & SF_FORMAT_SUBMASK;
  switch (sub) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
      rec.sampleFormat = SampleFormat::kInt8;
      break;
    case SF_FORMAT_PCM_16:
      rec.sampleFormat = SampleFormat::kInt16;
      break;
    case SF_FORMAT_PCM_24:
      rec.sampleFormat = SampleFormat::kInt24;
      break;
    case SF_FORMAT_PCM_32:
      rec.sampleFormat = SampleFormat::kInt32;
      break;
    case SF_FORMAT_DOUBLE:
      rec.sampleFormat = SampleFormat::kFloat64;
      break;
    default:
      rec.sampleFormat = SampleFormat::kFloat32;
      break;
  }
  const int channels = info.channels;
  if (info.frames > 0 && info.frames * channels > kMaxValues)
    return fail(QStringLiteral("frames"),
                QStringLiteral("%1 frames are more than one recording holds").arg(info.frames));
  rec.values.reserve(static_cast<int>(std::min<qint64>(std::max<qint64>(info.frames, 0) * channels,
                                                       std::min<qint64>(device->size(), 1 << 24))));
  const int bits = bitsOf(rec.sampleFormat);
  const bool integer = bits > 0;
  std::vector<int> ints(static_cast<size_t>(kBlockFrames * channels));
  std::vector<double> doubles(static_cast<size_t>(kBlockFrames * channels));
  for (;;) {
    const sf_count_t got = integer ? sf_readf_int(file.get(), ints.data(), kBlockFrames)
                                   : sf_readf_double(file.get(), doubles.data(), kBlockFrames);
    if (got <= 0) break;
    if (rec.values.size() + got * channels > kMaxValues)
      return fail(QStringLiteral("frames"), QStringLiteral("more frames than one recording holds"));
    const auto n = static_cast<size_t>(got * channels);
    for (size_t i = 0; i < n; ++i) {
      // libsndfile returns integers left-justified in 32 bits: shift back to the file's scale.
      rec.values.push_back(integer ? static_cast<double>(ints[i] >> (32 - bits)) : doubles[i]);
    }
  }
  if (sf_error(file.get()) != SF_ERR_NO_ERROR)
    return fail({}, QStringLiteral("decoding failed (%1)").arg(sf_strerror(file.get())));
  if (rec.values.isEmpty()) return fail({}, QStringLiteral("no audio frames"));
  for (int c = 0; c < channels; ++c)
    rec.axes.push_back({channels == 1 ? QStringLiteral("audio") : QStringLiteral("ch%1").arg(c + 1),
                        QStringLiteral("wav")});
  rec.intervalMs = 1000.0 / info.samplerate;
  rec.label = eiLabelFromFileName(fileName);
  rec.name = eiNameFromFileName(fileName);
  rec.metadata.insert(QStringLiteral("audio.sample_rate"), info.samplerate);
  rec.metadata.insert(QStringLiteral("audio.container"),
                      (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC ? QStringLiteral("flac")
                                                                           : QStringLiteral("wav"));
  return result;
}

}  // namespace

FormatResult<Recording> parseAudio(const QByteArray& bytes, const QString& fileName) {
  QBuffer buffer;
  buffer.setData(bytes);
  buffer.open(QIODevice::ReadOnly);
  return readFrom(&buffer, fileName);
}

FormatResult<Recording> readAudioFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    FormatResult<Recording> result;
    result.error = formatError(path, {}, file.errorString());
    return result;
  }
  return readFrom(&file, path);
}

QString writeAudioFile(const QString& path, const Recording& rec, AudioContainer container,
                       SampleFormat format) {
  const QString problem = rec.validate();
  if (!problem.isEmpty()) return formatError(path, {}, problem);
  const int channels = static_cast<int>(rec.axes.size());
  if (channels > kMaxChannels)
    return formatError(
        path, QStringLiteral("channels"),
        QStringLiteral("%1 axes are more than %2 audio channels").arg(channels).arg(kMaxChannels));
  const double rate = rec.rateHz();
  if (std::fabs(rate - std::round(rate)) > 1e-6 || rate < 1)
    return formatError(path, QStringLiteral("sample rate"),
                       QStringLiteral("%1 Hz is not a whole number of hertz").arg(rate));
  if (format == SampleFormat::kUnknown) format = rec.sampleFormat;
  if (format == SampleFormat::kUnknown) {
    format = SampleFormat::kInt16;
    for (double v : rec.values) {
      if (v != std::floor(v) || v < -32768 || v > 32767) {
        format = SampleFormat::kFloat32;
        break;
      }
    }
  }
  const int bits = bitsOf(format);
  int sub = 0;
  switch (format) {
    case SampleFormat::kInt8:
      sub = container == AudioContainer::kWav ? SF_FORMAT_PCM_U8 : SF_FORMAT_PCM_S8;
      break;
    case SampleFormat::kInt16:
      sub = SF_FORMAT_PCM_16;
      break;
    case SampleFormat::kInt24:
      sub = SF_FORMAT_PCM_24;
      break;
    case SampleFormat::kInt32:
      sub = SF_FORMAT_PCM_32;
      break;
    case SampleFormat::kFloat32:
      sub = SF_FORMAT_FLOAT;
      break;
    case SampleFormat::kFloat64:
      sub = SF_FORMAT_DOUBLE;
      break;
    case SampleFormat::kUnknown:
      break;
  }
  if (container == AudioContainer::kFlac && (bits == 0 || bits == 32))
    return formatError(path, QStringLiteral("format"),
                       QStringLiteral("FLAC holds 8, 16 or 24-bit integers, not %1")
                           .arg(QLatin1String(sampleFormatName(format))));
  if (bits > 0) {
    const double limit = std::ldexp(1.0, bits - 1);
    for (int i = 0; i < rec.values.size(); ++i) {
      const double v = rec.values[i];
      if (v != std::floor(v) || v < -limit || v > limit - 1)
        return formatError(path, QStringLiteral("frame %1").arg(i / channels),
                           QStringLiteral("value %1 is not a %2 sample")
                               .arg(v)
                               .arg(QLatin1String(sampleFormatName(format))));
    }
  }
  SF_INFO info{};
  info.samplerate = static_cast<int>(std::lround(rate));
  info.channels = channels;
  info.format = (container == AudioContainer::kWav ? SF_FORMAT_WAV : SF_FORMAT_FLAC) | sub;
  if (!sf_format_check(&info))
    return formatError(path, QStringLiteral("format"), QStringLiteral("libsndfile refuses it"));
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly)) return formatError(path, {}, out.errorString());
  {
    SndfilePtr file(sf_open_virtual(&kVirtualIo, SFM_WRITE, &info, &out));
    if (!file) return formatError(path, {}, QString::fromLatin1(sf_strerror(nullptr)));
    const qint64 frames = rec.frameCount();
    std::vector<int> ints(static_cast<size_t>(kBlockFrames * channels));
    for (qint64 f = 0; f < frames; f += kBlockFrames) {
      const qint64 n = std::min<qint64>(kBlockFrames, frames - f);
      const double* src = rec.values.constData() + f * channels;
      sf_count_t written = 0;
      if (bits > 0) {
        for (qint64 i = 0; i < n * channels; ++i)
          ints[static_cast<size_t>(i)] =
              static_cast<int>(static_cast<qint64>(src[i]) * (qint64(1) << (32 - bits)));
        written = sf_writef_int(file.get(), ints.data(), n);
      } else {
        written = sf_writef_double(file.get(), src, n);
      }
      if (written != n) return formatError(path, {}, QString::fromLatin1(sf_strerror(file.get())));
    }
  }
  if (!out.commit()) return formatError(path, {}, out.errorString());
  return {};
}

}  // namespace tinyscope::dataset::formats
