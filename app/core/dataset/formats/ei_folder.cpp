#include "app/core/dataset/formats/ei_folder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>
#include <algorithm>
#include <cmath>

#include "app/core/dataset/formats/audio_file.h"
#include "app/core/dataset/formats/csv_format.h"
#include "app/core/dataset/formats/json_scan.h"
#include "app/core/dataset/formats/text_input.h"

namespace tinyscope::dataset::formats {
namespace {

const QString kInfoLabels = QStringLiteral("info.labels");

bool isIndex(const QJsonValue& v, qint64* out) {
  if (!v.isDouble()) return false;
  const double d = v.toDouble();
  if (d < 0 || d != std::floor(d) || d > 9.0e15) return false;
  *out = static_cast<qint64>(d);
  return true;
}

// A relative path that stays inside the folder, or empty.
QString safeRelative(const QString& path) {
  const QString clean = QDir::cleanPath(QString(path).replace(QLatin1Char('\\'), QLatin1Char('/')));
  if (clean.isEmpty() || QDir::isAbsolutePath(clean) || clean == QLatin1String("..") ||
      clean.startsWith(QLatin1String("../")) || clean.contains(QLatin1Char(':')))
    return {};
  return clean;
}

QStringList sampleFilesIn(const QDir& dir) {
  return dir.entryList({QStringLiteral("*.json"), QStringLiteral("*.cbor"), QStringLiteral("*.csv"),
                        QStringLiteral("*.wav"), QStringLiteral("*.flac")},
                       QDir::Files, QDir::Name);
}

}  // namespace

FormatResult<QVector<InfoLabelsEntry>> parseInfoLabels(const QByteArray& bytes,
                                                       const QString& fileName) {
  FormatResult<QVector<InfoLabelsEntry>> result;
  auto fail = [&](const QString& where, const QString& what) {
    result.error = formatError(fileName, where, what);
    return result;
  };
  const QString keys = checkJsonKeys(bytes);
  if (!keys.isEmpty()) return fail({}, keys);
  QJsonParseError parseError{};
  const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
  if (parseError.error != QJsonParseError::NoError)
    return fail(QStringLiteral("byte %1").arg(parseError.offset),
                QStringLiteral("malformed JSON (%1)").arg(parseError.errorString()));
  if (!doc.isObject()) return fail({}, QStringLiteral("not a JSON object"));
  const QJsonObject root = doc.object();
  if (root.value(QStringLiteral("version")).toDouble(-1) != 1)
    return fail(QStringLiteral("version"), QStringLiteral("only version 1 is known"));
  const QJsonValue files = root.value(QStringLiteral("files"));
  if (!files.isArray()) return fail(QStringLiteral("files"), QStringLiteral("must be a list"));
  const QJsonArray list = files.toArray();
  for (int i = 0; i < list.size(); ++i) {
    const QString where = QStringLiteral("files[%1]").arg(i);
    if (!list[i].isObject()) return fail(where, QStringLiteral("must be an object"));
    const QJsonObject file = list[i].toObject();
    InfoLabelsEntry entry;
    entry.path = file.value(QStringLiteral("path")).toString();
    if (entry.path.isEmpty())
      return fail(where + QStringLiteral(".path"), QStringLiteral("missing"));
    entry.name = file.value(QStringLiteral("name")).toString();
    entry.category = file.value(QStringLiteral("category")).toString();
    if (entry.category == QLatin1String("split")) entry.category.clear();
    if (!entry.category.isEmpty() && entry.category != QLatin1String("training") &&
        entry.category != QLatin1String("testing"))
      return fail(where + QStringLiteral(".category"),
                  QStringLiteral("\"%1\" is not training, testing or split").arg(entry.category));
    const QJsonValue labelValue = file.value(QStringLiteral("label"));
    if (labelValue.isObject()) {
      const QJsonObject label = labelValue.toObject();
      const QString type = label.value(QStringLiteral("type")).toString();
      if (type == QLatin1String("label")) {
        entry.type = InfoLabelsEntry::Type::kLabel;
        entry.label = label.value(QStringLiteral("label")).toString();
        if (!label.value(QStringLiteral("label")).isString())
          return fail(where + QStringLiteral(".label.label"), QStringLiteral("must be a text"));
      } else if (type == QLatin1String("multi-label")) {
        entry.type = InfoLabelsEntry::Type::kMultiLabel;
        const QJsonValue ranges = label.value(QStringLiteral("labels"));
        if (!ranges.isArray())
          return fail(where + QStringLiteral(".label.labels"), QStringLiteral("must be a list"));
        const QJsonArray array = ranges.toArray();
        for (int r = 0; r < array.size(); ++r) {
          const QString at = QStringLiteral("%1.label.labels[%2]").arg(where).arg(r);
          const QJsonObject range = array[r].toObject();
          InfoLabelsRange out;
          out.label = range.value(QStringLiteral("label")).toString();
          if (!isIndex(range.value(QStringLiteral("startIndex")), &out.startIndex) ||
              !isIndex(range.value(QStringLiteral("endIndex")), &out.endIndex))
            return fail(at, QStringLiteral("startIndex and endIndex must be frame indices"));
          if (out.endIndex < out.startIndex)
            return fail(at, QStringLiteral("endIndex %1 is before startIndex %2")
                                .arg(out.endIndex)
                                .arg(out.startIndex));
          if (out.label.isEmpty())
            return fail(at + QStringLiteral(".label"), QStringLiteral("missing"));
          entry.ranges.push_back(out);
        }
      } else if (type == QLatin1String("unlabeled")) {
        entry.type = InfoLabelsEntry::Type::kUnlabeled;
      } else {
        return fail(where + QStringLiteral(".label.type"),
                    QStringLiteral("\"%1\" is not label, multi-label or unlabeled").arg(type));
      }
    } else if (!labelValue.isUndefined() && !labelValue.isNull()) {
      return fail(where + QStringLiteral(".label"), QStringLiteral("must be an object"));
    }
    const QJsonObject metadata = file.value(QStringLiteral("metadata")).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
      entry.metadata.insert(it.key(), it.value().toVariant());
    result.value.push_back(entry);
  }
  return result;
}

QByteArray encodeInfoLabels(const QVector<InfoLabelsEntry>& entries) {
  QJsonArray files;
  for (const InfoLabelsEntry& e : entries) {
    QJsonObject label;
    switch (e.type) {
      case InfoLabelsEntry::Type::kFromFileName:
        break;
      case InfoLabelsEntry::Type::kUnlabeled:
        label.insert(QStringLiteral("type"), QStringLiteral("unlabeled"));
        break;
      case InfoLabelsEntry::Type::kLabel:
        label.insert(QStringLiteral("type"), QStringLiteral("label"));
        label.insert(QStringLiteral("label"), e.label);
        break;
      case InfoLabelsEntry::Type::kMultiLabel: {
        QJsonArray ranges;
        for (const InfoLabelsRange& r : e.ranges)
          ranges.append(
              QJsonObject{{QStringLiteral("label"), r.label},
                          {QStringLiteral("startIndex"), static_cast<double>(r.startIndex)},
                          {QStringLiteral("endIndex"), static_cast<double>(r.endIndex)}});
        label.insert(QStringLiteral("type"), QStringLiteral("multi-label"));
        label.insert(QStringLiteral("labels"), ranges);
        break;
      }
    }
    files.append(
        QJsonObject{{QStringLiteral("path"), e.path},
                    {QStringLiteral("name"), e.name},
                    {QStringLiteral("category"), e.category},
                    {QStringLiteral("label"), label},
                    {QStringLiteral("metadata"), QJsonObject::fromVariantMap(e.metadata)}});
  }
  return QJsonDocument(
             QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("files"), files}})
      .toJson(QJsonDocument::Indented);
}

