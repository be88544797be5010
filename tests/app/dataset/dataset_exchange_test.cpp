// The import/export layer and the batch add under it, on real SQLite files and real payloads.
#include <gtest/gtest.h>

#include <QDir>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <cmath>
#include <limits>

#include "app/core/dataset/dataset_exchange.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/edit_commands.h"
#include "tests/app/dataset/dataset_test_support.h"

namespace {

namespace ds = tinyscope::dataset;

const QString kData = QStringLiteral(TINYSCOPE_SOURCE_DIR "/tests/app/dataset_formats/data");

TEST(DatasetExchange, LabelImportIsOneUndoableEdit) {
  QTemporaryDir tmp;
  QString error;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->addSample(ds::testing::imuSpec("s"),
                             ds::testing::makeFrames(ds::SampleType::kInt16, 3, 800, 1), &error),
            1);
  QVector<ds::Segment> segs;
  ASSERT_TRUE(ds::readLabelFile(kData + "/audacity_labels.txt", ds::ExchangeFormat::kAuto, 100, 800,
                                &segs, &error))
      << error.toStdString();
  ds::CommandStack stack;
  ASSERT_TRUE(stack.push(ds::edits::addSegments(store.get(), 1, segs), &error));
  EXPECT_EQ(store->segments(1, &error).size(), segs.size());
  ASSERT_TRUE(stack.undo(&error));
  EXPECT_TRUE(store->segments(1, &error).isEmpty());
  ASSERT_TRUE(stack.redo(&error));
  EXPECT_EQ(store->segments(1, &error).size(), segs.size());
}

TEST(DatasetExchange, ImportRefusesMoreInputThanItHoldsBeforeReadingIt) {
  QTemporaryDir tmp;
  QString error;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  ds::ImportOptions o;
  o.maxInputBytes = 1000;
  ds::ImportReport r;
  EXPECT_FALSE(ds::importFiles(store.get(), {kData + "/ei_export"}, o, &r, &error));
  EXPECT_TRUE(error.contains("import in parts")) << error.toStdString();
  EXPECT_EQ(store->countSamples({}, &error), 0);
  o.maxInputBytes = 1 << 20;
  EXPECT_TRUE(ds::importFiles(store.get(), {kData + "/ei_export"}, o, &r, &error))
      << error.toStdString();
  EXPECT_EQ(r.sampleIds.size(), 3);
}

TEST(DatasetExchange, BatchWithADuplicateLeavesNoFileBehind) {
  QTemporaryDir tmp;
  QString error;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  const QByteArray a = ds::testing::makeFrames(ds::SampleType::kInt16, 3, 50, 1);
  const QByteArray b = ds::testing::makeFrames(ds::SampleType::kInt16, 3, 50, 2);
  int failed = -2;
  EXPECT_TRUE(store
                  ->addSamples({{ds::testing::imuSpec("a"), a},
                                {ds::testing::imuSpec("b"), b},
                                {ds::testing::imuSpec("c"), a}},
                               &error, &failed)
                  .isEmpty());
  EXPECT_EQ(failed, 2);
  EXPECT_TRUE(error.contains("'a'")) << error.toStdString();
  EXPECT_EQ(store->countSamples({}, &error), 0);
  EXPECT_TRUE(QDir(tmp.path() + "/ds/samples").entryList(QDir::Files | QDir::Hidden).isEmpty());
  // A segment past the end refuses the batch before anything is written.
  ds::SampleSpec late = ds::testing::imuSpec("late");
  late.segments = {{0, 0, "x", false, 10, 51}};
  EXPECT_TRUE(
      store->addSamples({{ds::testing::imuSpec("a"), a}, {late, b}}, &error, &failed).isEmpty());
  EXPECT_EQ(failed, 1);
  EXPECT_TRUE(error.contains("segments")) << error.toStdString();
  const QVector<qint64> ids =
      store->addSamples({{ds::testing::imuSpec("a"), a}, {ds::testing::imuSpec("b"), b}}, &error);
  EXPECT_EQ(ids.size(), 2) << error.toStdString();
  // A stored payload second in a batch (the index is asked once per payload) refuses it too.
  const QByteArray c = ds::testing::makeFrames(ds::SampleType::kInt16, 3, 50, 3);
  EXPECT_TRUE(store
                  ->addSamples({{ds::testing::imuSpec("c"), c}, {ds::testing::imuSpec("b2"), b}},
                               &error, &failed)
                  .isEmpty());
  EXPECT_EQ(failed, 1);
  EXPECT_TRUE(error.contains("already stored")) << error.toStdString();
  EXPECT_EQ(store->countSamples({}, &error), 2);
  EXPECT_EQ(QDir(tmp.path() + "/ds/samples").entryList(QDir::Files | QDir::Hidden).size(), 4);
}

}  // namespace

