// DatasetStore on real SQLite files and real WAV/FLAC files in temporary folders.
#include "app/core/dataset/dataset_store.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include "app/core/dataset/dataset_schema.h"
#include "app/core/dataset/payload_file.h"
#include "app/core/dataset/sample_writer.h"
#include "tests/app/dataset/dataset_test_support.h"

namespace tinyscope::dataset {
namespace {

using testing::imuSpec;
using testing::makeFrames;
using testing::readAll;
using testing::writeAll;

std::string str(const QString& s) {
  return s.toStdString();
}

TEST(DatasetStore, StoresEveryTypeAsStandardFilesAndReadsItBack) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store) << str(error);
  struct Case {
    SampleType type;
    int channels;
    PayloadFormat format;
  };
  const Case cases[] = {{SampleType::kInt16, 1, PayloadFormat::kWav},
                        {SampleType::kInt32, 3, PayloadFormat::kWav},
                        {SampleType::kFloat32, 8, PayloadFormat::kWav},
                        {SampleType::kInt16, 2, PayloadFormat::kFlac}};
  int seed = 0;
  for (const Case& c : cases) {
    SampleSpec spec = imuSpec(QStringLiteral("s%1").arg(seed), c.type, c.channels);
    spec.format = c.format;
    spec.rateHz = 16000.5;  // not an integer: the index keeps the exact rate
    spec.gaps = {Gap{10, 4, 123456}};
    spec.outputs = {ModelOutput{20, 999, QStringLiteral("kws"), {0.25f, 0.75f}}};
    spec.metadata.insert(QStringLiteral("room"), QStringLiteral("lab"));
    spec.labels = QStringList{QStringLiteral("wave")};
    spec.deviceName = QStringLiteral("board-7");
    spec.sessionUuid = QStringLiteral("sess-1");
    const QByteArray frames = makeFrames(c.type, c.channels, 50, static_cast<uint32_t>(seed++));
    const qint64 id = store->addSample(spec, frames, &error);
    ASSERT_GT(id, 0) << str(error);
    SampleRecord r;
    ASSERT_TRUE(store->sample(id, &r, &error)) << str(error);
    EXPECT_EQ(r.frames, 50);
    EXPECT_EQ(r.channels, c.channels);
    EXPECT_EQ(r.type, c.type);
    EXPECT_DOUBLE_EQ(r.rateHz, 16000.5);
    EXPECT_EQ(r.labels, QStringList{"wave"});
    EXPECT_EQ(r.device, "board-7");
    EXPECT_EQ(r.file.endsWith(c.format == PayloadFormat::kFlac ? ".flac" : ".wav"), true);
    QByteArray back;
    ASSERT_TRUE(store->readFrames(id, &back, &error)) << str(error);
    EXPECT_EQ(back, frames);
    PayloadInfo info;  // a standard file: libsndfile reads it on its own
    ASSERT_TRUE(readPayloadInfo(store->dir() + "/" + r.file, &info, &error)) << str(error);
    EXPECT_EQ(info.channels, c.channels);
    EXPECT_EQ(info.frames, 50);
    QString sha;
    ASSERT_TRUE(sha256OfFile(store->dir() + "/" + r.file, &sha, &error));
    EXPECT_EQ(r.contentId, sha);
    EXPECT_EQ(store->gaps(id, &error).at(0).lostFrames, 4);
    EXPECT_EQ(store->outputs(id, &error).at(0).scores.at(1), 0.75f);
    EXPECT_EQ(store->metadata(id, &error).value("room"), "lab");
    // The sidecar is readable JSON with the recording's facts.
    QString sidecar = r.file;
    sidecar.replace(QRegularExpression("\\.(wav|flac)$"), ".json");
    const QJsonObject side =
        QJsonDocument::fromJson(readAll(store->dir() + "/" + sidecar)).object();
    EXPECT_EQ(side["sensor"].toString(), "imu");
    EXPECT_EQ(side["payload_sha256"].toString(), sha);
  }
  // The same payload twice is refused, and nothing is left behind.
  const QStringList before = QDir(store->dir() + "/samples").entryList(QDir::Files | QDir::Hidden);
  SampleSpec dup = imuSpec("dup", SampleType::kInt16, 1);
  dup.rateHz = 16000.5;
  EXPECT_EQ(store->addSample(dup, makeFrames(SampleType::kInt16, 1, 50, 0), &error), 0);
  EXPECT_TRUE(error.contains("already stored")) << str(error);
  EXPECT_EQ(QDir(store->dir() + "/samples").entryList(QDir::Files | QDir::Hidden), before);
  VerifyReport v;
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean());
  EXPECT_EQ(v.checkedFiles, 8);
}