namespace {

// "<label>.<name>.<ext>" names a label; "<name>.<ext>" and "unlabeled.<name>.<ext>" do not.
bool hasLabelPrefix(const QString& path) {
  const QString base = QFileInfo(path).fileName();
  return base.count(QLatin1Char('.')) >= 2 &&
         eiLabelFromFileName(base) != QLatin1String("unlabeled");
}

}  // namespace

QString applyInfoLabels(const InfoLabelsEntry& entry, const QString& fileName, Recording* rec) {
  if (!entry.name.isEmpty()) rec->name = entry.name;
  rec->category = entry.category;
  for (auto it = entry.metadata.begin(); it != entry.metadata.end(); ++it)
    rec->metadata.insert(it.key(), it.value());
  switch (entry.type) {
    case InfoLabelsEntry::Type::kFromFileName:
      break;  // the reader already took the label from the file name
    case InfoLabelsEntry::Type::kUnlabeled:
      rec->label.clear();
      break;
    case InfoLabelsEntry::Type::kLabel:
      rec->label = entry.label;
      break;
    case InfoLabelsEntry::Type::kMultiLabel:
      // The ranges become segments; the whole-sample label is the one the file name states
      // ("<label>.<name>.json", as Edge Impulse and writeEiFolder name files). A name without
      // that prefix ("sample_1.json") or with the "unlabeled" placeholder states none.
      rec->label = hasLabelPrefix(entry.path) ? eiLabelFromFileName(entry.path) : QString();
      for (int r = 0; r < entry.ranges.size(); ++r) {
        const InfoLabelsRange& range = entry.ranges[r];
        const Segment segment = segmentFromInclusive(range.startIndex, range.endIndex, range.label);
        const QString problem = checkSegment(segment, rec->frameCount());
        if (!problem.isEmpty())
          return formatError(fileName,
                             QStringLiteral("%1: label.labels[%2]").arg(entry.path).arg(r),
                             QStringLiteral("endIndex %1 (inclusive) is past the last frame %2")
                                 .arg(range.endIndex)
                                 .arg(rec->frameCount() - 1));
        rec->segments.push_back(segment);
      }
      break;
  }
  return {};
}

