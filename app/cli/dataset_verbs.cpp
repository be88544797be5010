// tinyscope-cli dataset
// <list|info|stats|label|relabel|split|import|export|label-import|verify|repair|rm> DIR ...: thin
// shells over app/core/dataset. Every edit is one transaction; errors are one line naming the file
// or field.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "app/core/dataset/dataset_exchange.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/edit_commands.h"

namespace tinyscope::cli {

namespace ds = tinyscope::dataset;

namespace {

const QCommandLineOption kJsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
// Rows `dataset list` prints unless --limit or --all says otherwise: a screenful or two, and a
// page costs well under a millisecond however large the dataset (docs/DATASET.md).
constexpr int kDefaultPage = 100;

struct FilterOptions {
  QCommandLineOption label{QStringLiteral("label"),
                           QStringLiteral("Samples carrying label L (repeat for any of several)."),
                           QStringLiteral("L")};
  QCommandLineOption unlabeled{QStringLiteral("unlabeled"),
                               QStringLiteral("Samples without labels.")};
  QCommandLineOption split{QStringLiteral("in-split"),
                           QStringLiteral("Samples in train, test or unassigned."),
                           QStringLiteral("SPLIT")};
  QCommandLineOption session{QStringLiteral("session"), QStringLiteral("Samples of session id N."),
                             QStringLiteral("N")};
  QCommandLineOption device{QStringLiteral("device"),
                            QStringLiteral("Samples recorded from device NAME or URI."),
                            QStringLiteral("NAME")};
  QCommandLineOption from{
      QStringLiteral("from"),
      QStringLiteral("Samples recorded at or after T (ISO 8601 or ms since epoch)."),
      QStringLiteral("T")};
  // "--until" everywhere; "--to" too, except in export where --to names the output folder.
  QCommandLineOption to;
  QCommandLineOption name{QStringLiteral("name"),
                          QStringLiteral("Samples whose name contains TEXT."),
                          QStringLiteral("TEXT")};
  explicit FilterOptions(bool toIsOutput = false)
      : to(toIsOutput ? QStringList{QStringLiteral("until")}
                      : QStringList{QStringLiteral("to"), QStringLiteral("until")},
           QStringLiteral("Samples recorded before T (ISO 8601 or ms since epoch)."),
           QStringLiteral("T")) {}
  void add(QCommandLineParser& p) const {
    p.addOptions({label, unlabeled, split, session, device, from, to, name});
  }
  bool any(const QCommandLineParser& p) const {
    for (const QCommandLineOption* o :
         {&label, &unlabeled, &split, &session, &device, &from, &to, &name})
      if (p.isSet(*o)) return true;
    return false;
  }
};

bool parseTime(const QString& text, qint64* ms) {
  bool ok = false;
  const qint64 v = text.toLongLong(&ok);
  if (ok && v >= 0) {
    *ms = v;
    return true;
  }
  const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
  if (!t.isValid()) return false;
  *ms = t.toMSecsSinceEpoch();
  return true;
}

bool parseInt(const QString& text, qint64 min, qint64* out) {
  bool ok = false;
  const qint64 v = text.toLongLong(&ok);
  if (!ok || v < min) return false;
  *out = v;
  return true;
}

// Reads the filter options; on a bad value prints one line and sets *code.
bool readFilter(const QString& verb, const QCommandLineParser& p, const FilterOptions& o,
                ds::SampleFilter* f, int* code) {
  f->labels = p.values(o.label);
  f->unlabeled = p.isSet(o.unlabeled);
  f->nameContains = p.value(o.name);
  f->device = p.value(o.device);
  auto bad = [&](const QCommandLineOption& opt, const QString& what) {
    *code = fail(verb,
                 QStringLiteral("--%1 '%2' is not %3").arg(opt.names().first(), p.value(opt), what),
                 kExitUsage);
    return false;
  };
  if (p.isSet(o.split)) {
    f->hasSplit = true;
    if (!ds::parseSplit(p.value(o.split), &f->split))
      return bad(o.split, QStringLiteral("train, test or unassigned"));
  }
  if (p.isSet(o.session) && !parseInt(p.value(o.session), 1, &f->sessionId))
    return bad(o.session, QStringLiteral("a session id"));
  if (p.isSet(o.from) && !parseTime(p.value(o.from), &f->createdFromMs))
    return bad(o.from, QStringLiteral("a time (ISO 8601 or ms since epoch)"));
  if (p.isSet(o.to) && !parseTime(p.value(o.to), &f->createdToMs))
    return bad(o.to, QStringLiteral("a time (ISO 8601 or ms since epoch)"));
  return true;
}

std::unique_ptr<ds::DatasetStore> openStore(const QString& verb, const QString& dir, int* code) {
  QString error;
  auto store = ds::DatasetStore::open(dir, &error);
  if (!store) *code = fail(verb, error, kExitUsage);
  return store;
}

QJsonObject sampleJson(const ds::SampleRecord& r) {
  return QJsonObject{
      {"id", double(r.id)},
      {"name", r.name},
      {"content_id", r.contentId},
      {"file", r.file},
      {"begin_frame", double(r.begin)},
      {"frames", double(r.frames)},
      {"channels", r.channels},
      {"rate_hz", r.rateHz},
      {"seconds", r.rateHz > 0 ? double(r.frames) / r.rateHz : 0.0},
      {"sample_type", ds::sampleTypeName(r.type)},
      {"sensor", r.sensor},
      {"axes", QJsonArray::fromStringList(r.axes)},
      {"units", QJsonArray::fromStringList(r.units)},
      {"first_device_us", double(r.firstDeviceUs)},
      {"created", QDateTime::fromMSecsSinceEpoch(r.createdMs, Qt::UTC).toString(Qt::ISODateWithMs)},
      {"split", ds::splitName(r.split)},
      {"session_id", double(r.sessionId)},
      {"device", r.device},
      {"labels", QJsonArray::fromStringList(r.labels)},
  };
}

void printJson(const QJsonObject& o) {
  out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
  out().flush();
}

// Parses "tinyscope-cli dataset <sub> ..." for one sub-verb; -1 to continue.
int parseSub(QCommandLineParser& p, const QStringList& args, const QString& verb,
             const QString& description, int minPositional, int maxPositional) {
  p.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The dataset folder."));
  return parseVerbArgs(p, args, verb, description, minPositional, maxPositional);
}

// Parses a sub-verb that takes only DIR and opens it; nullptr with *code set (0 after --help).
std::unique_ptr<ds::DatasetStore> parseAndOpen(QCommandLineParser& p, const QStringList& args,
                                               const QString& verb, const QString& description,
                                               int* code) {
  if (int c = parseSub(p, args, verb, description, 1, 1); c >= 0) {
    *code = c;
    return nullptr;
  }
  return openStore(verb, p.positionalArguments().at(0), code);
}

// Parses a sub-verb over DIR with the filter options (and any options already added to p),
// reads the filter and opens DIR; nullptr with *code set (0 after --help).
std::unique_ptr<ds::DatasetStore> parseFilteredAndOpen(QCommandLineParser& p,
                                                       const QStringList& args, const QString& verb,
                                                       const QString& description,
                                                       ds::SampleFilter* f, int* code) {
  FilterOptions fo;
  fo.add(p);
  if (int c = parseSub(p, args, verb, description, 1, 1); c >= 0) {
    *code = c;
    return nullptr;
  }
  if (!readFilter(verb, p, fo, f, code)) return nullptr;
  return openStore(verb, p.positionalArguments().at(0), code);
}

int runList(const QStringList& args) {
  const QString verb = QStringLiteral("dataset list");
  QCommandLineParser p;
  const QCommandLineOption limit(
      QStringLiteral("limit"),
      QStringLiteral("At most N samples (default %1; one page).").arg(kDefaultPage),
      QStringLiteral("N"));
  const QCommandLineOption offset(QStringLiteral("offset"),
                                  QStringLiteral("Skip the first K matching samples."),
                                  QStringLiteral("K"));
  const QCommandLineOption after(QStringLiteral("after"),
                                 QStringLiteral("Samples after sample id ID (the next page)."),
                                 QStringLiteral("ID"));
  const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Every matching sample."));
  p.addOptions({kJsonOpt, limit, offset, after, all});
  int code = 0;
  ds::SampleFilter f;
  auto store = parseFilteredAndOpen(
      p, args, verb, QStringLiteral("List the samples matching the filters."), &f, &code);
  if (!store) return code;
  ds::SamplePage page{0, kDefaultPage, 0};
  qint64 n = 0;
  if (p.isSet(all) && p.isSet(limit))
    return fail(verb, QStringLiteral("--all and --limit contradict each other"), kExitUsage);
  if (p.isSet(all)) page.limit = 0;
  if (p.isSet(limit)) {
    if (!parseInt(p.value(limit), 1, &n) || n > 100000000)
      return fail(verb, QStringLiteral("--limit '%1' is not a count >= 1").arg(p.value(limit)),
                  kExitUsage);
    page.limit = static_cast<int>(n);
  }
  if (p.isSet(offset) && !parseInt(p.value(offset), 0, &page.offset))
    return fail(verb, QStringLiteral("--offset '%1' is not a count >= 0").arg(p.value(offset)),
                kExitUsage);
  if (p.isSet(after) && !parseInt(p.value(after), 1, &page.afterId))
    return fail(verb, QStringLiteral("--after '%1' is not a sample id").arg(p.value(after)),
                kExitUsage);
  QString error;
  const QVector<ds::SampleRecord> rows = store->listSamples(f, page, &error);
  if (!error.isEmpty()) return fail(verb, error, kExitUsage);
  // Every match, counted in SQL unless the list holds them all.
  const bool paged = page.limit > 0 || page.offset > 0 || page.afterId > 0;
  const qint64 total = paged ? store->countSamples(f, &error) : rows.size();
  if (!error.isEmpty()) return fail(verb, error, kExitUsage);
  if (p.isSet(kJsonOpt)) {
    QJsonArray a;
    for (const ds::SampleRecord& r : rows) a.append(sampleJson(r));
    printJson(QJsonObject{{"dataset", store->dir()},
                          {"count", rows.size()},
                          {"total", double(total)},
                          {"offset", double(page.offset)},
                          {"samples", a}});
    return kExitOk;
  }
  out() << "   id  name                          frames  rate Hz   ch  split       labels\n";
  for (const ds::SampleRecord& r : rows)
    out() << QString::number(r.id).rightJustified(5) << "  " << r.name.left(28).leftJustified(28)
          << "  " << QString::number(r.frames).rightJustified(7) << "  "
          << QString::number(r.rateHz, 'g', 7).rightJustified(7) << "  "
          << QString::number(r.channels).rightJustified(3) << "  "
          << ds::splitName(r.split).leftJustified(10) << "  " << r.labels.join(QLatin1Char(','))
          << "\n";
  if (rows.size() == total)
    out() << rows.size() << " samples\n";
  else if (rows.isEmpty())
    out() << "no samples here; " << total << " match\n";
  else if (page.afterId > 0)
    out() << rows.size() << " of " << total << " samples (after id " << page.afterId
          << "; the next page: --after " << rows.constLast().id << ")\n";
  else
    out() << "samples " << page.offset + 1 << "-" << page.offset + rows.size() << " of " << total
          << " (the next page: --offset " << page.offset + rows.size() << "; every one: --all)\n";
  out().flush();
  return kExitOk;
}

// Counts per label, split and device, with their seconds, for the samples matching the filters:
// SQL counts over the index (DatasetStore::countBy), no sample listed.
int runStats(const QStringList& args) {
  const QString verb = QStringLiteral("dataset stats");
  QCommandLineParser p;
  p.addOption(kJsonOpt);
  int code = 0;
  ds::SampleFilter f;
  auto store = parseFilteredAndOpen(p, args, verb,
                                    QStringLiteral("Samples and seconds per label, split and "
                                                   "device (of the samples matching the filters)."),
                                    &f, &code);
  if (!store) return code;
  struct Table {
    const char* key;    // JSON
    const char* title;  // text
    ds::GroupBy group;
    QVector<ds::GroupCount> rows;
  };
  Table tables[] = {{"labels", "label", ds::GroupBy::kLabel, {}},
                    {"splits", "split", ds::GroupBy::kSplit, {}},
                    {"devices", "device", ds::GroupBy::kDevice, {}}};
  QString error;
  for (Table& t : tables) {
    t.rows = store->countBy(t.group, f, &error);
    if (!error.isEmpty()) return fail(verb, error, kExitUsage);
  }
  // Every sample is in exactly one split: the totals come from there.
  qint64 samples = 0;
  double seconds = 0;
  for (const ds::GroupCount& c : tables[1].rows) {
    samples += c.samples;
    seconds += c.seconds;
  }
  auto shown = [](const Table& t, const QString& key) {
    if (!key.isEmpty()) return key;
    return t.group == ds::GroupBy::kLabel ? QStringLiteral("(unlabeled)")
                                          : QStringLiteral("(none)");
  };
  if (p.isSet(kJsonOpt)) {
    QJsonObject o{{"dataset", store->dir()}, {"samples", double(samples)}, {"seconds", seconds}};
    for (const Table& t : tables) {
      QJsonArray a;
      for (const ds::GroupCount& c : t.rows)
        a.append(
            QJsonObject{{t.title, c.key}, {"samples", double(c.samples)}, {"seconds", c.seconds}});
      o[QLatin1String(t.key)] = a;
    }
    printJson(o);
    return kExitOk;
  }
  out() << store->dir() << ": " << samples << " samples, " << QString::number(seconds, 'f', 1)
        << " s\n";
  for (const Table& t : tables) {
    out() << "\n" << QString::fromLatin1(t.title).leftJustified(24) << "  samples     seconds\n";
    for (const ds::GroupCount& c : t.rows)
      out() << shown(t, c.key).left(24).leftJustified(24) << "  "
            << QString::number(c.samples).rightJustified(7) << "  "
            << QString::number(c.seconds, 'f', 1).rightJustified(10) << "\n";
  }
  out().flush();
  return kExitOk;
}

int runInfoSub(const QStringList& args) {
  const QString verb = QStringLiteral("dataset info");
  QCommandLineParser p;
  const QCommandLineOption sampleOpt(
      QStringLiteral("sample"),
      QStringLiteral("Show sample ID: segments, gaps, outputs, metadata."), QStringLiteral("ID"));
  p.addOptions({kJsonOpt, sampleOpt});
  if (int c = parseSub(p, args, verb, QStringLiteral("Summarize a dataset, or one sample."), 1, 1);
      c >= 0)
    return c;
  int code = 0;
  qint64 id = 0;
  if (p.isSet(sampleOpt) && !parseInt(p.value(sampleOpt), 1, &id))
    return fail(verb, QStringLiteral("--sample '%1' is not a sample id").arg(p.value(sampleOpt)),
                kExitUsage);
  auto store = openStore(verb, p.positionalArguments().at(0), &code);
  if (!store) return code;
  QString error;
  if (id > 0) {
    ds::SampleRecord r;
    if (!store->sample(id, &r, &error)) return fail(verb, error, kExitUsage);
    QJsonObject o = sampleJson(r);
    QJsonArray segs, gaps, outs;
    for (const ds::Segment& s : store->segments(id, &error))
      segs.append(s.whole ? QJsonObject{{"id", double(s.id)}, {"label", s.label}, {"whole", true}}
                          : QJsonObject{{"id", double(s.id)},
                                        {"label", s.label},
                                        {"whole", false},
                                        {"start", double(s.start)},
                                        {"end", double(s.end)}});
    for (const ds::Gap& g : store->gaps(id, &error))
      gaps.append(QJsonObject{{"at_frame", double(g.atFrame)},
                              {"lost_frames", double(g.lostFrames)},
                              {"device_us", double(g.deviceUs)}});
    for (const ds::ModelOutput& m : store->outputs(id, &error)) {
      QJsonArray scores;
      for (float s : m.scores) scores.append(double(s));
      outs.append(QJsonObject{{"at_frame", double(m.atFrame)},
                              {"device_us", double(m.deviceUs)},
                              {"model", m.model},
                              {"scores", scores}});
    }
    QJsonObject meta;
    const QMap<QString, QString> md = store->metadata(id, &error);
    for (auto it = md.begin(); it != md.end(); ++it) meta[it.key()] = it.value();
    o["segments"] = segs;
    o["gaps"] = gaps;
    o["model_outputs"] = outs;
    o["metadata"] = meta;
    if (p.isSet(kJsonOpt)) {
      printJson(o);
      return kExitOk;
    }
    out() << r.name << " (sample " << r.id << "): " << r.frames << " frames x " << r.channels << " "
          << ds::sampleTypeName(r.type) << " at " << r.rateHz << " Hz, " << r.file << "\n"
          << "sensor " << r.sensor << ", axes " << r.axes.join(QLatin1Char(',')) << ", units "
          << r.units.join(QLatin1Char(',')) << ", split " << ds::splitName(r.split) << "\n";
    for (const QJsonValue& v : segs) {
      const QJsonObject s = v.toObject();
      out()
          << "  label " << s["label"].toString()
          << (s["whole"].toBool()
                  ? QStringLiteral(" (whole sample)")
                  : QStringLiteral(" [%1, %2)").arg(s["start"].toDouble()).arg(s["end"].toDouble()))
          << "\n";
    }
    out() << gaps.size() << " gaps, " << outs.size() << " model outputs, " << meta.size()
          << " metadata keys\n";
    out().flush();
    return kExitOk;
  }
  ds::DatasetSummary s;
  if (!store->summary(&s, &error)) return fail(verb, error, kExitUsage);
  QJsonObject labels;
  for (const auto& l : s.labels) labels[l.first] = double(l.second);
  if (p.isSet(kJsonOpt)) {
    printJson(QJsonObject{{"dataset", store->dir()},
                          {"schema_version", s.schemaVersion},
                          {"samples", double(s.samples)},
                          {"files", double(s.files)},
                          {"frames", double(s.frames)},
                          {"seconds", s.seconds},
                          {"payload_bytes", double(s.payloadBytes)},
                          {"sessions", double(s.sessions)},
                          {"devices", double(s.devices)},
                          {"labels", labels},
                          {"unlabeled", double(s.unlabeled)},
                          {"split", QJsonObject{{"train", double(s.train)},
                                                {"test", double(s.test)},
                                                {"unassigned", double(s.unassigned)}}}});
    return kExitOk;
  }
  out() << store->dir() << ": " << s.samples << " samples in " << s.files << " files ("
        << s.payloadBytes << " bytes), " << QString::number(s.seconds, 'f', 1) << " s, schema v"
        << s.schemaVersion << "\n"
        << s.sessions << " sessions, " << s.devices << " devices; split: " << s.train << " train, "
        << s.test << " test, " << s.unassigned << " unassigned\nlabels:";
  for (const auto& l : s.labels) out() << " " << l.first << " (" << l.second << ")";
  out() << (s.labels.isEmpty() ? " none" : "") << "; " << s.unlabeled << " unlabeled\n";
  out().flush();
  return kExitOk;
}

// Pushes one edit and reports it.
int applyEdit(const QString& verb, bool json, std::unique_ptr<ds::EditCommand> command) {
  QString error;
  const QString text = command->text();
  if (!command->redo(&error)) return fail(verb, error, kExitUsage);
  if (json)
    printJson(QJsonObject{{"edit", text}, {"changed_rows", double(command->changedRows())}});
  else {
    out() << text << ": " << command->changedRows() << " rows changed\n";
    out().flush();
  }
  return kExitOk;
}

int runLabel(const QStringList& args) {
  const QString verb = QStringLiteral("dataset label");
  QCommandLineParser p;
  const QCommandLineOption start(QStringLiteral("start"),
                                 QStringLiteral("First frame of a segment."),
                                 QStringLiteral("FRAME"));
  const QCommandLineOption end(QStringLiteral("end"),
                               QStringLiteral("Frame after the segment's last (exclusive)."),
                               QStringLiteral("FRAME"));
  const QCommandLineOption remove(QStringLiteral("remove"),
                                  QStringLiteral("Remove the whole-sample label instead."));
  p.addOptions({kJsonOpt, start, end, remove});
  p.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("The sample id."));
  p.addPositionalArgument(QStringLiteral("LABEL"), QStringLiteral("The label."));
  if (int c = parseSub(p, args, verb,
                       QStringLiteral("Label a whole sample, or frames [start, end) of it."), 3, 3);
      c >= 0)
    return c;
  qint64 id = 0, a = 0, b = 0;
  if (!parseInt(p.positionalArguments().at(1), 1, &id))
    return fail(verb,
                QStringLiteral("ID '%1' is not a sample id").arg(p.positionalArguments().at(1)),
                kExitUsage);
  if (p.isSet(start) != p.isSet(end))
    return fail(verb, QStringLiteral("give both --start and --end for a segment"), kExitUsage);
  if (p.isSet(start) && (!parseInt(p.value(start), 0, &a) || !parseInt(p.value(end), 0, &b)))
    return fail(verb,
                QStringLiteral("--start/--end '%1'/'%2' are not frame numbers")
                    .arg(p.value(start), p.value(end)),
                kExitUsage);
  int code = 0;
  auto store = openStore(verb, p.positionalArguments().at(0), &code);
  if (!store) return code;
  const QString label = p.positionalArguments().at(2);
  if (p.isSet(remove))
    return applyEdit(verb, p.isSet(kJsonOpt), ds::edits::unlabelSample(store.get(), id, label));
  if (p.isSet(start))
    return applyEdit(verb, p.isSet(kJsonOpt), ds::edits::addSegment(store.get(), id, label, a, b));
  return applyEdit(verb, p.isSet(kJsonOpt), ds::edits::labelSample(store.get(), id, label));
}

int runRelabel(const QStringList& args) {
  const QString verb = QStringLiteral("dataset relabel");
  QCommandLineParser p;
  FilterOptions fo;
  fo.add(p);
  const QCommandLineOption fromLabel(QStringLiteral("old"),
                                     QStringLiteral("The label to change (without filters: rename "
                                                    "it, or merge it into --new if that exists)."),
                                     QStringLiteral("L"));
  const QCommandLineOption toLabel(QStringLiteral("new"), QStringLiteral("The new label."),
                                   QStringLiteral("L"));
  const QCommandLineOption del(QStringLiteral("delete"),
                               QStringLiteral("Delete label L everywhere."), QStringLiteral("L"));
  p.addOptions({kJsonOpt, fromLabel, toLabel, del});
  if (int c = parseSub(
          p, args, verb,
          QStringLiteral(
              "Rename, merge or delete labels, or relabel the samples matching the filters."),
          1, 1);
      c >= 0)
    return c;
  int code = 0;
  ds::SampleFilter f;
  if (!readFilter(verb, p, fo, &f, &code)) return code;
  if (p.isSet(del) == p.isSet(toLabel))
    return fail(verb, QStringLiteral("give --new L (with --old L and/or filters) or --delete L"),
                kExitUsage);
  if (p.isSet(del) && (fo.any(p) || p.isSet(fromLabel)))
    return fail(verb, QStringLiteral("--delete takes no filters and no --old"), kExitUsage);
  if (p.isSet(toLabel) && !p.isSet(fromLabel) && !fo.any(p))
    return fail(
        verb,
        QStringLiteral("--new without --old relabels the samples matching filters; give a filter"),
        kExitUsage);
  auto store = openStore(verb, p.positionalArguments().at(0), &code);
  if (!store) return code;
  const bool json = p.isSet(kJsonOpt);
  if (p.isSet(del)) return applyEdit(verb, json, ds::edits::deleteLabel(store.get(), p.value(del)));
  if (!fo.any(p)) {
    QString error;
    const bool exists = store->labelNames(&error).contains(p.value(toLabel));
    return applyEdit(
        verb, json,
        exists ? ds::edits::mergeLabels(store.get(), p.value(fromLabel), p.value(toLabel))
               : ds::edits::renameLabel(store.get(), p.value(fromLabel), p.value(toLabel)));
  }
  return applyEdit(verb, json,
                   ds::edits::relabel(store.get(), f, p.value(fromLabel), p.value(toLabel)));
}

int runSplit(const QStringList& args) {
  const QString verb = QStringLiteral("dataset split");
  QCommandLineParser p;
  FilterOptions fo;
  fo.add(p);
  const QCommandLineOption ratio(
      QStringLiteral("test-ratio"),
      QStringLiteral("Assign unassigned samples to train/test, R of each label to test."),
      QStringLiteral("R"));
  const QCommandLineOption reassign(
      QStringLiteral("reassign"),
      QStringLiteral("With --test-ratio: redo every matching sample, not only unassigned ones."));
  const QCommandLineOption set(
      QStringLiteral("set"), QStringLiteral("Move matching samples to train, test or unassigned."),
      QStringLiteral("SPLIT"));
  const QCommandLineOption sample(QStringLiteral("sample"),
                                  QStringLiteral("Cut sample ID (with --at or --trim)."),
                                  QStringLiteral("ID"));
  const QCommandLineOption at(QStringLiteral("at"),
                              QStringLiteral("Split the sample in two at FRAME."),
                              QStringLiteral("FRAME"));
  const QCommandLineOption trim(QStringLiteral("trim"),
                                QStringLiteral("Keep frames [B, E) of the sample."),
                                QStringLiteral("B:E"));
  p.addOptions({kJsonOpt, ratio, reassign, set, sample, at, trim});
  if (int c = parseSub(
          p, args, verb,
          QStringLiteral("Train/test split (deterministic, stratified by label), or cut a sample."),
          1, 1);
      c >= 0)
    return c;
  const int modes = int(p.isSet(ratio)) + int(p.isSet(set)) + int(p.isSet(sample));
  if (modes != 1)
    return fail(verb,
                QStringLiteral("give exactly one of --test-ratio R, --set SPLIT or --sample ID"),
                kExitUsage);
  int code = 0;
  ds::SampleFilter f;
  if (!readFilter(verb, p, fo, &f, &code)) return code;
  const bool json = p.isSet(kJsonOpt);
  if (p.isSet(ratio)) {
    bool ok = false;
    const double r = p.value(ratio).toDouble(&ok);
    if (!ok || !(r >= 0 && r <= 1))
      return fail(verb,
                  QStringLiteral("--test-ratio '%1' is not a number in [0, 1]").arg(p.value(ratio)),
                  kExitUsage);
    auto store = openStore(verb, p.positionalArguments().at(0), &code);
    if (!store) return code;
    return applyEdit(verb, json, ds::edits::assignSplit(store.get(), f, r, p.isSet(reassign)));
  }
  if (p.isSet(set)) {
    ds::Split s;
    if (!ds::parseSplit(p.value(set), &s))
      return fail(verb,
                  QStringLiteral("--set '%1' is not train, test or unassigned").arg(p.value(set)),
                  kExitUsage);
    auto store = openStore(verb, p.positionalArguments().at(0), &code);
    if (!store) return code;
    return applyEdit(verb, json, ds::edits::setSplit(store.get(), f, s));
  }
  qint64 id = 0;
  if (!parseInt(p.value(sample), 1, &id))
    return fail(verb, QStringLiteral("--sample '%1' is not a sample id").arg(p.value(sample)),
                kExitUsage);
  if (p.isSet(at) == p.isSet(trim))
    return fail(verb, QStringLiteral("--sample needs exactly one of --at FRAME or --trim B:E"),
                kExitUsage);
  qint64 a = 0, b = 0;
  if (p.isSet(at) && !parseInt(p.value(at), 0, &a))
    return fail(verb, QStringLiteral("--at '%1' is not a frame number").arg(p.value(at)),
                kExitUsage);
  if (p.isSet(trim)) {
    const QStringList parts = p.value(trim).split(QLatin1Char(':'));
    if (parts.size() != 2 || !parseInt(parts[0], 0, &a) || !parseInt(parts[1], 0, &b))
      return fail(verb, QStringLiteral("--trim '%1' is not B:E in frames").arg(p.value(trim)),
                  kExitUsage);
  }
  auto store = openStore(verb, p.positionalArguments().at(0), &code);
  if (!store) return code;
  return applyEdit(verb, json,
                   p.isSet(at) ? ds::edits::splitSample(store.get(), id, a)
                               : ds::edits::trimSample(store.get(), id, a, b));
}

QJsonArray findingsJson(const QVector<ds::Finding>& findings) {
  QJsonArray a;
  for (const ds::Finding& f : findings)
    a.append(
        QJsonObject{{"kind", ds::findingKindName(f.kind)}, {"file", f.file}, {"detail", f.detail}});
  return a;
}

int runVerify(const QStringList& args) {
  const QString verb = QStringLiteral("dataset verify");
  QCommandLineParser p;
  p.addOption(kJsonOpt);
  int code = 0;
  auto store =
      parseAndOpen(p, args, verb,
                   QStringLiteral("Check every payload's SHA-256; report missing, corrupt, "
                                  "orphaned and extra files. Exit 1 when anything is found."),
                   &code);
  if (!store) return code;
  ds::VerifyReport r;
  QString error;
  if (!store->verify(&r, &error)) return fail(verb, error, kExitUsage);
  if (p.isSet(kJsonOpt)) {
    printJson(QJsonObject{{"dataset", store->dir()},
                          {"clean", r.clean()},
                          {"checked_files", r.checkedFiles},
                          {"checked_bytes", double(r.checkedBytes)},
                          {"findings", findingsJson(r.findings)}});
  } else {
    for (const ds::Finding& f : r.findings)
      out() << ds::findingKindName(f.kind).leftJustified(9) << " " << f.file << ": " << f.detail
            << "\n";
    out() << store->dir() << ": " << r.checkedFiles << " files (" << r.checkedBytes
          << " bytes) checked, "
          << (r.clean() ? QStringLiteral("clean")
                        : QStringLiteral("%1 problems; 'tinyscope-cli dataset repair' fixes them")
                              .arg(r.findings.size()))
          << "\n";
    out().flush();
  }
  return r.clean() ? kExitOk : kExitFailed;
}

int runRepair(const QStringList& args) {
  const QString verb = QStringLiteral("dataset repair");
  QCommandLineParser p;
  p.addOption(kJsonOpt);
  int code = 0;
  auto store =
      parseAndOpen(p, args, verb,
                   QStringLiteral("Re-index orphaned payloads; move extra and corrupt files to "
                                  "quarantine/. Deletes nothing."),
                   &code);
  if (!store) return code;
  ds::RepairReport r;
  QString error;
  if (!store->repair(&r, &error)) return fail(verb, error, kExitFailed);
  if (p.isSet(kJsonOpt)) {
    printJson(QJsonObject{{"dataset", store->dir()},
                          {"reindexed", QJsonArray::fromStringList(r.reindexed)},
                          {"quarantined", QJsonArray::fromStringList(r.quarantined)},
                          {"unindexed", QJsonArray::fromStringList(r.unindexed)}});
  } else {
    for (const QString& f : r.reindexed) out() << "re-indexed   " << f << "\n";
    for (const QString& f : r.quarantined) out() << "quarantined  " << f << "\n";
    for (const QString& f : r.unindexed)
      out() << "unindexed    " << f << " (index rows saved in quarantine/)\n";
    out() << store->dir() << ": " << r.reindexed.size() << " re-indexed, " << r.quarantined.size()
          << " moved to quarantine/\n";
    out().flush();
  }
  return kExitOk;
}

int runRm(const QStringList& args) {
  const QString verb = QStringLiteral("dataset rm");
  QCommandLineParser p;
  FilterOptions fo;
  fo.add(p);
  const QCommandLineOption all(QStringLiteral("all"),
                               QStringLiteral("Allow removing every sample (no IDs, no filters)."));
  p.addOptions({kJsonOpt, all});
  p.addPositionalArgument(QStringLiteral("ID..."), QStringLiteral("Sample ids (or use filters)."));
  if (int c = parseSub(
          p, args, verb,
          QStringLiteral("Take samples out of the dataset; their payloads move to trash/."), 1, -1);
      c >= 0)
    return c;
  int code = 0;
  ds::SampleFilter f;
  if (!readFilter(verb, p, fo, &f, &code)) return code;
  const QStringList pos = p.positionalArguments();
  QVector<qint64> ids;
  for (int i = 1; i < pos.size(); ++i) {
    qint64 id = 0;
    if (!parseInt(pos[i], 1, &id))
      return fail(verb, QStringLiteral("'%1' is not a sample id").arg(pos[i]), kExitUsage);
    ids << id;
  }
  if (!ids.isEmpty() && fo.any(p))
    return fail(verb, QStringLiteral("give sample ids or filters, not both"), kExitUsage);
  if (ids.isEmpty() && !fo.any(p) && !p.isSet(all))
    return fail(verb, QStringLiteral("give sample ids, filters, or --all"), kExitUsage);
  auto store = openStore(verb, pos.at(0), &code);
  if (!store) return code;
  QString error;
  if (ids.isEmpty())
    for (const ds::SampleRecord& r : store->list(f, &error)) ids << r.id;
  if (!error.isEmpty()) return fail(verb, error, kExitUsage);
  if (!store->removeSamples(ids, &error)) return fail(verb, error, kExitUsage);
  if (p.isSet(kJsonOpt))
    printJson(QJsonObject{{"removed", ids.size()}});
  else {
    out() << ids.size() << " samples removed (payloads in trash/)\n";
    out().flush();
  }
  return kExitOk;
}

const QCommandLineOption kHmacKeyOpt(
    QStringLiteral("hmac-key"),
    QStringLiteral("Edge Impulse HMAC key: imports refuse a wrong signature; exports are signed."),
    QStringLiteral("K"));

int runImport(const QStringList& args) {
  const QString verb = QStringLiteral("dataset import");
  QCommandLineParser p;
  const QCommandLineOption format(
      QStringLiteral("format"),
      QStringLiteral("auto (default), ei-json, ei-cbor, ei-folder, csv, ei-csv or wav."),
      QStringLiteral("F"), QStringLiteral("auto"));
  const QCommandLineOption label(QStringLiteral("label"),
                                 QStringLiteral("Label every imported sample L (whole sample)."),
                                 QStringLiteral("L"));
  const QCommandLineOption split(QStringLiteral("split"),
                                 QStringLiteral("Put every imported sample in train or test."),
                                 QStringLiteral("SPLIT"));
  p.addOptions({kJsonOpt, format, label, split, kHmacKeyOpt});
  p.addPositionalArgument(QStringLiteral("FILE|FOLDER..."),
                          QStringLiteral("Sample files, folders of them, Edge Impulse export "
                                         "folders. DIR is created when it holds no dataset."));
  if (int c = parseSub(p, args, verb,
                       QStringLiteral("Import files as new samples, all or nothing: any bad, "
                                      "inconsistent or duplicate file refuses the import."),
                       2, -1);
      c >= 0)
    return c;
  ds::ImportOptions o;
  if (!ds::parseExchangeFormat(p.value(format), &o.format) ||
      o.format == ds::ExchangeFormat::kAudacity || o.format == ds::ExchangeFormat::kTextGrid)
    return fail(verb,
                QStringLiteral("--format '%1' is not auto, ei-json, ei-cbor, ei-folder, csv, "
                               "ei-csv or wav (label files: dataset label-import)")
                    .arg(p.value(format)),
                kExitUsage);
  o.label = p.value(label);
  o.hmacKey = p.value(kHmacKeyOpt);
  if (p.isSet(split)) {
    o.hasSplit = true;
    if (!ds::parseSplit(p.value(split), &o.split) || o.split == ds::Split::kUnassigned)
      return fail(verb, QStringLiteral("--split '%1' is not train or test").arg(p.value(split)),
                  kExitUsage);
  }
  // Every file is read before the dataset is opened (or created).
  QString error;
  QVector<ds::ImportItem> items;
  if (!ds::readImportFiles(p.positionalArguments().mid(1), o, &items, &error))
    return fail(verb, error + QStringLiteral(" (nothing imported)"), kExitUsage);
  auto store = ds::DatasetStore::openOrCreate(p.positionalArguments().at(0), &error);
  if (!store) return fail(verb, error, kExitUsage);
  ds::ImportReport r;
  if (!ds::importRecordings(store.get(), items, o, &r, &error))
    return fail(verb, error + QStringLiteral(" (nothing imported)"), kExitUsage);
  if (p.isSet(kJsonOpt)) {
    QJsonArray samples;
    for (int i = 0; i < r.sampleIds.size(); ++i)
      samples.append(QJsonObject{{"id", double(r.sampleIds[i])}, {"file", r.files[i]}});
    printJson(QJsonObject{{"dataset", store->dir()},
                          {"imported", r.sampleIds.size()},
                          {"frames", double(r.frames)},
                          {"samples", samples}});
  } else {
    out() << r.sampleIds.size() << " samples imported (" << r.frames << " frames) into "
          << store->dir() << "\n";
    out().flush();
  }
  return kExitOk;
}

int runExport(const QStringList& args) {
  const QString verb = QStringLiteral("dataset export");
  QCommandLineParser p;
  const FilterOptions fo(true);
  fo.add(p);
  const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Output folder."),
                              QStringLiteral("OUT"));
  const QCommandLineOption format(
      QStringLiteral("format"),
      QStringLiteral("ei-json, ei-cbor, ei-folder, csv, ei-csv, wav, audacity or textgrid."),
      QStringLiteral("F"));
  p.addOptions({kJsonOpt, to, format, kHmacKeyOpt});
  if (int c = parseSub(p, args, verb,
                       QStringLiteral("Write the samples matching the filters as files."), 1, 1);
      c >= 0)
    return c;
  ds::ExportOptions o;
  if (!p.isSet(to) || !p.isSet(format))
    return fail(verb, QStringLiteral("give --to OUT and --format F"), kExitUsage);
  if (!ds::parseExchangeFormat(p.value(format), &o.format) || o.format == ds::ExchangeFormat::kAuto)
    return fail(verb,
                QStringLiteral("--format '%1' is not ei-json, ei-cbor, ei-folder, csv, ei-csv, "
                               "wav, audacity or textgrid")
                    .arg(p.value(format)),
                kExitUsage);
  o.hmacKey = p.value(kHmacKeyOpt);
  int code = 0;
  ds::SampleFilter f;
  if (!readFilter(verb, p, fo, &f, &code)) return code;
  auto store = openStore(verb, p.positionalArguments().at(0), &code);
  if (!store) return code;
  ds::ExportReport r;
  QString error;
  if (!ds::exportSamples(*store, f, p.value(to), o, &r, &error))
    return fail(verb, error, kExitUsage);
  if (p.isSet(kJsonOpt)) {
    printJson(QJsonObject{{"to", p.value(to)},
                          {"format", ds::exchangeFormatName(o.format)},
                          {"samples", r.samples},
                          {"files", QJsonArray::fromStringList(r.files)}});
  } else {
    out() << r.samples << " samples exported as " << ds::exchangeFormatName(o.format) << " to "
          << p.value(to) << " (" << r.files.size() << " files)\n";
    out().flush();
  }
  return kExitOk;
}

