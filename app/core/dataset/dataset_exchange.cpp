#include "app/core/dataset/dataset_exchange.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QTemporaryDir>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "app/core/dataset/formats/audio_file.h"
#include "app/core/dataset/formats/csv_format.h"
#include "app/core/dataset/formats/ei_folder.h"
#include "app/core/dataset/formats/label_files.h"
#include "app/core/dataset/formats/text_input.h"

namespace tinyscope::dataset {

namespace {

namespace fmt = formats;

bool setError(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

struct FormatName {
  ExchangeFormat format;
  const char* name;
};
constexpr FormatName kFormatNames[] = {
    {ExchangeFormat::kAuto, "auto"},         {ExchangeFormat::kEiJson, "ei-json"},
    {ExchangeFormat::kEiCbor, "ei-cbor"},    {ExchangeFormat::kEiFolder, "ei-folder"},
    {ExchangeFormat::kCsv, "csv"},           {ExchangeFormat::kEiCsv, "ei-csv"},
    {ExchangeFormat::kWav, "wav"},           {ExchangeFormat::kAudacity, "audacity"},
    {ExchangeFormat::kTextGrid, "textgrid"},
};

const QStringList& sampleSuffixes() {
  static const QStringList s{QStringLiteral("json"), QStringLiteral("cbor"), QStringLiteral("csv"),
                             QStringLiteral("wav"), QStringLiteral("flac")};
  return s;
}

QString signatureWord(fmt::SignatureStatus s) {
  switch (s) {
    case fmt::SignatureStatus::kVerified:
      return QStringLiteral("verified");
    case fmt::SignatureStatus::kNotVerified:
      return QStringLiteral("not verified");
    case fmt::SignatureStatus::kUnsigned:
      break;
  }
  return QStringLiteral("unsigned");
}

bool isEiFolder(const QDir& dir) {
  return dir.exists(QStringLiteral("info.labels")) || dir.exists(QStringLiteral("training")) ||
         dir.exists(QStringLiteral("testing"));
}

// What a file holds, by extension, then by its first bytes.
ExchangeFormat sniff(const QString& path, const QByteArray& bytes) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("json")) return ExchangeFormat::kEiJson;
  if (suffix == QLatin1String("cbor")) return ExchangeFormat::kEiCbor;
  if (suffix == QLatin1String("csv")) return ExchangeFormat::kCsv;
  if (suffix == QLatin1String("wav") || suffix == QLatin1String("flac"))
    return ExchangeFormat::kWav;
  if (suffix == QLatin1String("textgrid")) return ExchangeFormat::kTextGrid;
  if (bytes.startsWith("RIFF") || bytes.startsWith("RF64") || bytes.startsWith("fLaC"))
    return ExchangeFormat::kWav;
  const QByteArray t = bytes.trimmed();
  if (t.startsWith('{')) return ExchangeFormat::kEiJson;
  if (!bytes.isEmpty() && (quint8(bytes[0]) & 0xE0) == 0xA0) return ExchangeFormat::kEiCbor;
  if (t.startsWith("File type = \"ooTextFile")) return ExchangeFormat::kTextGrid;
  if (suffix == QLatin1String("txt")) return ExchangeFormat::kAudacity;
  const int eol = t.indexOf('\n');
  if (t.left(eol < 0 ? t.size() : eol).contains(',')) return ExchangeFormat::kCsv;
  return ExchangeFormat::kAuto;  // unrecognised
}

// The label file beside a sample file, if any.
QString labelFileBeside(const QString& path) {
  const QFileInfo fi(path);
  const QString base = fi.dir().filePath(fi.completeBaseName());
  for (const QString& ext : {QStringLiteral(".txt"), QStringLiteral(".TextGrid")})
    if (QFileInfo::exists(base + ext)) return base + ext;
  return {};
}

// A label file's segments in the formats' terms (kAuto: .TextGrid by extension, else Audacity).
fmt::FormatResult<QVector<fmt::Segment>> readLabels(const QString& path, ExchangeFormat format,
                                                    double rateHz, qint64 frames) {
  if (format == ExchangeFormat::kAuto)
    format = QFileInfo(path).suffix().compare(QLatin1String("textgrid"), Qt::CaseInsensitive) == 0
                 ? ExchangeFormat::kTextGrid
                 : ExchangeFormat::kAudacity;
  if (format == ExchangeFormat::kTextGrid) return fmt::readTextGridFile(path, rateHz, frames);
  if (format == ExchangeFormat::kAudacity) return fmt::readAudacityLabelFile(path, rateHz, frames);
  return {{},
          fmt::formatError(path, {},
                           QStringLiteral("label files are audacity or textgrid, not %1")
                               .arg(exchangeFormatName(format)))};
}

bool readOneFile(const QString& path, const ImportOptions& options, ImportItem* item,
                 QString* error) {
  const fmt::FormatResult<QByteArray> bytes = fmt::readInputFile(path);
  if (!bytes.ok()) return setError(error, bytes.error);
  ExchangeFormat kind = options.format;
  const ExchangeFormat seen = sniff(path, bytes.value);
  if (kind == ExchangeFormat::kAuto) kind = seen;
  item->file = path;
  switch (kind) {
    case ExchangeFormat::kEiJson:
    case ExchangeFormat::kEiCbor: {
      fmt::FormatResult<fmt::EiAcquisition> ei =
          fmt::parseEiAcquisition(bytes.value, path, options.hmacKey);
      if (!ei.ok()) return setError(error, ei.error);
      const fmt::EiEncoding want =
          kind == ExchangeFormat::kEiJson ? fmt::EiEncoding::kJson : fmt::EiEncoding::kCbor;
      if (options.format != ExchangeFormat::kAuto && ei.value.encoding != want)
        return setError(error, fmt::formatError(path, {},
                                                QStringLiteral("is not Edge Impulse %1")
                                                    .arg(kind == ExchangeFormat::kEiJson
                                                             ? QStringLiteral("JSON")
                                                             : QStringLiteral("CBOR"))));
      item->recording = ei.value.recording;
      item->fromEi = true;
      item->signature = ei.value.signature;
      return true;
    }
    case ExchangeFormat::kCsv:
    case ExchangeFormat::kEiCsv: {
      const fmt::FormatResult<fmt::Recording> rec = fmt::parseCsv(bytes.value, path);
      if (!rec.ok()) return setError(error, rec.error);
      item->recording = rec.value;
      break;
    }
    case ExchangeFormat::kWav: {
      const fmt::FormatResult<fmt::Recording> rec = fmt::parseAudio(bytes.value, path);
      if (!rec.ok()) return setError(error, rec.error);
      item->recording = rec.value;
      break;
    }
    case ExchangeFormat::kAudacity:
    case ExchangeFormat::kTextGrid:
      return setError(error, fmt::formatError(path, {},
                                              QStringLiteral("is a label file, not a sample; put "
                                                             "it onto a sample with 'dataset "
                                                             "label-import'")));
    case ExchangeFormat::kEiFolder:
      return setError(error, fmt::formatError(path, {},
                                              QStringLiteral("is a file, not an Edge Impulse "
                                                             "export folder")));
    case ExchangeFormat::kAuto:
      return setError(
          error, fmt::formatError(path, {},
                                  QStringLiteral("is not a format tinyscope imports (Edge Impulse "
                                                 "JSON/CBOR, CSV, WAV, FLAC)")));
  }
  // A label track beside a CSV or audio file brings its segments.
  const QString labels = labelFileBeside(path);
  if (!labels.isEmpty()) {
    fmt::Recording& rec = item->recording;
    const fmt::FormatResult<QVector<fmt::Segment>> read =
        readLabels(labels, ExchangeFormat::kAuto, rec.rateHz(), rec.frameCount());
    if (!read.ok()) return setError(error, read.error);
    rec.segments += read.value;
  }
  return true;
}

// The smallest store type that holds every value exactly (float32 for fractions).
SampleType typeFor(const fmt::Recording& rec) {
  switch (rec.sampleFormat) {
    case fmt::SampleFormat::kInt8:
    case fmt::SampleFormat::kInt16:
      return SampleType::kInt16;
    case fmt::SampleFormat::kInt24:
    case fmt::SampleFormat::kInt32:
      return SampleType::kInt32;
    case fmt::SampleFormat::kFloat32:
    case fmt::SampleFormat::kFloat64:
      return SampleType::kFloat32;
    case fmt::SampleFormat::kUnknown:
      break;
  }
  bool int16 = true;
  for (double v : rec.values) {
    if (std::floor(v) != v || std::fabs(v) > 2147483647.0) return SampleType::kFloat32;
    if (v < -32768 || v > 32767) int16 = false;
  }
  return int16 ? SampleType::kInt16 : SampleType::kInt32;
}

// Packs values into the type; false naming the value that does not fit.
bool pack(const ImportItem& item, SampleType type, QByteArray* out, QString* error) {
  const QVector<double>& values = item.recording.values;
  const int channels = std::max(1, int(item.recording.axes.size()));
  out->resize(values.size() * bytesPerValue(type));
  char* p = out->data();
  for (int i = 0; i < values.size(); ++i) {
    const double v = values[i];
    auto bad = [&](const char* what) {
      return setError(
          error,
          fmt::formatError(item.file,
                           QStringLiteral("values[%1][%2]").arg(i / channels).arg(i % channels),
                           QStringLiteral("%1 %2").arg(v).arg(what)));
    };
    if (!std::isfinite(v)) return bad("is not a finite number");
    if (type == SampleType::kInt16) {
      if (std::floor(v) != v || v < -32768 || v > 32767) return bad("is not an int16");
      const qint16 x = static_cast<qint16>(v);
      std::memcpy(p + i * 2, &x, 2);
    } else if (type == SampleType::kInt32) {
      if (std::floor(v) != v || v < -2147483648.0 || v > 2147483647.0)
        return bad("is not an int32");
      const qint32 x = static_cast<qint32>(v);
      std::memcpy(p + i * 4, &x, 4);
    } else {
      if (std::fabs(v) > double(std::numeric_limits<float>::max()))
        return bad("is out of float32 range");
      const float x = static_cast<float>(v);
      std::memcpy(p + i * 4, &x, 4);
    }
  }
  return true;
}

double valueAt(const QByteArray& bytes, SampleType type, int i) {
  const char* p = bytes.constData();
  if (type == SampleType::kInt16) {
    qint16 x;
    std::memcpy(&x, p + i * 2, 2);
    return x;
  }
  if (type == SampleType::kInt32) {
    qint32 x;
    std::memcpy(&x, p + i * 4, 4);
    return x;
  }
  float x;
  std::memcpy(&x, p + i * 4, 4);
  // The shortest decimal that reads back as this float (9.81f -> 9.81, not 9.8100004196167), so
  // exported text looks like what was imported and still reads back to the same float32.
  char text[32];
  const std::to_chars_result t = std::to_chars(text, text + sizeof text, x);
  double v = double(x);
  std::from_chars(text, t.ptr, v);
  return v;
}

bool parseSampleFormat(const QString& name, fmt::SampleFormat* out) {
  for (fmt::SampleFormat f :
       {fmt::SampleFormat::kInt8, fmt::SampleFormat::kInt16, fmt::SampleFormat::kInt24,
        fmt::SampleFormat::kInt32, fmt::SampleFormat::kFloat32, fmt::SampleFormat::kFloat64})
    if (name == QLatin1String(fmt::sampleFormatName(f))) {
      *out = f;
      return true;
    }
  return false;
}

QString categoryOf(Split s) {
  switch (s) {
    case Split::kTrain:
      return QStringLiteral("training");
    case Split::kTest:
      return QStringLiteral("testing");
    case Split::kUnassigned:
      break;
  }
  return {};
}

}  // namespace