TEST(DatasetStore, RefusesBadSpecsNamingTheField) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  ASSERT_TRUE(store);
  SampleSpec nine = imuSpec("nine", SampleType::kInt16, 9);
  EXPECT_EQ(store->addSample(nine, makeFrames(SampleType::kInt16, 9, 4, 1), &error), 0);
  EXPECT_TRUE(error.contains("axes")) << str(error);
  SampleSpec flac = imuSpec("flac", SampleType::kFloat32, 1);
  flac.format = PayloadFormat::kFlac;
  EXPECT_EQ(store->addSample(flac, makeFrames(SampleType::kFloat32, 1, 4, 1), &error), 0);
  EXPECT_TRUE(error.contains("format")) << str(error);
  SampleSpec gap = imuSpec("gap");
  gap.gaps = {Gap{99, 1, 0}};
  EXPECT_EQ(store->addSample(gap, makeFrames(SampleType::kInt16, 3, 4, 1), &error), 0);
  EXPECT_TRUE(error.contains("gaps")) << str(error);
  EXPECT_EQ(store->addSample(imuSpec("odd"), QByteArray(7, 'x'), &error), 0);
  EXPECT_TRUE(error.contains("whole frames")) << str(error);
  EXPECT_TRUE(QDir(store->dir() + "/samples").entryList(QDir::Files | QDir::Hidden).isEmpty());
}

TEST(DatasetStore, ListsAndFiltersByLabelSplitSessionDeviceAndTime) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  ASSERT_TRUE(store);
  for (int i = 0; i < 12; ++i) {
    SampleSpec s = imuSpec(QStringLiteral("n%1").arg(i));
    s.labels = QStringList{i % 3 == 0 ? "idle" : "wave"};
    s.deviceName = i < 6 ? "a" : "b";
    s.sessionUuid = i < 4 ? "first" : "second";
    s.createdMs = 1000 + i;
    ASSERT_GT(store->addSample(s, makeFrames(SampleType::kInt16, 3, 10, uint32_t(i)), &error), 0)
        << str(error);
  }
  SampleFilter f;
  f.labels = QStringList{"idle"};
  EXPECT_EQ(store->list(f, &error).size(), 4);
  f.device = "b";
  EXPECT_EQ(store->list(f, &error).size(), 2);
  SampleFilter t;
  t.createdFromMs = 1003;
  t.createdToMs = 1005;
  const QVector<SampleRecord> two = store->list(t, &error);
  ASSERT_EQ(two.size(), 2);
  EXPECT_EQ(two[0].name, "n3");
  SampleFilter sess;
  sess.sessionId = store->list({}, &error).at(0).sessionId;
  EXPECT_EQ(store->countSamples(sess, &error), 4);
  SampleFilter split;
  split.hasSplit = true;
  split.split = Split::kTest;
  EXPECT_EQ(store->countSamples(split, &error), 0);
  DatasetSummary sum;
  ASSERT_TRUE(store->summary(&sum, &error));
  EXPECT_EQ(sum.samples, 12);
  EXPECT_EQ(sum.devices, 2);
  EXPECT_EQ(sum.sessions, 2);
  EXPECT_EQ(sum.unassigned, 12);
}