int runLabelImport(const QStringList& args) {
  const QString verb = QStringLiteral("dataset label-import");
  QCommandLineParser p;
  const QCommandLineOption format(QStringLiteral("format"),
                                  QStringLiteral("audacity or textgrid (default: by extension)."),
                                  QStringLiteral("F"), QStringLiteral("auto"));
  p.addOptions({kJsonOpt, format});
  p.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("The sample id."));
  p.addPositionalArgument(QStringLiteral("FILE"),
                          QStringLiteral("Audacity label track or Praat TextGrid."));
  if (int c =
          parseSub(p, args, verb,
                   QStringLiteral("Put a label file's segments onto one sample (one edit)."), 3, 3);
      c >= 0)
    return c;
  qint64 id = 0;
  if (!parseInt(p.positionalArguments().at(1), 1, &id))
    return fail(verb,
                QStringLiteral("ID '%1' is not a sample id").arg(p.positionalArguments().at(1)),
                kExitUsage);
  ds::ExchangeFormat f;
  if (!ds::parseExchangeFormat(p.value(format), &f) ||
      (f != ds::ExchangeFormat::kAuto && f != ds::ExchangeFormat::kAudacity &&
       f != ds::ExchangeFormat::kTextGrid))
    return fail(verb,
                QStringLiteral("--format '%1' is not audacity or textgrid").arg(p.value(format)),
                kExitUsage);
  int code = 0;
  auto store = openStore(verb, p.positionalArguments().at(0), &code);
  if (!store) return code;
  ds::SampleRecord r;
  QString error;
  if (!store->sample(id, &r, &error)) return fail(verb, error, kExitUsage);
  QVector<ds::Segment> segments;
  if (!ds::readLabelFile(p.positionalArguments().at(2), f, r.rateHz, r.frames, &segments, &error))
    return fail(verb, error, kExitUsage);
  return applyEdit(verb, p.isSet(kJsonOpt), ds::edits::addSegments(store.get(), id, segments));
}

