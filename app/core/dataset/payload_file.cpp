#include "app/core/dataset/payload_file.h"

#include <fcntl.h>
#include <sndfile.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>
#include <memory>

namespace tinyscope::dataset {

int bytesPerValue(SampleType t) {
  return t == SampleType::kInt16 ? 2 : 4;
}

QString sampleTypeName(SampleType t) {
  switch (t) {
    case SampleType::kInt16:
      return QStringLiteral("int16");
    case SampleType::kInt32:
      return QStringLiteral("int32");
    case SampleType::kFloat32:
      return QStringLiteral("float32");
  }
  return {};
}

bool parseSampleType(const QString& name, SampleType* out) {
  for (SampleType t : {SampleType::kInt16, SampleType::kInt32, SampleType::kFloat32})
    if (sampleTypeName(t) == name) {
      *out = t;
      return true;
    }
  return false;
}

QString splitName(Split s) {
  switch (s) {
    case Split::kUnassigned:
      return QStringLiteral("unassigned");
    case Split::kTrain:
      return QStringLiteral("train");
    case Split::kTest:
      return QStringLiteral("test");
  }
  return {};
}

bool parseSplit(const QString& name, Split* out) {
  for (Split s : {Split::kUnassigned, Split::kTrain, Split::kTest})
    if (splitName(s) == name) {
      *out = s;
      return true;
    }
  return false;
}

namespace {

bool setError(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

struct SndCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndFile = std::unique_ptr<SNDFILE, SndCloser>;

QString sndError(SNDFILE* f) {
  return QString::fromUtf8(sf_strerror(f));
}

}  // namespace

bool syncPath(const QString& path, QString* error) {
  const QByteArray native = QFile::encodeName(path);
  const int fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return setError(error, QStringLiteral("%1: cannot open to sync it").arg(path));
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return setError(error, QStringLiteral("%1: fsync failed").arg(path));
  return true;
}

bool writeFileAtomically(const QString& finalPath, const QByteArray& bytes, QString* error) {
  const QFileInfo fi(finalPath);
  const QString temp =
      fi.absolutePath() + QLatin1Char('/') + QLatin1String(kTempPrefix) + fi.fileName();
  {
    QFile f(temp);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
      return setError(error, QStringLiteral("%1: cannot create (%2)").arg(temp, f.errorString()));
    if (f.write(bytes) != bytes.size() || !f.flush())
      return setError(error, QStringLiteral("%1: write failed (%2)").arg(temp, f.errorString()));
    if (::fsync(f.handle()) != 0)
      return setError(error, QStringLiteral("%1: fsync failed").arg(temp));
  }
  if (::rename(QFile::encodeName(temp).constData(), QFile::encodeName(finalPath).constData()) != 0)
    return setError(error, QStringLiteral("%1: cannot rename into place").arg(finalPath));
  return syncPath(fi.absolutePath(), error);
}

bool checkSpec(const SampleSpec& spec, qint64 frames, QString* error) {
  const int channels = static_cast<int>(spec.axes.size());
  if (channels < 1 || channels > kMaxChannels)
    return setError(
        error,
        QStringLiteral("axes: %1 channels; a sample has 1 to %2").arg(channels).arg(kMaxChannels));
  if (spec.units.size() != spec.axes.size())
    return setError(
        error, QStringLiteral("units: %1 units for %2 axes").arg(spec.units.size()).arg(channels));
  if (!(spec.rateHz > 0) || !std::isfinite(spec.rateHz) || spec.rateHz > 1e9)
    return setError(error,
                    QStringLiteral("rate_hz: %1 is not a rate in (0, 1e9] Hz").arg(spec.rateHz));
  if (frames < 1) return setError(error, QStringLiteral("frames: a sample has at least one frame"));
  if (spec.format == PayloadFormat::kFlac && spec.type != SampleType::kInt16)
    return setError(error, QStringLiteral("format: FLAC holds int16 samples only, not %1")
                               .arg(sampleTypeName(spec.type)));
  for (const Gap& g : spec.gaps)
    if (g.atFrame < 0 || g.atFrame > frames || g.lostFrames < 1)
      return setError(error, QStringLiteral("gaps: a gap at frame %1 losing %2 frames is outside "
                                            "the %3 frames or loses none")
                                 .arg(g.atFrame)
                                 .arg(g.lostFrames)
                                 .arg(frames));
  for (const Segment& s : spec.segments)
    if (s.label.isEmpty() || s.start < 0 || s.end < s.start || s.end > frames)
      return setError(error, QStringLiteral("segments: \"%1\" [%2, %3) is not a labelled range "
                                            "inside the %4 frames")
                                 .arg(s.label)
                                 .arg(s.start)
                                 .arg(s.end)
                                 .arg(frames));
  for (const ModelOutput& o : spec.outputs)
    if (o.atFrame < 0 || o.atFrame > frames)
      return setError(error, QStringLiteral("model_outputs: frame %1 is outside the %2 frames")
                                 .arg(o.atFrame)
                                 .arg(frames));
  return true;
}

bool writePayload(const QString& path, const SampleSpec& spec, const QByteArray& frames,
                  QString* error) {
  const int channels = static_cast<int>(spec.axes.size());
  const qint64 frameBytes = qint64(channels) * bytesPerValue(spec.type);
  if (channels < 1 || frames.size() % frameBytes != 0)
    return setError(error, QStringLiteral("%1: %2 bytes are not whole frames of %3 × %4")
                               .arg(path)
                               .arg(frames.size())
                               .arg(channels)
                               .arg(sampleTypeName(spec.type)));
  const qint64 count = frames.size() / frameBytes;
  if (!checkSpec(spec, count, error)) return false;
  SF_INFO info{};
  info.samplerate = static_cast<int>(std::lround(spec.rateHz));
  if (info.samplerate < 1) info.samplerate = 1;  // the exact rate is in the index and sidecar
  info.channels = channels;
  const int sub = spec.type == SampleType::kInt16   ? SF_FORMAT_PCM_16
                  : spec.type == SampleType::kInt32 ? SF_FORMAT_PCM_32
                                                    : SF_FORMAT_FLOAT;
  info.format = (spec.format == PayloadFormat::kFlac ? SF_FORMAT_FLAC : SF_FORMAT_WAV) | sub;
  SndFile f(sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info));
  if (!f)
    return setError(error, QStringLiteral("%1: cannot write (%2)").arg(path, sndError(nullptr)));
  // A chunk of a recording names itself in the file's comment: chunks of equal frames (silence,
  // a periodic signal) are still distinct files, and the payload says where it belongs.
  const QString recording = spec.metadata.value(QStringLiteral("recording"));
  if (!recording.isEmpty()) {
    const QByteArray comment = QStringLiteral("tinyscope recording %1 chunk %2")
                                   .arg(recording, spec.metadata.value(QStringLiteral("chunk")))
                                   .toUtf8();
    sf_set_string(f.get(), SF_STR_COMMENT, comment.constData());
  }
  sf_count_t written = 0;
  switch (spec.type) {
    case SampleType::kInt16:
      written = sf_writef_short(f.get(), reinterpret_cast<const short*>(frames.constData()), count);
      break;
    case SampleType::kInt32:
      written = sf_writef_int(f.get(), reinterpret_cast<const int*>(frames.constData()), count);
      break;
    case SampleType::kFloat32:
      written = sf_writef_float(f.get(), reinterpret_cast<const float*>(frames.constData()), count);
      break;
  }
  if (written != count)
    return setError(error, QStringLiteral("%1: write failed (%2)").arg(path, sndError(f.get())));
  f.reset();
  return syncPath(path, error);
}

bool readPayloadInfo(const QString& path, PayloadInfo* out, QString* error) {
  SF_INFO info{};
  SndFile f(sf_open(QFile::encodeName(path).constData(), SFM_READ, &info));
  if (!f)
    return setError(
        error, QStringLiteral("%1: not a readable WAV/FLAC (%2)").arg(path, sndError(nullptr)));
  const int major = info.format & SF_FORMAT_TYPEMASK;
  const int sub = info.format & SF_FORMAT_SUBMASK;
  if (major != SF_FORMAT_WAV && major != SF_FORMAT_WAVEX && major != SF_FORMAT_FLAC)
    return setError(error, QStringLiteral("%1: not a WAV or FLAC file").arg(path));
  if (sub == SF_FORMAT_PCM_16)
    out->type = SampleType::kInt16;
  else if (sub == SF_FORMAT_PCM_32)
    out->type = SampleType::kInt32;
  else if (sub == SF_FORMAT_FLOAT)
    out->type = SampleType::kFloat32;
  else
    return setError(error, QStringLiteral("%1: sample format 0x%2 is not int16, int32 or float32")
                               .arg(path)
                               .arg(sub, 0, 16));
  if (info.channels < 1 || info.channels > kMaxChannels)
    return setError(error, QStringLiteral("%1: %2 channels; a sample has 1 to %3")
                               .arg(path)
                               .arg(info.channels)
                               .arg(kMaxChannels));
  out->frames = info.frames;
  out->channels = info.channels;
  out->rateHz = info.samplerate;
  out->format = major == SF_FORMAT_FLAC ? PayloadFormat::kFlac : PayloadFormat::kWav;
  return true;
}

bool readPayloadFrames(const QString& path, qint64 begin, qint64 count, QByteArray* out,
                       QString* error) {
  PayloadInfo pi;
  if (!readPayloadInfo(path, &pi, error)) return false;
  if (begin < 0 || count < 0 || begin + count > pi.frames)
    return setError(error, QStringLiteral("%1: frames [%2, %3) are past its %4 frames")
                               .arg(path)
                               .arg(begin)
                               .arg(begin + count)
                               .arg(pi.frames));
  SF_INFO info{};
  SndFile f(sf_open(QFile::encodeName(path).constData(), SFM_READ, &info));
  if (!f || sf_seek(f.get(), begin, SEEK_SET) != begin)
    return setError(error, QStringLiteral("%1: cannot seek to frame %2").arg(path).arg(begin));
  out->resize(static_cast<int>(count * pi.channels * bytesPerValue(pi.type)));
  sf_count_t got = 0;
  switch (pi.type) {
    case SampleType::kInt16:
      got = sf_readf_short(f.get(), reinterpret_cast<short*>(out->data()), count);
      break;
    case SampleType::kInt32:
      got = sf_readf_int(f.get(), reinterpret_cast<int*>(out->data()), count);
      break;
    case SampleType::kFloat32:
      got = sf_readf_float(f.get(), reinterpret_cast<float*>(out->data()), count);
      break;
  }
  if (got != count)
    return setError(
        error, QStringLiteral("%1: truncated, read %2 of %3 frames").arg(path).arg(got).arg(count));
  return true;
}

bool sha256OfFile(const QString& path, QString* hex, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
    return setError(error, QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString()));
  QCryptographicHash h(QCryptographicHash::Sha256);
  if (!h.addData(&f)) return setError(error, QStringLiteral("%1: read failed").arg(path));
  *hex = QString::fromLatin1(h.result().toHex());
  return true;
}