// The groups countBy() should give, computed from the full listing.
QMap<QString, GroupCount> expectedGroups(const QVector<SampleRecord>& rows, GroupBy g) {
  QMap<QString, GroupCount> out;
  auto add = [&](const QString& key, const SampleRecord& r) {
    GroupCount& c = out[key];
    c.key = key;
    ++c.samples;
    c.seconds += double(r.frames) / r.rateHz;
  };
  for (const SampleRecord& r : rows) {
    switch (g) {
      case GroupBy::kLabel:
        if (r.labels.isEmpty()) add(QString(), r);
        for (const QString& l : r.labels) add(l, r);
        break;
      case GroupBy::kSplit:
        add(splitName(r.split), r);
        break;
      case GroupBy::kDevice:
        add(r.device, r);
        break;
      case GroupBy::kSession:
        add(r.sessionId > 0 ? QString::number(r.sessionId) : QString(), r);
        break;
    }
  }
  return out;
}

TEST(DatasetStore, PagesAndCountsAgreeWithTheFullListingUnderEveryFilter) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  ASSERT_TRUE(store);
  const QStringList names{"idle", "wave", "tap"};
  for (int i = 0; i < 37; ++i) {
    SampleSpec s = imuSpec(QStringLiteral("p%1").arg(i));
    s.rateHz = 50.0 * (1 + i % 3);
    if (i % 7 != 0) s.labels = QStringList{names[i % 3]};  // every 7th unlabeled...
    if (i % 4 == 0)  // ...unless a segment labels it; some carry their whole label twice
      s.segments = {{0, 0, names[(i / 4) % 3], false, 1, 4}, {0, 0, "knock", false, 5, 6}};
    s.split = Split(i % 3);
    // Two boards named "a" on different ports count as one device name; some have no device.
    s.deviceName = i % 5 == 0 ? QString() : i % 5 < 3 ? "a" : "b";
    s.deviceUri = i % 5 == 1 ? "serial:/dev/ttyA" : "serial:/dev/ttyB";
    s.sessionUuid = i % 6 == 0 ? QString() : QStringLiteral("s%1").arg(i % 4);
    s.createdMs = 5000 + i;
    ASSERT_GT(store->addSample(s, makeFrames(SampleType::kInt16, 3, 10 + i, uint32_t(i)), &error),
              0)
        << str(error);
  }
  const qint64 session = store->list({}, &error).at(1).sessionId;
  ASSERT_GT(session, 0);
  QVector<SampleFilter> filters(8);
  filters[1].labels = QStringList{"wave"};
  filters[2].labels = QStringList{"idle", "knock"};
  filters[2].hasSplit = true;
  filters[2].split = Split::kTrain;
  filters[3].unlabeled = true;
  filters[4].device = "a";
  filters[5].sessionId = session;
  filters[6].createdFromMs = 5010;
  filters[6].createdToMs = 5030;
  filters[7].labels = QStringList{"nobody"};
  for (int round = 0; round < 2 * filters.size(); ++round) {
    const int fi = round % filters.size();
    SCOPED_TRACE(fi);
    if (round == filters.size()) {
      // Again with sparse ids (as after many removals): the counts per label then search the ids
      // instead of indexing a table by them. Renumbered with foreign keys off, consistently.
      QSqlQuery q(store->database());
      for (const char* sql :
           {"PRAGMA foreign_keys=OFF", "UPDATE samples SET id = id + 300000 WHERE id > 20",
            "UPDATE segments SET sample_id = sample_id + 300000 WHERE sample_id > 20",
            "UPDATE metadata SET sample_id = sample_id + 300000 WHERE sample_id > 20",
            "PRAGMA foreign_keys=ON"})
        ASSERT_TRUE(q.exec(sql)) << sql;
    }
    const SampleFilter& f = filters[fi];
    const QVector<SampleRecord> all = store->list(f, &error);
    ASSERT_TRUE(error.isEmpty()) << str(error);
    EXPECT_EQ(store->countSamples(f, &error), all.size());
    QVector<qint64> ids;
    for (const SampleRecord& r : all) ids << r.id;
    // By offset and by keyset, pages of 5 put together are the full listing, in id order.
    QVector<qint64> byOffset, byKeyset;
    for (qint64 offset = 0; offset <= all.size(); offset += 5)
      for (const SampleRecord& r : store->listSamples(f, {offset, 5, 0}, &error)) byOffset << r.id;
    qint64 after = 0;
    for (int pages = 0; pages < 20; ++pages) {
      const QVector<SampleRecord> page = store->listSamples(f, {0, 5, after}, &error);
      if (page.isEmpty()) break;
      EXPECT_LE(page.size(), 5);
      for (const SampleRecord& r : page) byKeyset << r.id;
      after = page.constLast().id;
    }
    EXPECT_EQ(byOffset, ids);
    EXPECT_EQ(byKeyset, ids);
    EXPECT_TRUE(store->listSamples(f, {all.size() + 3, 5, 0}, &error).isEmpty());
    if (!all.isEmpty()) {  // a page holds whole records, as the full listing does
      const SampleRecord last = store->listSamples(f, {all.size() - 1, 1, 0}, &error).value(0);
      EXPECT_EQ(last.name, all.constLast().name);
      EXPECT_EQ(last.labels, all.constLast().labels);
      EXPECT_EQ(last.device, all.constLast().device);
    }
    for (GroupBy g : {GroupBy::kLabel, GroupBy::kSplit, GroupBy::kDevice, GroupBy::kSession}) {
      SCOPED_TRACE(int(g));
      const QMap<QString, GroupCount> want = expectedGroups(all, g);
      const QVector<GroupCount> got = store->countBy(g, f, &error);
      ASSERT_TRUE(error.isEmpty()) << str(error);
      ASSERT_EQ(got.size(), want.size());
      for (const GroupCount& c : got) {
        ASSERT_TRUE(want.contains(c.key)) << str(c.key);
        EXPECT_EQ(c.samples, want[c.key].samples) << str(c.key);
        EXPECT_NEAR(c.seconds, want[c.key].seconds, 1e-9) << str(c.key);
      }
      if (g == GroupBy::kSplit || g == GroupBy::kLabel)  // ordered by key
        for (int i = 1; i < got.size(); ++i) EXPECT_LT(got[i - 1].key, got[i].key);
    }
  }
  // The fixture does exercise what it claims to.
  EXPECT_EQ(store->countBy(GroupBy::kDevice, {}, &error).size(), 3);  // "", a, b
  EXPECT_GT(store->countSamples(filters[3], &error), 0);
  EXPECT_EQ(store->countSamples(filters[7], &error), 0);
}