QString exchangeFormatName(ExchangeFormat format) {
  for (const FormatName& f : kFormatNames)
    if (f.format == format) return QString::fromLatin1(f.name);
  return {};
}

bool parseExchangeFormat(const QString& name, ExchangeFormat* out) {
  for (const FormatName& f : kFormatNames)
    if (name == QLatin1String(f.name)) {
      *out = f.format;
      return true;
    }
  return false;
}

bool readLabelFile(const QString& path, ExchangeFormat format, double rateHz, qint64 frames,
                   QVector<Segment>* segments, QString* error) {
  const fmt::FormatResult<QVector<fmt::Segment>> read = readLabels(path, format, rateHz, frames);
  if (!read.ok()) return setError(error, read.error);
  segments->clear();
  for (const fmt::Segment& s : read.value) {
    Segment seg;
    seg.label = s.label;
    seg.start = s.start;
    seg.end = s.end;
    segments->push_back(seg);
  }
  return true;
}

namespace {
qint64 folderBytes(const QString& path) {
  qint64 total = 0;
  QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    it.next();
    total += it.fileInfo().size();
  }
  return total;
}
}  // namespace

bool readImportFiles(const QStringList& paths, const ImportOptions& options,
                     QVector<ImportItem>* items, QString* error) {
  qint64 total = 0;
  for (const QString& path : paths) {
    const QFileInfo fi(path);
    total += fi.isDir() ? folderBytes(path) : fi.size();
  }
  if (total > options.maxInputBytes)
    return setError(error, fmt::formatError(paths.join(QLatin1Char(' ')), {},
                                            QStringLiteral("%1 bytes of input are more than one "
                                                           "import holds (%2 bytes); import in "
                                                           "parts")
                                                .arg(total)
                                                .arg(options.maxInputBytes)));
  qint64 done = 0;
  auto step = [&](qint64 bytes) {
    done += bytes;
    if (!options.progress || options.progress(std::min(done, total), total)) return true;
    return setError(error, QStringLiteral("import cancelled"));
  };
  for (const QString& path : paths) {
    const QFileInfo fi(path);
    if (!fi.exists())
      return setError(error, fmt::formatError(path, {}, QStringLiteral("does not exist")));
    if (fi.isDir()) {
      const QDir dir(path);
      if (options.format == ExchangeFormat::kEiFolder ||
          (options.format == ExchangeFormat::kAuto && isEiFolder(dir))) {
        const fmt::FormatResult<QVector<fmt::EiFolderSample>> folder =
            fmt::readEiFolder(path, options.hmacKey);
        if (!folder.ok()) return setError(error, folder.error);
        for (const fmt::EiFolderSample& s : folder.value) {
          ImportItem item;
          item.file = dir.filePath(s.path);
          item.recording = s.recording;
          const QString suffix = QFileInfo(s.path).suffix().toLower();
          item.fromEi = suffix == QLatin1String("json") || suffix == QLatin1String("cbor");
          item.signature = s.signature;
          items->push_back(item);
        }
        if (!step(folderBytes(path))) return false;
        continue;
      }
      QStringList names;
      for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
        if (sampleSuffixes().contains(QFileInfo(name).suffix().toLower())) names << name;
      if (names.isEmpty())
        return setError(error,
                        fmt::formatError(path, {},
                                         QStringLiteral("holds no sample files (.json .cbor "
                                                        ".csv .wav .flac) and no info.labels")));
      for (const QString& name : names) {
        ImportItem item;
        if (!readOneFile(dir.filePath(name), options, &item, error)) return false;
        items->push_back(item);
        if (!step(QFileInfo(dir.filePath(name)).size())) return false;
      }
      continue;
    }
    if (options.format == ExchangeFormat::kEiFolder)
      return setError(error, fmt::formatError(path, {},
                                              QStringLiteral("is a file, not an Edge Impulse "
                                                             "export folder")));
    ImportItem item;
    if (!readOneFile(path, options, &item, error)) return false;
    items->push_back(item);
    if (!step(fi.size())) return false;
  }
  return true;
}