QJsonObject sidecarToJson(const SampleSpec& spec, qint64 frames, const QString& payloadFile,
                          const QString& payloadSha256) {
  QJsonArray gaps;
  for (const Gap& g : spec.gaps)
    gaps.append(QJsonObject{{"at_frame", double(g.atFrame)},
                            {"lost_frames", double(g.lostFrames)},
                            {"device_us", double(g.deviceUs)}});
  QJsonArray outputs;
  for (const ModelOutput& o : spec.outputs) {
    QJsonArray scores;
    for (float s : o.scores) scores.append(double(s));
    outputs.append(QJsonObject{{"at_frame", double(o.atFrame)},
                               {"device_us", double(o.deviceUs)},
                               {"model", o.model},
                               {"scores", scores}});
  }
  QJsonObject meta;
  for (auto it = spec.metadata.begin(); it != spec.metadata.end(); ++it)
    meta[it.key()] = it.value();
  QJsonObject o{
      {"format", "tinyscope-sample"},
      {"version", 1},
      {"payload", payloadFile},
      {"payload_sha256", payloadSha256},
      {"name", spec.name},
      {"sensor", spec.sensor},
      {"axes", QJsonArray::fromStringList(spec.axes)},
      {"units", QJsonArray::fromStringList(spec.units)},
      {"rate_hz", spec.rateHz},
      {"sample_type", sampleTypeName(spec.type)},
      {"frames", double(frames)},
      {"first_device_us", double(spec.firstDeviceUs)},
      {"gaps", gaps},
      {"device", QJsonObject{{"name", spec.deviceName}, {"uri", spec.deviceUri}}},
      {"session", QJsonObject{{"uuid", spec.sessionUuid},
                              {"note", spec.sessionNote},
                              {"started_ms", double(spec.sessionStartedMs)}}},
      {"labels", QJsonArray::fromStringList(spec.labels)},
      {"metadata", meta},
      {"model_outputs", outputs},
      {"created_ms", double(spec.createdMs)},
  };
  // Segments and split given when the sample was added (an import), so repair restores them.
  if (!spec.segments.isEmpty()) {
    QJsonArray segments;
    for (const Segment& g : spec.segments)
      segments.append(
          QJsonObject{{"label", g.label}, {"start", double(g.start)}, {"end", double(g.end)}});
    o["segments"] = segments;
  }
  if (spec.split != Split::kUnassigned) o["split"] = splitName(spec.split);
  return o;
}