// A crash while creating leaves at most dataset.sqlite.creating: never a half-made index that
// open() refuses. The next create starts afresh.
TEST(DatasetStore, CreateRenamesACompleteIndexIntoPlace) {
  QTemporaryDir tmp;
  const QString leftover = tmp.path() + "/dataset.sqlite.creating";
  ASSERT_TRUE(writeAll(leftover, QByteArray(3000, 'x')));
  ASSERT_TRUE(writeAll(leftover + "-wal", QByteArray(100, 'y')));
  QString error;
  {
    auto store = DatasetStore::create(tmp.path(), &error);
    ASSERT_TRUE(store) << str(error);
    EXPECT_EQ(store->schemaVersion(), kSchemaVersion);
  }
  EXPECT_FALSE(QFileInfo::exists(leftover));
  EXPECT_FALSE(QFileInfo::exists(leftover + "-wal"));
  auto store = DatasetStore::open(tmp.path(), &error);
  ASSERT_TRUE(store) << str(error);
  EXPECT_GT(store->addSample(imuSpec("a"), makeFrames(SampleType::kInt16, 3, 5, 1), &error), 0)
      << str(error);
}

TEST(DatasetStore, OpensAVersion1FileWrittenWithRawSql) {
  QTemporaryDir tmp;
  {
    QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "v1");
    db.setDatabaseName(tmp.path() + "/dataset.sqlite");
    ASSERT_TRUE(db.open());
    QSqlQuery q(db);
    // Schema version 1 as it shipped; frozen here on purpose.
    for (const char* sql : {
             "PRAGMA application_id=1414743123",
             "CREATE TABLE devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL, uri TEXT NOT NULL "
             "DEFAULT '', UNIQUE(name, uri))",
             "CREATE TABLE sessions(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, device_id "
             "INTEGER REFERENCES devices(id), started_ms INTEGER NOT NULL DEFAULT 0, note TEXT NOT "
             "NULL DEFAULT '')",
             "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT "
             "NOT "
             "NULL UNIQUE, bytes INTEGER NOT NULL, sidecar TEXT NOT NULL, sidecar_sha256 TEXT NOT "
             "NULL, format TEXT NOT NULL, frames INTEGER NOT NULL)",
             "CREATE TABLE samples(id INTEGER PRIMARY KEY, content_id TEXT NOT NULL, name TEXT NOT "
             "NULL, file_id INTEGER NOT NULL REFERENCES files(id), begin_frame INTEGER NOT NULL, "
             "frames INTEGER NOT NULL, channels INTEGER NOT NULL, rate_hz REAL NOT NULL, "
             "sample_type TEXT NOT NULL, sensor TEXT NOT NULL, axes TEXT NOT NULL, units TEXT NOT "
             "NULL, first_device_us INTEGER NOT NULL DEFAULT -1, created_ms INTEGER NOT NULL, "
             "split INTEGER NOT NULL DEFAULT 0, session_id INTEGER REFERENCES sessions(id), "
             "device_id INTEGER REFERENCES devices(id))",
             "CREATE TABLE gaps(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, at_frame INTEGER "
             "NOT NULL, lost_frames INTEGER NOT NULL, device_us INTEGER NOT NULL DEFAULT -1)",
             "CREATE TABLE labels(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
             "CREATE TABLE segments(id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL, label_id "
             "INTEGER NOT NULL, whole INTEGER NOT NULL DEFAULT 0, start_frame INTEGER NOT NULL "
             "DEFAULT 0, end_frame INTEGER NOT NULL DEFAULT 0)",
             "CREATE TABLE metadata(id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL, key TEXT "
             "NOT NULL, value TEXT NOT NULL, UNIQUE(sample_id, key))",
             "CREATE TABLE model_outputs(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, "
             "at_frame INTEGER NOT NULL, device_us INTEGER NOT NULL DEFAULT -1, model TEXT NOT "
             "NULL DEFAULT '', scores TEXT NOT NULL)",
             "INSERT INTO labels(name) VALUES('legacy')",
             "PRAGMA user_version=1",
         })
      ASSERT_TRUE(q.exec(sql)) << sql;
    db.close();
  }
  QSqlDatabase::removeDatabase("v1");
  QString error;
  auto store = DatasetStore::open(tmp.path(), &error);
  ASSERT_TRUE(store) << str(error);
  EXPECT_EQ(store->schemaVersion(), kSchemaVersion);
  EXPECT_EQ(store->labelNames(&error), QStringList{"legacy"});
  // Version 2's covering indexes for the counts are there.
  QSqlQuery indexes(store->database());
  ASSERT_TRUE(indexes.exec("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                           "('samples_split_seconds', 'samples_device_seconds', "
                           "'samples_session_seconds')") &&
              indexes.next());
  EXPECT_EQ(indexes.value(0).toInt(), 3);
  EXPECT_GT(store->addSample(imuSpec("new"), makeFrames(SampleType::kInt16, 3, 5, 1), &error), 0)
      << str(error);
}