bool toNewSample(const ImportItem& item, const ImportOptions& options, DatasetStore::NewSample* out,
                 QString* error) {
  const fmt::Recording& rec = item.recording;
  const QString problem = rec.validate();
  if (!problem.isEmpty()) return setError(error, fmt::formatError(item.file, {}, problem));
  SampleSpec& spec = out->spec;
  spec = SampleSpec();
  spec.name = rec.name.isEmpty() ? QFileInfo(item.file).completeBaseName() : rec.name;
  bool audio = true;
  for (const fmt::Axis& a : rec.axes) {
    spec.axes << a.name;
    spec.units << a.units;
    audio = audio && a.units == QLatin1String("wav");
  }
  spec.sensor = audio ? QStringLiteral("microphone") : QStringLiteral("sensor");
  spec.rateHz = rec.rateHz();
  // 1000 / intervalMs of a whole rate may miss it by an ulp (44.1 kHz): keep the whole rate.
  if (std::fabs(spec.rateHz - std::round(spec.rateHz)) < 1e-6 * spec.rateHz)
    spec.rateHz = std::round(spec.rateHz);
  spec.type = typeFor(rec);
  // Device times beyond what a sidecar holds (2^62 µs) are unknown (-1); gaps at most 2^40 frames.
  auto deviceUs = [](quint64 us) {
    return us > 0 && us <= (quint64(1) << 62) ? qint64(us) : qint64(-1);
  };
  spec.firstDeviceUs = deviceUs(rec.firstTimestampUs);
  for (const fmt::Gap& g : rec.gaps) {
    Gap gap;
    gap.atFrame = g.sample;
    const double lost =
        std::min(double(qint64(1) << 40), std::max(1.0, double(g.lostUs) * rec.rateHz() / 1e6));
    gap.lostFrames = std::llround(lost);
    gap.deviceUs = deviceUs(g.timestampUs);
    spec.gaps << gap;
  }
  spec.deviceName = rec.deviceName.isEmpty() ? rec.deviceType : rec.deviceName;
  const QString label = options.label.isEmpty() ? rec.label : options.label;
  if (!label.isEmpty()) spec.labels << label;
  for (const fmt::Segment& s : rec.segments) {
    const QString bad = fmt::checkSegment(s, rec.frameCount());
    if (!bad.isEmpty()) return setError(error, fmt::formatError(item.file, {}, bad));
    Segment seg;
    seg.label = s.label;
    seg.start = s.start;
    seg.end = s.end;
    spec.segments << seg;
  }
  if (options.hasSplit) {
    spec.split = options.split;
  } else if (rec.category == QLatin1String("training")) {
    spec.split = Split::kTrain;
  } else if (rec.category == QLatin1String("testing")) {
    spec.split = Split::kTest;
  }
  for (auto it = rec.metadata.begin(); it != rec.metadata.end(); ++it)
    spec.metadata.insert(it.key(), it.value().toString());
  if (item.fromEi) spec.metadata.insert(kSignatureKey, signatureWord(item.signature));
  if (!rec.deviceType.isEmpty()) spec.metadata.insert(kDeviceTypeKey, rec.deviceType);
  if (rec.sampleFormat != fmt::SampleFormat::kUnknown)
    spec.metadata.insert(kSourceFormatKey,
                         QString::fromLatin1(fmt::sampleFormatName(rec.sampleFormat)));
  spec.metadata.insert(kSourceFileKey, QFileInfo(item.file).fileName());
  return pack(item, spec.type, &out->frames, error);
}