namespace {

// Reads typed fields of one JSON object and remembers the first wrong one.
class FieldReader {
 public:
  FieldReader(const QJsonObject& o, QString file, QString where)
      : m_o(o), m_file(std::move(file)), m_where(std::move(where)) {}
  bool ok() const { return m_error.isEmpty(); }
  const QString& error() const { return m_error; }
  QString str(const char* key, bool required = true) {
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined() && !required) return {};
    if (!v.isString()) wrong(key, "a string");
    return v.toString();
  }
  qint64 integer(const char* key, qint64 min, qint64 max, qint64 def, bool required = true) {
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined() && !required) return def;
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || d < double(min) || d > double(max)) {
      wrong(key, "an integer in range");
      return def;
    }
    return static_cast<qint64>(d);
  }
  double number(const char* key) {
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (!v.isDouble()) wrong(key, "a number");
    return v.toDouble();
  }
  QStringList strings(const char* key, bool required = true) {
    const QJsonValue v = m_o.value(QLatin1String(key));
    QStringList out;
    if (v.isUndefined() && !required) return out;
    if (!v.isArray()) {
      wrong(key, "an array of strings");
      return out;
    }
    for (const QJsonValue& e : v.toArray()) {
      if (!e.isString()) {
        wrong(key, "an array of strings");
        return {};
      }
      out << e.toString();
    }
    return out;
  }
  QJsonArray array(const char* key) {
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined()) return {};
    if (!v.isArray()) wrong(key, "an array");
    return v.toArray();
  }
  QJsonObject object(const char* key) {
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined()) return {};
    if (!v.isObject()) wrong(key, "an object");
    return v.toObject();
  }
  void wrong(const char* key, const char* what) {
    if (m_error.isEmpty())
      m_error = QStringLiteral("%1: field '%2%3' is not %4")
                    .arg(m_file, m_where, QLatin1String(key), QLatin1String(what));
  }
  void take(const FieldReader& inner) {
    if (m_error.isEmpty()) m_error = inner.m_error;
  }

 private:
  QJsonObject m_o;
  QString m_file;
  QString m_where;
  QString m_error;
};