// Opening must fail with one error naming the file, and leave the file byte for byte as it was.
void expectRefused(const QString& dir, const char* expected) {
  const QString file = dir + "/dataset.sqlite";
  const QByteArray before = readAll(file);
  QString error;
  EXPECT_FALSE(DatasetStore::open(dir, &error));
  EXPECT_TRUE(error.contains(file)) << str(error);
  EXPECT_TRUE(error.contains(expected)) << str(error);
  EXPECT_FALSE(error.contains('\n'));
  EXPECT_EQ(readAll(file), before);
  EXPECT_FALSE(QFileInfo::exists(file + "-wal"));
}

TEST(DatasetStore, RefusesFilesThatAreNotDatasetsAndChangesNothing) {
  QTemporaryDir tmp;
  ASSERT_TRUE(writeAll(tmp.path() + "/dataset.sqlite", QByteArray(5000, 'z')));
  expectRefused(tmp.path(), "not an SQLite database");

  QTemporaryDir other;
  {
    QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "other");
    db.setDatabaseName(other.path() + "/dataset.sqlite");
    ASSERT_TRUE(db.open());
    QSqlQuery(db).exec("CREATE TABLE notes(t TEXT)");
    db.close();
  }
  QSqlDatabase::removeDatabase("other");
  expectRefused(other.path(), "not a tinyscope dataset");

  QTemporaryDir newer;
  QString error;
  ASSERT_TRUE(DatasetStore::create(newer.path(), &error));
  {
    QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "newer");
    db.setDatabaseName(newer.path() + "/dataset.sqlite");
    ASSERT_TRUE(db.open());
    QSqlQuery(db).exec("PRAGMA journal_mode=DELETE");
    QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion + 1));
    db.close();
  }
  QSqlDatabase::removeDatabase("newer");
  expectRefused(newer.path(), "newer");

  QTemporaryDir empty;
  EXPECT_FALSE(DatasetStore::open(empty.path(), &error));
  EXPECT_TRUE(error.contains("dataset.sqlite")) << str(error);
}