bool toRecording(const DatasetStore& store, const SampleRecord& r, fmt::Recording* out,
                 QString* error) {
  fmt::Recording rec;
  rec.name = r.name;
  QByteArray frames;
  if (!store.readFrames(r.id, &frames, error)) return false;
  QString e;
  const QVector<Segment> segments = store.segments(r.id, &e);
  const QVector<Gap> gaps = store.gaps(r.id, &e);
  const QMap<QString, QString> metadata = store.metadata(r.id, &e);
  if (!e.isEmpty()) return setError(error, e);
  for (const Segment& s : segments) {
    if (s.whole && rec.label.isEmpty())
      rec.label = s.label;
    else
      rec.segments.push_back({s.whole ? 0 : s.start, s.whole ? r.frames : s.end, s.label});
  }
  rec.category = categoryOf(r.split);
  rec.deviceName = r.device;
  rec.deviceType = metadata.value(kDeviceTypeKey, QStringLiteral("tinyscope"));
  rec.intervalMs = 1000.0 / r.rateHz;
  for (int c = 0; c < r.axes.size(); ++c)
    rec.axes.push_back({r.axes[c], c < r.units.size() ? r.units[c] : QString()});
  const int n = int(frames.size() / bytesPerValue(r.type));
  rec.values.resize(n);
  for (int i = 0; i < n; ++i) rec.values[i] = valueAt(frames, r.type, i);
  rec.firstTimestampUs = r.firstDeviceUs > 0 ? quint64(r.firstDeviceUs) : 0;
  for (const Gap& g : gaps)
    rec.gaps.push_back({g.atFrame, g.deviceUs > 0 ? quint64(g.deviceUs) : 0,
                        qint64(std::llround(double(g.lostFrames) * 1e6 / r.rateHz))});
  fmt::SampleFormat depth = fmt::SampleFormat::kUnknown;
  if (!parseSampleFormat(metadata.value(kSourceFormatKey), &depth))
    depth = r.type == SampleType::kInt16   ? fmt::SampleFormat::kInt16
            : r.type == SampleType::kInt32 ? fmt::SampleFormat::kInt32
                                           : fmt::SampleFormat::kFloat32;
  rec.sampleFormat = depth;
  for (auto it = metadata.begin(); it != metadata.end(); ++it)
    if (it.key() != QLatin1String(kSignatureKey) && it.key() != QLatin1String(kDeviceTypeKey) &&
        it.key() != QLatin1String(kSourceFormatKey) && it.key() != QLatin1String(kSourceFileKey))
      rec.metadata.insert(it.key(), it.value());
  *out = rec;
  return true;
}