namespace {

// Device times past what the index holds, and a gap of absurd length, from a hostile file.
TEST(DatasetExchange, HostileDeviceTimesBecomeUnknownNotNegative) {
  ds::ImportItem item;
  item.file = QStringLiteral("hostile.csv");
  ds::formats::Recording& rec = item.recording;
  rec.name = QStringLiteral("h");
  rec.intervalMs = 10;
  rec.axes = {{QStringLiteral("x"), QString()}};
  rec.values = {1, 2, 3, 4};
  rec.firstTimestampUs = ~quint64(0);
  rec.gaps = {{2, ~quint64(0) - 5, std::numeric_limits<qint64>::max()}};
  ds::DatasetStore::NewSample s;
  QString error;
  ASSERT_TRUE(ds::toNewSample(item, {}, &s, &error)) << error.toStdString();
  EXPECT_EQ(s.spec.firstDeviceUs, -1);
  ASSERT_EQ(s.spec.gaps.size(), 1);
  EXPECT_EQ(s.spec.gaps[0].deviceUs, -1);
  EXPECT_EQ(s.spec.gaps[0].lostFrames, qint64(1) << 40);
  EXPECT_EQ(s.spec.type, ds::SampleType::kInt16);
  EXPECT_EQ(s.frames.size(), 8);
  // ... and such a sample is stored, and verifies (its sidecar reads back).
  QTemporaryDir tmp;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  ASSERT_GT(store->addSample(s.spec, s.frames, &error), 0) << error.toStdString();
  ds::VerifyReport v;
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean()) << v.findings.value(0).detail.toStdString();
  // A value no store type holds is refused by frame and axis.
  rec.values = {1, 2, std::nan(""), 4};
  EXPECT_FALSE(ds::toNewSample(item, {}, &s, &error));
  EXPECT_TRUE(error.startsWith("hostile.csv: values[2][0]")) << error.toStdString();
}

}  // namespace

namespace {

// A crash between an import's renames and its commit leaves orphans; repair takes them back with
// the segments and split they were imported with (the sidecar carries them).
TEST(DatasetExchange, RepairRestoresAnImportedSamplesSegmentsAndSplit) {
  QTemporaryDir tmp;
  QString error;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  ds::SampleSpec spec = ds::testing::imuSpec("imp");
  spec.labels = QStringList{"wave"};
  spec.segments = {{0, 0, "knock", false, 5, 9}, {0, 0, "tap", false, 7, 7}};
  spec.split = ds::Split::kTest;
  const qint64 id =
      store->addSample(spec, ds::testing::makeFrames(ds::SampleType::kInt16, 3, 40, 1), &error);
  ASSERT_GT(id, 0) << error.toStdString();
  ds::SampleRecord r;
  ASSERT_TRUE(store->sample(id, &r, &error));
  {
    QSqlQuery q(store->database());
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM segments WHERE sample_id = %1").arg(id)));
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM metadata WHERE sample_id = %1").arg(id)));
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM samples WHERE id = %1").arg(id)));
    ASSERT_TRUE(q.exec(QStringLiteral("DELETE FROM files WHERE path = '%1'").arg(r.file)));
  }
  ds::RepairReport rep;
  ASSERT_TRUE(store->repair(&rep, &error)) << error.toStdString();
  ASSERT_EQ(rep.reindexed, QStringList{r.file});
  const QVector<ds::SampleRecord> back = store->list({}, &error);
  ASSERT_EQ(back.size(), 1);
  EXPECT_EQ(back[0].split, ds::Split::kTest);
  QStringList segs;
  for (const ds::Segment& s : store->segments(back[0].id, &error))
    segs << (s.whole ? s.label : QStringLiteral("%1 %2-%3").arg(s.label).arg(s.start).arg(s.end));
  segs.sort();
  EXPECT_EQ(segs, QStringList({"knock 5-9", "tap 7-7", "wave"}));
}

}  // namespace