TEST(DatasetStore, SidecarWithWrongTypesIsOneErrorNamingFileAndField) {
  SampleSpec spec;
  qint64 frames = 0;
  QString payload, sha, error;
  QJsonObject good = sidecarToJson(imuSpec("x"), 10, "x.wav", "00");
  ASSERT_TRUE(sidecarFromJson(QJsonDocument(good).toJson(), "x.json", &spec, &frames, &payload,
                              &sha, &error))
      << str(error);
  struct Case {
    const char* field;
    QJsonValue value;
  };
  for (const Case& c : {Case{"rate_hz", "fast"}, Case{"axes", QJsonArray{1, 2}}, Case{"frames", -3},
                        Case{"sample_type", "int8"}, Case{"gaps", "none"}, Case{"frames", 1.5}}) {
    QJsonObject bad = good;
    bad[c.field] = c.value;
    EXPECT_FALSE(sidecarFromJson(QJsonDocument(bad).toJson(), "x.json", &spec, &frames, &payload,
                                 &sha, &error));
    EXPECT_TRUE(error.startsWith("x.json: field '")) << str(error);
    EXPECT_TRUE(error.contains(c.field)) << str(error);
  }
  EXPECT_FALSE(sidecarFromJson("{\"format\":", "x.json", &spec, &frames, &payload, &sha, &error));
  EXPECT_TRUE(error.startsWith("x.json: not a JSON object")) << str(error);
}

TEST(DatasetStore, VerifyFindsMissingCorruptOrphanedExtraAndRepairKeepsEveryByte) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  ASSERT_TRUE(store);
  QVector<qint64> ids;
  for (int i = 0; i < 4; ++i) {
    SampleSpec s = imuSpec(QStringLiteral("v%1").arg(i));
    s.labels = QStringList{"keep"};
    ids << store->addSample(s, makeFrames(SampleType::kInt16, 3, 40, uint32_t(i)), &error);
  }
  QVector<SampleRecord> all = store->list({}, &error);
  const QString dir = store->dir();
  // Corrupt: one byte flipped in sample 0. Missing: sample 1's payload gone.
  QByteArray bytes = readAll(dir + "/" + all[0].file);
  bytes[bytes.size() - 1] = static_cast<char>(bytes[bytes.size() - 1] ^ 1);
  ASSERT_TRUE(writeAll(dir + "/" + all[0].file, bytes));
  ASSERT_TRUE(QFile::remove(dir + "/" + all[1].file));
  // Orphan: a payload + sidecar the index forgot (as after a crash before the transaction).
  {
    QSqlQuery q(store->database());
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM segments WHERE sample_id = %1").arg(ids[2])));
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM metadata WHERE sample_id = %1").arg(ids[2])));
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM samples WHERE id = %1").arg(ids[2])));
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM files WHERE path = '%1'").arg(all[2].file)));
  }
  // Extra: an interrupted write, and a truncated WAV whose sidecar no longer matches it.
  ASSERT_TRUE(writeAll(dir + "/samples/.tmp-half.wav", "RIFF"));
  const QByteArray wav = readAll(dir + "/" + all[3].file);
  ASSERT_TRUE(writeAll(dir + "/samples/trunc.wav", wav.left(wav.size() - 30)));
  QByteArray side = readAll(dir + "/" + QString(all[3].file).replace(".wav", ".json"));
  side.replace(QFileInfo(all[3].file).fileName().toUtf8(), "trunc.wav");
  ASSERT_TRUE(writeAll(dir + "/samples/trunc.json", side));

  VerifyReport v;
  ASSERT_TRUE(store->verify(&v, &error));
  QMap<QString, QString> kinds;
  for (const Finding& f : v.findings) kinds.insert(f.file, findingKindName(f.kind));
  EXPECT_EQ(kinds.value(all[0].file), "corrupt");
  EXPECT_EQ(kinds.value(all[1].file), "missing");
  EXPECT_EQ(kinds.value(all[2].file), "orphaned");
  EXPECT_EQ(kinds.value("samples/.tmp-half.wav"), "extra");
  EXPECT_EQ(kinds.value("samples/trunc.wav"), "extra");
  EXPECT_EQ(kinds.value("samples/trunc.json"), "extra");

  RepairReport rep;
  ASSERT_TRUE(store->repair(&rep, &error)) << str(error);
  EXPECT_EQ(rep.reindexed, QStringList{all[2].file});
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean()) << str(findingKindName(v.findings.value(0).kind) + " " +
                                v.findings.value(0).file);
  // The orphan is back with its recording-time label; nothing was deleted.
  SampleFilter byName;
  byName.nameContains = "v2";
  const QVector<SampleRecord> back = store->list(byName, &error);
  ASSERT_EQ(back.size(), 1);
  EXPECT_EQ(back[0].labels, QStringList{"keep"});
  const QDir q(dir + "/quarantine");
  EXPECT_TRUE(q.exists(QFileInfo(all[0].file).fileName()));
  EXPECT_EQ(readAll(q.filePath(QFileInfo(all[0].file).fileName())), bytes);
  EXPECT_TRUE(q.exists(".tmp-half.wav"));
  EXPECT_TRUE(q.exists("trunc.wav"));
  EXPECT_TRUE(q.exists(QFileInfo(all[0].file).fileName() + ".index.json"));
  EXPECT_EQ(store->list({}, &error).size(), 2);
}

