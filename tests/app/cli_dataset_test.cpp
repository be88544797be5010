// tinyscope-cli dataset ... through the real binary, on real datasets in temporary folders.
#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include "app/core/dataset/dataset_store.h"
#include "tests/app/dataset/dataset_test_support.h"
#include "tests/support/cli_process.h"

namespace {

namespace ds = tinyscope::dataset;

QJsonObject json(const CliResult& r) {
  return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// 6 samples: 3 "wave", 3 "idle", from two devices.
QString makeDataset(const QTemporaryDir& tmp) {
  const QString dir = tmp.path() + "/ds";
  QString error;
  auto store = ds::DatasetStore::create(dir, &error);
  EXPECT_TRUE(store) << error.toStdString();
  for (int i = 0; i < 6; ++i) {
    ds::SampleSpec s = ds::testing::imuSpec(QStringLiteral("s%1").arg(i));
    s.labels = QStringList{i % 2 ? "wave" : "idle"};
    s.deviceName = i < 3 ? "left" : "right";
    s.createdMs = 1'700'000'000'000 + i * 1000;
    EXPECT_GT(store->addSample(
                  s, ds::testing::makeFrames(ds::SampleType::kInt16, 3, 100, uint32_t(i)), &error),
              0)
        << error.toStdString();
  }
  return dir;
}

TEST(CliDataset, ListAndInfoWithFiltersAndJson) {
  QTemporaryDir tmp;
  const QString dir = makeDataset(tmp);
  CliResult r = runCli({"dataset", "list", dir, "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_EQ(json(r)["count"].toInt(), 6);
  const QJsonObject first = json(r)["samples"].toArray().at(0).toObject();
  EXPECT_EQ(first["frames"].toInt(), 100);
  EXPECT_EQ(first["labels"].toArray().at(0).toString(), "idle");
  EXPECT_TRUE(first["file"].toString().endsWith(".wav"));
  r = runCli({"dataset", "list", dir, "--label", "wave", "--device", "right", "--json"});
  EXPECT_EQ(json(r)["count"].toInt(), 2);
  r = runCli({"dataset", "list", dir, "--from", "1700000002000", "--to", "2023-11-14T22:13:24Z",
              "--json"});
  EXPECT_EQ(json(r)["count"].toInt(), 2) << r.out.toStdString() << r.err.toStdString();
  r = runCli({"dataset", "info", dir, "--json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(json(r)["samples"].toInt(), 6);
  EXPECT_EQ(json(r)["labels"].toObject()["wave"].toInt(), 3);
  EXPECT_EQ(json(r)["devices"].toInt(), 2);
  r = runCli({"dataset", "list", dir});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.contains("6 samples"));
}

// A page of the listing: by offset or after an id, with the total counted; --all for everything.
TEST(CliDataset, ListPagesByOffsetOrAfterAnIdAndCountsTheTotal) {
  QTemporaryDir tmp;
  const QString dir = makeDataset(tmp);
  auto ids = [](const CliResult& r) {
    QStringList out;
    for (const QJsonValue& v : json(r)["samples"].toArray())
      out << QString::number(v.toObject()["id"].toInt());
    return out.join(',');
  };
  CliResult r = runCli({"dataset", "list", dir, "--limit", "2", "--offset", "3", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_EQ(ids(r), "4,5");
  EXPECT_EQ(json(r)["count"].toInt(), 2);
  EXPECT_EQ(json(r)["total"].toInt(), 6);
  EXPECT_EQ(json(r)["offset"].toInt(), 3);
  r = runCli({"dataset", "list", dir, "--label", "wave", "--limit", "2", "--after", "2", "--json"});
  EXPECT_EQ(ids(r), "4,6");
  EXPECT_EQ(json(r)["total"].toInt(), 3);
  r = runCli({"dataset", "list", dir, "--offset", "9", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(ids(r), "");
  EXPECT_EQ(json(r)["total"].toInt(), 6);
  EXPECT_EQ(ids(runCli({"dataset", "list", dir, "--all", "--json"})), "1,2,3,4,5,6");
  r = runCli({"dataset", "list", dir, "--limit", "4"});
  EXPECT_TRUE(r.out.contains("samples 1-4 of 6 (the next page: --offset 4")) << r.out.toStdString();
  r = runCli({"dataset", "list", dir, "--limit", "4", "--after", "1"});
  EXPECT_TRUE(r.out.contains("4 of 6 samples (after id 1; the next page: --after 5)"))
      << r.out.toStdString();
  for (const QStringList& bad :
       {QStringList{"--offset", "-1"}, QStringList{"--after", "x"}, QStringList{"--limit", "0"},
        QStringList{"--all", "--limit", "3"}}) {
    r = runCli(QStringList{"dataset", "list", dir} + bad);
    EXPECT_EQ(r.code, 2) << bad.join(' ').toStdString();
    EXPECT_EQ(r.err.count('\n'), 1) << r.err.toStdString();
  }
}

// Samples and seconds per label, split and device, over the filtered samples.
TEST(CliDataset, StatsCountsPerLabelSplitAndDeviceWithSeconds) {
  QTemporaryDir tmp;
  const QString dir = makeDataset(tmp);  // 6 samples of 1 s: idle 1,3,5; wave 2,4,6
  ASSERT_EQ(runCli({"dataset", "label", dir, "1", "idle", "--remove"}).code, 0);
  ASSERT_EQ(runCli({"dataset", "split", dir, "--set", "test", "--label", "wave"}).code, 0);
  ASSERT_EQ(runCli({"dataset", "label", dir, "2", "knock", "--start", "0", "--end", "50"}).code, 0);
  auto groups = [](const QJsonObject& o, const char* table, const char* key) {
    QStringList out;
    for (const QJsonValue& v : o[table].toArray())
      out << QStringLiteral("%1=%2/%3")
                 .arg(v.toObject()[key].toString())
                 .arg(v.toObject()["samples"].toInt())
                 .arg(v.toObject()["seconds"].toDouble());
    return out.join(' ');
  };
  CliResult r = runCli({"dataset", "stats", dir, "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  QJsonObject o = json(r);
  EXPECT_EQ(o["samples"].toInt(), 6);
  EXPECT_DOUBLE_EQ(o["seconds"].toDouble(), 6.0);
  // A sample counts once per label it carries, whole or segment; the unlabeled under "".
  EXPECT_EQ(groups(o, "labels", "label"), "=1/1 idle=2/2 knock=1/1 wave=3/3");
  EXPECT_EQ(groups(o, "splits", "split"), "test=3/3 unassigned=3/3");
  EXPECT_EQ(groups(o, "devices", "device"), "left=3/3 right=3/3");
  r = runCli({"dataset", "stats", dir, "--device", "right", "--json"});
  o = json(r);
  EXPECT_EQ(o["samples"].toInt(), 3);
  EXPECT_EQ(groups(o, "labels", "label"), "idle=1/1 wave=2/2");
  EXPECT_EQ(groups(o, "devices", "device"), "right=3/3");
  r = runCli({"dataset", "stats", dir});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.contains(": 6 samples, 6.0 s")) << r.out.toStdString();
  EXPECT_TRUE(r.out.contains("(unlabeled)")) << r.out.toStdString();
  r = runCli({"dataset", "stats", dir, "--in-split", "nowhere"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.count('\n'), 1) << r.err.toStdString();
}

TEST(CliDataset, LabelRelabelSplitAndCut) {
  QTemporaryDir tmp;
  const QString dir = makeDataset(tmp);
  ASSERT_EQ(runCli({"dataset", "label", dir, "1", "knock", "--start", "10", "--end", "20"}).code,
            0);
  CliResult r = runCli({"dataset", "info", dir, "--sample", "1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QJsonArray segs = json(r)["segments"].toArray();
  ASSERT_EQ(segs.size(), 2);
  EXPECT_EQ(segs.at(1).toObject()["label"].toString(), "knock");
  EXPECT_EQ(segs.at(1).toObject()["end"].toInt(), 20);
  // Out of range: one line naming the sample, exit 2, nothing changes.
  r = runCli({"dataset", "label", dir, "1", "knock", "--start", "90", "--end", "101"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.contains("sample 1")) << r.err.toStdString();
  EXPECT_EQ(r.err.count('\n'), 1);
  // Rename, then merge into an existing label, then delete.
  ASSERT_EQ(runCli({"dataset", "relabel", dir, "--old", "knock", "--new", "tap"}).code, 0);
  ASSERT_EQ(runCli({"dataset", "relabel", dir, "--old", "tap", "--new", "wave"}).code, 0);
  r = runCli({"dataset", "info", dir, "--json"});
  EXPECT_FALSE(json(r)["labels"].toObject().contains("tap"));
  ASSERT_EQ(runCli({"dataset", "relabel", dir, "--new", "noise", "--device", "left"}).code, 0);
  r = runCli({"dataset", "list", dir, "--label", "noise", "--json"});
  EXPECT_EQ(json(r)["count"].toInt(), 3);
  ASSERT_EQ(runCli({"dataset", "relabel", dir, "--delete", "noise"}).code, 0);
  r = runCli({"dataset", "list", dir, "--unlabeled", "--json"});
  EXPECT_EQ(json(r)["count"].toInt(), 2);  // sample 1 keeps its segment (knock -> tap -> wave)
  // Train/test split: deterministic across runs.
  ASSERT_EQ(runCli({"dataset", "split", dir, "--test-ratio", "0.34"}).code, 0);
  const QString firstSplit = runCli({"dataset", "list", dir, "--in-split", "test", "--json"}).out;
  ASSERT_EQ(runCli({"dataset", "split", dir, "--set", "unassigned"}).code, 0);
  ASSERT_EQ(runCli({"dataset", "split", dir, "--test-ratio", "0.34"}).code, 0);
  EXPECT_EQ(runCli({"dataset", "list", dir, "--in-split", "test", "--json"}).out, firstSplit);
  EXPECT_GT(json(runCli({"dataset", "list", dir, "--in-split", "test", "--json"}))["count"].toInt(),
            0);
  // Cut sample 2 in two, trim the new one.
  ASSERT_EQ(runCli({"dataset", "split", dir, "--sample", "2", "--at", "40"}).code, 0);
  ASSERT_EQ(runCli({"dataset", "split", dir, "--sample", "7", "--trim", "10:30"}).code, 0);
  r = runCli({"dataset", "info", dir, "--sample", "7", "--json"});
  EXPECT_EQ(json(r)["frames"].toInt(), 20);
  EXPECT_EQ(json(r)["begin_frame"].toInt(), 50);
  EXPECT_EQ(runCli({"dataset", "split", dir, "--test-ratio", "2"}).code, 2);
  EXPECT_EQ(runCli({"dataset", "verify", dir}).code, 0);
}

TEST(CliDataset, VerifyFailsOnACorruptPayloadAndRepairQuarantinesIt) {
  QTemporaryDir tmp;
  const QString dir = makeDataset(tmp);
  CliResult r = runCli({"dataset", "verify", dir, "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_TRUE(json(r)["clean"].toBool());
  const QString file = json(runCli({"dataset", "list", dir, "--json"}))["samples"]
                           .toArray()
                           .at(0)
                           .toObject()["file"]
                           .toString();
  {
    QFile f(dir + "/" + file);
    ASSERT_TRUE(f.open(QIODevice::ReadWrite));
    f.seek(60);
    f.write("!!");
  }
  r = runCli({"dataset", "verify", dir, "--json"});
  EXPECT_EQ(r.code, 1);
  const QJsonObject finding = json(r)["findings"].toArray().at(0).toObject();
  EXPECT_EQ(finding["kind"].toString(), "corrupt");
  EXPECT_EQ(finding["file"].toString(), file);
  r = runCli({"dataset", "repair", dir, "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_EQ(json(r)["unindexed"].toArray().at(0).toString(), file);
  EXPECT_TRUE(QFile::exists(tmp.path() + "/ds/quarantine/" + file.mid(8)));
  EXPECT_EQ(runCli({"dataset", "verify", dir}).code, 0);
  EXPECT_EQ(runCli({"dataset", "rm", dir, "2", "3"}).code, 0);
  EXPECT_EQ(json(runCli({"dataset", "list", dir, "--json"}))["count"].toInt(), 3);
  EXPECT_EQ(runCli({"dataset", "rm", dir}).code, 2);  // neither ids, filters nor --all
}

TEST(CliDataset, HostileIndexFilesAreOneLineNamingTheFile) {
  QTemporaryDir tmp;
  const QString file = tmp.path() + "/dataset.sqlite";
  {
    QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "foreign");
    db.setDatabaseName(file);
    ASSERT_TRUE(db.open());
    QSqlQuery(db).exec("CREATE TABLE t(x)");
    db.close();
  }
  QSqlDatabase::removeDatabase("foreign");
  for (const char* verb : {"list", "info", "verify", "repair"}) {
    const CliResult r = runCli({"dataset", verb, tmp.path()});
    EXPECT_EQ(r.code, 2) << verb;
    EXPECT_TRUE(r.err.contains(file)) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains("not a tinyscope dataset")) << r.err.toStdString();
    EXPECT_EQ(r.err.count('\n'), 1);
  }
  const CliResult usage = runCli({"dataset", "label", tmp.path(), "x", "y"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_TRUE(usage.err.contains("ID 'x'")) << usage.err.toStdString();
  EXPECT_EQ(runCli({"dataset", "frobnicate", tmp.path()}).code, 2);
  EXPECT_EQ(runCli({"dataset", "--help"}).code, 0);
}

}  // namespace