FormatResult<EiFolderSample> readEiSampleFile(const QString& path, const QString& hmacKey) {
  FormatResult<EiFolderSample> result;
  const QString suffix = QFileInfo(path).suffix().toLower();
  FormatResult<Recording> rec;
  if (suffix == QLatin1String("json") || suffix == QLatin1String("cbor")) {
    const FormatResult<EiAcquisition> ei = readEiAcquisitionFile(path, hmacKey);
    rec = {ei.value.recording, ei.error};
    result.value.signature = ei.value.signature;
  } else if (suffix == QLatin1String("csv")) {
    rec = readCsvFile(path);
  } else if (suffix == QLatin1String("wav") || suffix == QLatin1String("flac")) {
    rec = readAudioFile(path);
  } else {
    result.error = formatError(path, {},
                               QStringLiteral("\".%1\" is not a sample format tinyscope "
                                              "reads (json, cbor, csv, wav, flac)")
                                   .arg(suffix));
    return result;
  }
  result.error = rec.error;
  result.value.recording = rec.value;
  return result;
}

FormatResult<QVector<EiFolderSample>> readEiFolder(const QString& dirPath, const QString& hmacKey) {
  FormatResult<QVector<EiFolderSample>> result;
  const QDir root(dirPath);
  if (!root.exists()) {
    result.error = formatError(dirPath, {}, QStringLiteral("no such folder"));
    return result;
  }
  // Every info.labels: the root's, then training/ and testing/.
  struct Listed {
    InfoLabelsEntry entry;
    QString labelsFile;
    QString relative;
  };
  QVector<Listed> listed;
  QSet<QString> seen;
  for (const QString& sub : {QString(), QStringLiteral("training"), QStringLiteral("testing")}) {
    const QString labelsPath =
        root.filePath(sub.isEmpty() ? kInfoLabels : sub + QLatin1Char('/') + kInfoLabels);
    if (!QFileInfo::exists(labelsPath)) continue;
    const FormatResult<QByteArray> bytes = readInputFile(labelsPath);
    if (!bytes.ok()) {
      result.error = bytes.error;
      return result;
    }
    const FormatResult<QVector<InfoLabelsEntry>> entries = parseInfoLabels(bytes.value, labelsPath);
    if (!entries.ok()) {
      result.error = entries.error;
      return result;
    }
    for (int i = 0; i < entries.value.size(); ++i) {
      const InfoLabelsEntry& e = entries.value[i];
      const QString rel = safeRelative(e.path);
      if (rel.isEmpty()) {
        result.error = formatError(labelsPath, QStringLiteral("files[%1].path").arg(i),
                                   QStringLiteral("\"%1\" leaves the folder").arg(e.path));
        return result;
      }
      // Relative to the info.labels that names it; EI's root file names "training/x.json".
      QString candidate = sub.isEmpty() ? rel : safeRelative(sub + QLatin1Char('/') + rel);
      if (!QFileInfo::exists(root.filePath(candidate))) candidate = rel;
      if (seen.contains(candidate)) continue;
      seen.insert(candidate);
      listed.push_back({e, labelsPath, candidate});
    }
  }
  if (!listed.isEmpty()) {
    for (const Listed& l : listed) {
      const QString path = root.filePath(l.relative);
      if (!QFileInfo::exists(path)) {
        result.error =
            formatError(l.labelsFile, l.entry.path, QStringLiteral("the file is missing"));
        return result;
      }
      FormatResult<EiFolderSample> sample = readEiSampleFile(path, hmacKey);
      if (!sample.ok()) {
        result.error = sample.error;
        return result;
      }
      const QString problem = applyInfoLabels(l.entry, l.labelsFile, &sample.value.recording);
      if (!problem.isEmpty()) {
        result.error = problem;
        return result;
      }
      sample.value.path = l.relative;
      result.value.push_back(sample.value);
    }
    return result;
  }
  // No info.labels: labels from file names, categories from folders.
  for (const QString& sub : {QString(), QStringLiteral("training"), QStringLiteral("testing")}) {
    const QDir dir(sub.isEmpty() ? root.path() : root.filePath(sub));
    if (!dir.exists()) continue;
    for (const QString& name : sampleFilesIn(dir)) {
      FormatResult<EiFolderSample> sample = readEiSampleFile(dir.filePath(name), hmacKey);
      if (!sample.ok()) {
        result.error = sample.error;
        return result;
      }
      sample.value.recording.category = sub;
      sample.value.path = sub.isEmpty() ? name : sub + QLatin1Char('/') + name;
      result.value.push_back(sample.value);
    }
  }
  if (result.value.isEmpty())
    result.error = formatError(dirPath, {}, QStringLiteral("holds no info.labels and no samples"));
  return result;
}