const Verb kSubVerbs[] = {
    {"list",
     "List samples (filters: --label --unlabeled --in-split --session --device --from --to "
     "--name).",
     runList},
    {"info", "Summarize the dataset, or one sample with --sample ID.", runInfoSub},
    {"stats", "Samples and seconds per label, split and device (filters as list).", runStats},
    {"label", "Label a whole sample or frames [start, end) of it.", runLabel},
    {"relabel", "Rename, merge or delete labels; relabel samples matching filters.", runRelabel},
    {"split", "Deterministic stratified train/test split; cut or trim a sample.", runSplit},
    {"import", "Import sample files/folders (Edge Impulse, CSV, WAV), all or nothing.", runImport},
    {"export", "Export samples as Edge Impulse JSON/CBOR/folder, CSV, WAV, Audacity, TextGrid.",
     runExport},
    {"label-import", "Put an Audacity or TextGrid label file onto one sample.", runLabelImport},
    {"verify", "Check every payload's SHA-256; exit 1 when something is wrong.", runVerify},
    {"repair", "Re-index orphans, quarantine extra and corrupt files; deletes nothing.", runRepair},
    {"rm", "Take samples out; payloads move to trash/.", runRm},
};

void printDatasetUsage() {
  out() << "Usage: tinyscope-cli dataset <verb> DIR [options]\n\nA dataset is a folder: "
           "dataset.sqlite + samples/*.wav|flac with JSON sidecars (docs/DATASET.md).\n\nVerbs:\n";
  for (const Verb& v : kSubVerbs)
    out() << "  " << QString::fromLatin1(v.name).leftJustified(13) << QString::fromUtf8(v.summary)
          << "\n";
  out() << "\n'tinyscope-cli dataset <verb> --help' shows a verb's options; --json everywhere.\n"
        << "Exit codes: 0 success, 1 the check failed, 2 bad usage or bad input.\n";
  out().flush();
}

}  // namespace

int runDataset(const QStringList& args) {
  if (args.size() < 2) {
    printDatasetUsage();
    return kExitUsage;
  }
  const QString sub = args.at(1);
  if (sub == QLatin1String("-h") || sub == QLatin1String("--help") ||
      sub == QLatin1String("help")) {
    printDatasetUsage();
    return kExitOk;
  }
  for (const Verb& v : kSubVerbs) {
    if (sub == QLatin1String(v.name)) {
      QStringList rest = args.mid(2);
      rest.prepend(args.at(0));
      return v.run(rest);
    }
  }
  return fail(QStringLiteral("dataset"),
              QStringLiteral("unknown verb '%1' (see 'tinyscope-cli dataset --help')").arg(sub),
              kExitUsage);
}

}  // namespace tinyscope::cli