TEST(DatasetStore, OrphansWithBadSidecarsOrDuplicatePayloadsAreQuarantinedNotIndexed) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  ASSERT_GT(store->addSample(imuSpec("a"), makeFrames(SampleType::kInt16, 3, 30, 1), &error), 0);
  const SampleRecord a = store->list({}, &error).at(0);
  const QString dir = store->dir();
  const QByteArray wav = readAll(dir + "/" + a.file);
  QByteArray side = readAll(dir + "/" + QString(a.file).replace(".wav", ".json"));
  // A copy of an indexed payload under another name, with a matching sidecar.
  ASSERT_TRUE(writeAll(dir + "/samples/copy.wav", wav));
  ASSERT_TRUE(
      writeAll(dir + "/samples/copy.json",
               QByteArray(side).replace(QFileInfo(a.file).fileName().toUtf8(), "copy.wav")));
  // An orphan whose sidecar has a wrong type.
  const QByteArray other = readAll(dir + "/" + a.file);
  ASSERT_TRUE(writeAll(dir + "/samples/typed.wav", other));
  QJsonObject bad = QJsonDocument::fromJson(side).object();
  bad["payload"] = "typed.wav";
  bad["rate_hz"] = "fast";
  ASSERT_TRUE(writeAll(dir + "/samples/typed.json", QJsonDocument(bad).toJson()));
  VerifyReport v;
  ASSERT_TRUE(store->verify(&v, &error));
  QMap<QString, QString> detail;
  for (const Finding& f : v.findings) {
    EXPECT_EQ(f.kind, Finding::Kind::kExtra) << str(f.file);
    detail.insert(f.file, f.detail);
  }
  EXPECT_TRUE(detail.value("samples/copy.wav").contains("a copy of " + a.file))
      << str(detail.value("samples/copy.wav"));
  EXPECT_EQ(detail.value("samples/typed.wav"),
            "samples/typed.json: field 'rate_hz' is not a number");
  RepairReport r;
  ASSERT_TRUE(store->repair(&r, &error)) << str(error);
  EXPECT_TRUE(r.reindexed.isEmpty());
  EXPECT_EQ(r.quarantined.size(), 4);
  EXPECT_EQ(store->list({}, &error).size(), 1);
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean());
}