FormatResult<QStringList> writeEiFolder(const QString& dirPath,
                                        const QVector<Recording>& recordings,
                                        const QString& hmacKey) {
  FormatResult<QStringList> result;
  QDir root(dirPath);
  QVector<InfoLabelsEntry> entries;
  QSet<QString> used;
  for (const Recording& source : recordings) {
    Recording rec = source;
    InfoLabelsEntry entry;
    entry.name = rec.name;
    entry.category = rec.category.isEmpty() ? QStringLiteral("training") : rec.category;
    if (entry.category != QLatin1String("training") && entry.category != QLatin1String("testing")) {
      result.error =
          formatError(rec.name, QStringLiteral("category"),
                      QStringLiteral("\"%1\" is not training or testing").arg(rec.category));
      return result;
    }
    for (auto it = rec.metadata.begin(); it != rec.metadata.end(); ++it) {
      if (!it.key().startsWith(QLatin1String("ei.")) &&
          !it.key().startsWith(QLatin1String("csv.")) &&
          !it.key().startsWith(QLatin1String("audio.")))
        entry.metadata.insert(it.key(), it.value().toString());
    }
    if (!rec.segments.isEmpty()) {
      QVector<Segment> spans = rec.segments;
      std::sort(spans.begin(), spans.end(),
                [](const Segment& a, const Segment& b) { return a.start < b.start; });
      entry.type = InfoLabelsEntry::Type::kMultiLabel;
      qint64 next = 0;  // first frame not yet covered
      auto cover = [&](qint64 first, qint64 last, const QString& label) {
        entry.ranges.push_back({first, last, label});
        next = last + 1;
      };
      for (const Segment& s : spans) {
        qint64 first = 0;
        qint64 last = 0;
        segmentToInclusive(s, &first, &last);
        if (first < next) {
          result.error = formatError(rec.name, QStringLiteral("segments"),
                                     QStringLiteral("\"%1\" at frame %2 overlaps the one before; "
                                                    "Edge Impulse multi-label cannot hold overlaps")
                                         .arg(s.label)
                                         .arg(first));
          return result;
        }
        if (first > next) {
          if (rec.label.isEmpty()) {
            result.error = formatError(rec.name, QStringLiteral("segments"),
                                       QStringLiteral("frames %1..%2 have no label; Edge Impulse "
                                                      "multi-label needs every frame labelled")
                                           .arg(next)
                                           .arg(first - 1));
            return result;
          }
          cover(next, first - 1, rec.label);
        }
        cover(first, last, s.label);
      }
      if (next < rec.frameCount()) {
        if (rec.label.isEmpty()) {
          result.error = formatError(rec.name, QStringLiteral("segments"),
                                     QStringLiteral("frames %1..%2 have no label; Edge Impulse "
                                                    "multi-label needs every frame labelled")
                                         .arg(next)
                                         .arg(rec.frameCount() - 1));
          return result;
        }
        cover(next, rec.frameCount() - 1, rec.label);
      }
    } else if (!rec.label.isEmpty()) {
      entry.type = InfoLabelsEntry::Type::kLabel;
      entry.label = rec.label;
    } else {
      entry.type = InfoLabelsEntry::Type::kUnlabeled;
    }
    FormatResult<QString> fileName = eiFileName(rec, EiEncoding::kJson);
    if (!fileName.ok()) {
      result.error = fileName.error;
      return result;
    }
    QString relative = entry.category + QLatin1Char('/') + fileName.value;
    for (int n = 2; used.contains(relative); ++n) {
      rec.name = QStringLiteral("%1-%2").arg(source.name).arg(n);
      relative = entry.category + QLatin1Char('/') + eiFileName(rec, EiEncoding::kJson).value;
    }
    used.insert(relative);
    if (!root.mkpath(entry.category)) {
      result.error =
          formatError(root.filePath(entry.category), {}, QStringLiteral("cannot be created"));
      return result;
    }
    const FormatResult<QString> written =
        writeEiAcquisitionFile(root.filePath(entry.category), rec, EiEncoding::kJson, hmacKey);
    if (!written.ok()) {
      result.error = written.error;
      return result;
    }
    entry.path = relative;
    entries.push_back(entry);
    result.value << relative;
  }
  QSaveFile labels(root.filePath(kInfoLabels));
  const QByteArray bytes = encodeInfoLabels(entries);
  if (!labels.open(QIODevice::WriteOnly) || labels.write(bytes) != bytes.size() ||
      !labels.commit()) {
    result.error = formatError(labels.fileName(), {}, labels.errorString());
    return result;
  }
  result.value << kInfoLabels;
  return result;
}

}  // namespace tinyscope::dataset::formats