constexpr qint64 kMaxFrames = qint64(1) << 40;
constexpr qint64 kMaxTime = qint64(1) << 62;

}  // namespace

bool sidecarFromJson(const QByteArray& bytes, const QString& file, SampleSpec* spec, qint64* frames,
                     QString* payloadFile, QString* payloadSha256, QString* error) {
  QJsonParseError pe{};
  const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
  if (pe.error != QJsonParseError::NoError || !doc.isObject())
    return setError(error, QStringLiteral("%1: not a JSON object (%2 at byte %3)")
                               .arg(file, pe.errorString())
                               .arg(pe.offset));
  const QJsonObject o = doc.object();
  FieldReader r(o, file, QString());
  if (r.str("format") != QLatin1String("tinyscope-sample") && r.ok())
    return setError(error,
                    QStringLiteral("%1: field 'format' is not \"tinyscope-sample\"").arg(file));
  if (r.integer("version", 1, 1, 1) != 1 || !r.ok()) return setError(error, r.error());
  SampleSpec s;
  *payloadFile = r.str("payload");
  *payloadSha256 = r.str("payload_sha256");
  s.name = r.str("name");
  s.sensor = r.str("sensor");
  s.axes = r.strings("axes");
  s.units = r.strings("units");
  s.rateHz = r.number("rate_hz");
  const QString type = r.str("sample_type");
  if (r.ok() && !parseSampleType(type, &s.type)) r.wrong("sample_type", "int16, int32 or float32");
  *frames = r.integer("frames", 1, kMaxFrames, 0);
  s.firstDeviceUs = r.integer("first_device_us", -1, kMaxTime, -1, false);
  s.createdMs = r.integer("created_ms", 0, kMaxTime, 0, false);
  s.labels = r.strings("labels", false);
  int i = 0;
  for (const QJsonValue& v : r.array("gaps")) {
    FieldReader g(v.toObject(), file, QStringLiteral("gaps[%1].").arg(i++));
    if (!v.isObject()) g.wrong("", "an object");
    s.gaps.append(Gap{g.integer("at_frame", 0, kMaxFrames, 0),
                      g.integer("lost_frames", 1, kMaxFrames, 1),
                      g.integer("device_us", -1, kMaxTime, -1, false)});
    r.take(g);
  }
  i = 0;
  for (const QJsonValue& v : r.array("model_outputs")) {
    FieldReader m(v.toObject(), file, QStringLiteral("model_outputs[%1].").arg(i++));
    ModelOutput out{m.integer("at_frame", 0, kMaxFrames, 0),
                    m.integer("device_us", -1, kMaxTime, -1, false),
                    m.str("model", false),
                    {}};
    for (const QJsonValue& sc : m.array("scores")) {
      if (!sc.isDouble()) m.wrong("scores", "an array of numbers");
      out.scores.append(static_cast<float>(sc.toDouble()));
    }
    s.outputs.append(out);
    r.take(m);
  }
  const QJsonObject device = r.object("device");
  FieldReader d(device, file, QStringLiteral("device."));
  s.deviceName = d.str("name", false);
  s.deviceUri = d.str("uri", false);
  r.take(d);
  const QJsonObject session = r.object("session");
  FieldReader se(session, file, QStringLiteral("session."));
  s.sessionUuid = se.str("uuid", false);
  s.sessionNote = se.str("note", false);
  s.sessionStartedMs = se.integer("started_ms", 0, kMaxTime, 0, false);
  r.take(se);
  i = 0;
  for (const QJsonValue& v : r.array("segments")) {
    FieldReader g(v.toObject(), file, QStringLiteral("segments[%1].").arg(i++));
    if (!v.isObject()) g.wrong("", "an object");
    Segment seg;
    seg.label = g.str("label");
    seg.start = g.integer("start", 0, kMaxFrames, 0);
    seg.end = g.integer("end", 0, kMaxFrames, 0);
    s.segments.append(seg);
    r.take(g);
  }
  const QString split = r.str("split", false);
  if (r.ok() && !split.isEmpty() && !parseSplit(split, &s.split))
    r.wrong("split", "train, test or unassigned");
  const QJsonObject meta = r.object("metadata");
  for (auto it = meta.begin(); it != meta.end(); ++it) {
    if (!it.value().isString()) {
      r.wrong("metadata", "an object of strings");
      break;
    }
    s.metadata.insert(it.key(), it.value().toString());
  }
  if (!r.ok()) return setError(error, r.error());
  QString specError;
  if (!checkSpec(s, *frames, &specError))
    return setError(error, QStringLiteral("%1: %2").arg(file, specError));
  *spec = s;
  return true;
}

}  // namespace tinyscope::dataset