namespace {

TEST(DatasetExchange, ProgressReachesTheTotalAndACancelChangesNothing) {
  QTemporaryDir tmp;
  QString error;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  // An EI export folder is one step, then the commit.
  QVector<QPair<qint64, qint64>> calls;
  ds::ImportOptions o;
  o.progress = [&calls](qint64 done, qint64 total) {
    calls.append({done, total});
    return true;
  };
  ds::ImportReport r;
  ASSERT_TRUE(ds::importFiles(store.get(), {kData + "/ei_export"}, o, &r, &error))
      << error.toStdString();
  ASSERT_EQ(calls.size(), 2);
  EXPECT_GT(calls[0].second, 0);
  EXPECT_EQ(calls[0].first, calls[0].second);
  EXPECT_EQ(calls[1], qMakePair(qint64(1), qint64(1)));

  // Refusing the last call (just before the commit) leaves the dataset as it was.
  auto other = ds::DatasetStore::create(tmp.path() + "/ds2", &error);
  ASSERT_TRUE(other);
  o.progress = [](qint64 done, qint64 total) { return !(done == 1 && total == 1); };
  EXPECT_FALSE(ds::importFiles(other.get(), {kData + "/ei_export"}, o, &r, &error));
  EXPECT_EQ(error, "import cancelled");
  EXPECT_EQ(other->countSamples({}, &error), 0);
  EXPECT_TRUE(QDir(tmp.path() + "/ds2/samples").entryList(QDir::Files | QDir::Hidden).isEmpty());

  // Export: one call per sample; a cancel after the first leaves the output folder empty.
  ds::ExportOptions e;
  e.format = ds::ExchangeFormat::kCsv;
  calls.clear();
  e.progress = [&calls](qint64 done, qint64 total) {
    calls.append({done, total});
    return done < 1;
  };
  ds::ExportReport er;
  EXPECT_FALSE(ds::exportSamples(*store, {}, tmp.path() + "/out", e, &er, &error));
  EXPECT_EQ(error, "export cancelled");
  EXPECT_EQ(calls, (QVector<QPair<qint64, qint64>>{{1, 3}}));
  EXPECT_TRUE(QDir(tmp.path() + "/out")
                  .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                  .isEmpty());
}

TEST(DatasetExchange, AnIdFilterNarrowsListingsAndEditsToThoseSamples) {
  QTemporaryDir tmp;
  QString error;
  auto store = ds::DatasetStore::create(tmp.path() + "/ds", &error);
  ASSERT_TRUE(store);
  for (int i = 1; i <= 4; ++i)
    ASSERT_EQ(store->addSample(ds::testing::imuSpec(QStringLiteral("s%1").arg(i)),
                               ds::testing::makeFrames(ds::SampleType::kInt16, 3, 50, i), &error),
              i);
  ds::SampleFilter f;
  f.ids = {2, 4};
  EXPECT_EQ(store->countSamples(f, &error), 2);
  ds::CommandStack stack;
  ASSERT_TRUE(stack.push(ds::edits::setSplit(store.get(), f, ds::Split::kTest), &error));
  ds::SampleFilter test;
  test.hasSplit = true;
  test.split = ds::Split::kTest;
  QVector<qint64> ids;
  for (const ds::SampleRecord& s : store->list(test, &error)) ids << s.id;
  EXPECT_EQ(ids, (QVector<qint64>{2, 4}));
}

}  // namespace