TEST(DatasetStore, ReadingATruncatedIndexedWavNamesTheFile) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  const qint64 id =
      store->addSample(imuSpec("t"), makeFrames(SampleType::kInt16, 3, 100, 9), &error);
  SampleRecord r;
  ASSERT_TRUE(store->sample(id, &r, &error));
  const QString file = store->dir() + "/" + r.file;
  const QByteArray wav = readAll(file);
  ASSERT_TRUE(writeAll(file, wav.left(wav.size() / 2)));
  QByteArray out;
  EXPECT_FALSE(store->readFrames(id, &out, &error));
  EXPECT_TRUE(error.contains(file)) << str(error);
  ASSERT_TRUE(writeAll(file, wav.left(20)));
  EXPECT_FALSE(store->readFrames(id, &out, &error));
  EXPECT_TRUE(error.contains(file)) << str(error);
}

TEST(DatasetStore, RemoveMovesPayloadsToTrashAndVerifyStaysClean) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  const qint64 a = store->addSample(imuSpec("a"), makeFrames(SampleType::kInt16, 3, 10, 1), &error);
  store->addSample(imuSpec("b"), makeFrames(SampleType::kInt16, 3, 10, 2), &error);
  SampleRecord r;
  ASSERT_TRUE(store->sample(a, &r, &error));
  ASSERT_TRUE(store->removeSamples({a}, &error)) << str(error);
  EXPECT_EQ(store->list({}, &error).size(), 1);
  EXPECT_TRUE(QFileInfo::exists(store->dir() + "/trash/" + QFileInfo(r.file).fileName()));
  VerifyReport v;
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean());
  EXPECT_FALSE(store->removeSamples({a}, &error));
  EXPECT_TRUE(error.contains(QString::number(a))) << str(error);
}

TEST(SampleWriter, CutsARecordingIntoChunksThatEachLandWhole) {
  QTemporaryDir tmp;
  QString error;
  auto store = DatasetStore::create(tmp.path(), &error);
  SampleSpec spec = imuSpec("rec", SampleType::kInt16, 2);
  spec.rateHz = 1000;
  spec.firstDeviceUs = 5'000'000;
  SampleWriter w(store.get(), spec, 0.25);  // 250 frames per chunk
  const QByteArray all = makeFrames(SampleType::kInt16, 2, 1000, 3);
  ASSERT_TRUE(w.append(all.left(4 * 300), &error)) << str(error);
  EXPECT_EQ(w.sampleIds().size(), 1);  // the first chunk is on disk before the recording ends
  w.addGap(50, 5'400'000);
  w.addOutput(ModelOutput{0, 5'400'100, QStringLiteral("gesture"), {0.9f, 0.1f}});
  ASSERT_TRUE(w.append(all.mid(4 * 300), &error));
  ASSERT_TRUE(w.finish(&error));
  ASSERT_EQ(w.sampleIds().size(), 4);
  QByteArray joined;
  for (qint64 id : w.sampleIds()) {
    QByteArray part;
    ASSERT_TRUE(store->readFrames(id, &part, &error));
    joined += part;
  }
  EXPECT_EQ(joined, all);
  const QVector<Gap> gaps = store->gaps(w.sampleIds()[1], &error);
  ASSERT_EQ(gaps.size(), 1);
  EXPECT_EQ(gaps[0].atFrame, 50);
  const QVector<ModelOutput> outs = store->outputs(w.sampleIds()[1], &error);
  ASSERT_EQ(outs.size(), 1);  // stored with the chunk it was said in, at its frame
  EXPECT_EQ(outs[0].atFrame, 50);
  EXPECT_EQ(outs[0].model, "gesture");
  EXPECT_EQ(outs[0].scores.at(0), 0.9f);
  SampleRecord third;
  ASSERT_TRUE(store->sample(w.sampleIds()[2], &third, &error));
  EXPECT_EQ(third.firstDeviceUs, 5'000'000 + (500 + 50) * 1000);
  EXPECT_EQ(store->metadata(w.sampleIds()[2], &error).value("chunk"), "2");
}

}  // namespace
}  // namespace tinyscope::dataset