bool importRecordings(DatasetStore* store, const QVector<ImportItem>& items,
                      const ImportOptions& options, ImportReport* report, QString* error) {
  if (items.isEmpty()) return setError(error, QStringLiteral("nothing to import"));
  QVector<DatasetStore::NewSample> batch;
  batch.reserve(items.size());
  ImportReport r;
  for (const ImportItem& item : items) {
    DatasetStore::NewSample s;
    if (!toNewSample(item, options, &s, error)) return false;
    r.frames += item.recording.frameCount();
    r.files << item.file;
    batch.push_back(std::move(s));
  }
  if (options.progress && !options.progress(1, 1))
    return setError(error, QStringLiteral("import cancelled"));
  int failed = -1;
  QString e;
  r.sampleIds = store->addSamples(batch, &e, &failed);
  if (r.sampleIds.isEmpty())
    return setError(error, failed >= 0 ? fmt::formatError(items[failed].file, {}, e) : e);
  if (report) *report = r;
  return true;
}

bool importFiles(DatasetStore* store, const QStringList& paths, const ImportOptions& options,
                 ImportReport* report, QString* error) {
  QVector<ImportItem> items;
  if (!readImportFiles(paths, options, &items, error)) return false;
  return importRecordings(store, items, options, report, error);
}

bool exportSamples(const DatasetStore& store, const SampleFilter& filter, const QString& finalDir,
                   const ExportOptions& options, ExportReport* report, QString* error) {
  QString e;
  const QVector<SampleRecord> rows = store.list(filter, &e);
  if (!e.isEmpty()) return setError(error, e);
  const QDir final(finalDir);
  if (!final.mkpath(QStringLiteral(".")))
    return setError(error, fmt::formatError(finalDir, {}, QStringLiteral("cannot be created")));
  // Everything is written to a staging folder inside OUT and moved in when all of it worked, so a
  // refused export leaves OUT as it was.
  QTemporaryDir stage(final.filePath(QStringLiteral(".tinyscope-export-XXXXXX")));
  if (!stage.isValid())
    return setError(error, fmt::formatError(finalDir, {}, QStringLiteral("is not writable")));
  const QString outDir = stage.path();
  const QDir out(outDir);
  ExportReport r;
  // Errors name the files where they were meant to go.
  auto failWith = [&](QString message) {
    return setError(error, message.replace(outDir, final.path()));
  };
  auto cancelled = [&](qint64 done) {
    if (!options.progress || options.progress(done, rows.size())) return false;
    setError(error, QStringLiteral("export cancelled"));
    return true;
  };
  auto publish = [&]() {
    for (const QString& rel : r.files) {
      const QString to = final.filePath(rel);
      if (!QDir().mkpath(QFileInfo(to).path()) || (QFileInfo::exists(to) && !QFile::remove(to)) ||
          !QFile::rename(out.filePath(rel), to))
        return setError(error, fmt::formatError(to, {}, QStringLiteral("cannot be written")));
    }
    if (report) *report = r;
    return true;
  };
  if (options.format == ExchangeFormat::kEiFolder) {
    QVector<fmt::Recording> recs;
    for (const SampleRecord& row : rows) {
      fmt::Recording rec;
      if (!toRecording(store, row, &rec, error)) return false;
      recs.push_back(rec);
      if (cancelled(recs.size())) return false;
    }
    const fmt::FormatResult<QStringList> written =
        fmt::writeEiFolder(outDir, recs, options.hmacKey);
    if (!written.ok()) return failWith(written.error);
    r.samples = rows.size();
    r.files = written.value;
    return publish();
  }
  QSet<QString> used;
  for (const SampleRecord& row : rows) {
    fmt::Recording rec;
    if (!toRecording(store, row, &rec, error)) return false;
    const fmt::EiEncoding enc =
        options.format == ExchangeFormat::kEiCbor ? fmt::EiEncoding::kCbor : fmt::EiEncoding::kJson;
    // "<label>.<name>" by Edge Impulse's rule, unique in this export.
    QString base;
    for (int n = 1;; ++n) {
      if (n > 1) rec.name = QStringLiteral("%1-%2").arg(row.name).arg(n);
      const fmt::FormatResult<QString> name = fmt::eiFileName(rec, enc);
      if (!name.ok()) return setError(error, name.error);
      base = QFileInfo(name.value).completeBaseName();
      if (!used.contains(base)) break;
    }
    used.insert(base);
    QString problem;
    QStringList files;
    switch (options.format) {
      case ExchangeFormat::kEiJson:
      case ExchangeFormat::kEiCbor: {
        const fmt::FormatResult<QString> w =
            fmt::writeEiAcquisitionFile(outDir, rec, enc, options.hmacKey);
        problem = w.error;
        files << QFileInfo(w.value).fileName();
        break;
      }
      case ExchangeFormat::kCsv:
      case ExchangeFormat::kEiCsv:
        files << base + QStringLiteral(".csv");
        problem = fmt::writeCsvFile(out.filePath(files.last()), rec,
                                    options.format == ExchangeFormat::kCsv
                                        ? fmt::CsvFlavour::kTinyscope
                                        : fmt::CsvFlavour::kEdgeImpulse);
        break;
      case ExchangeFormat::kWav:
      case ExchangeFormat::kAudacity:
      case ExchangeFormat::kTextGrid: {
        files << base + QStringLiteral(".wav");
        problem = fmt::writeAudioFile(out.filePath(files.last()), rec, fmt::AudioContainer::kWav,
                                      rec.sampleFormat);
        if (!problem.isEmpty() || options.format == ExchangeFormat::kWav) break;
        QVector<fmt::Segment> segs = rec.segments;
        if (options.format == ExchangeFormat::kAudacity) {
          files << base + QStringLiteral(".txt");
          problem = fmt::writeLabelFile(out.filePath(files.last()),
                                        fmt::encodeAudacityLabels(segs, rec.rateHz()));
        } else {
          files << base + QStringLiteral(".TextGrid");
          problem = fmt::writeLabelFile(out.filePath(files.last()),
                                        fmt::encodeTextGrid(segs, rec.rateHz(), rec.frameCount()));
        }
        break;
      }
      case ExchangeFormat::kAuto:
      case ExchangeFormat::kEiFolder:
        return setError(error, QStringLiteral("export format '%1' is not a per-sample format")
                                   .arg(exchangeFormatName(options.format)));
    }
    if (!problem.isEmpty()) return failWith(problem);
    r.files << files;
    ++r.samples;
    if (cancelled(r.samples)) return false;
  }
  return publish();
}

}  // namespace tinyscope::dataset
