// The labeling model: every edit, its undo and redo, on a real dataset.
#include "app/core/dataset/edit_commands.h"

#include <gtest/gtest.h>

#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>

#include "app/core/dataset/dataset_store.h"
#include "tests/app/dataset/dataset_test_support.h"

namespace tinyscope::dataset {
namespace {

using testing::imuSpec;
using testing::makeFrames;

// The whole labeling state of the index as text, to compare before/after undo.
QString snapshot(DatasetStore& s) {
  QString out;
  QSqlQuery q(s.database());
  for (const char* sql :
       {"SELECT id, content_id, name, begin_frame, frames, split FROM samples ORDER BY id",
        "SELECT id, sample_id, label_id, whole, start_frame, end_frame FROM segments ORDER BY id",
        "SELECT id, name FROM labels ORDER BY id", "SELECT * FROM metadata ORDER BY id"}) {
    q.exec(sql);
    while (q.next()) {
      for (int i = 0; i < q.record().count(); ++i) out += q.value(i).toString() + "|";
      out += "\n";
    }
  }
  return out;
}

class Edits : public ::testing::Test {
 protected:
  void SetUp() override {
    QString error;
    store = DatasetStore::create(tmp.path(), &error);
    ASSERT_TRUE(store) << error.toStdString();
    for (int i = 0; i < 6; ++i) {
      SampleSpec s = imuSpec(QStringLiteral("s%1").arg(i));
      if (i < 3) s.labels = QStringList{"wave"};
      s.metadata.insert("k", "v");
      ids << store->addSample(s, makeFrames(SampleType::kInt16, 3, 100, uint32_t(i)), &error);
    }
  }
  // Pushes the command, then checks undo restores the state exactly and redo re-applies it.
  void pushAndRoundTrip(std::unique_ptr<EditCommand> c) {
    QString error;
    const QString before = snapshot(*store);
    ASSERT_TRUE(stack.push(std::move(c), &error)) << error.toStdString();
    const QString after = snapshot(*store);
    EXPECT_NE(before, after);
    ASSERT_TRUE(stack.undo(&error)) << error.toStdString();
    EXPECT_EQ(snapshot(*store), before);
    ASSERT_TRUE(stack.redo(&error)) << error.toStdString();
    EXPECT_EQ(snapshot(*store), after);
  }
  QVector<Segment> segs(qint64 id) {
    QString error;
    return store->segments(id, &error);
  }

  QTemporaryDir tmp;
  std::unique_ptr<DatasetStore> store;
  QVector<qint64> ids;
  CommandStack stack;
};

TEST_F(Edits, LabelAndSegmentAreOneRowEachAndUndoable) {
  auto c = edits::labelSample(store.get(), ids[4], "idle");
  EditCommand* raw = c.get();
  pushAndRoundTrip(std::move(c));
  EXPECT_EQ(raw->changedRows(), 2u);  // the new label and one segment row: O(1)
  auto seg = edits::addSegment(store.get(), ids[4], "idle", 10, 20);
  raw = seg.get();
  pushAndRoundTrip(std::move(seg));
  EXPECT_EQ(raw->changedRows(), 1u);
  const QVector<Segment> s = segs(ids[4]);
  ASSERT_EQ(s.size(), 2);
  EXPECT_TRUE(s[0].whole);
  EXPECT_EQ(s[1].start, 10);
  EXPECT_EQ(s[1].end, 20);
  // Overlapping, multi-label segments are allowed.
  pushAndRoundTrip(edits::addSegment(store.get(), ids[4], "wave", 15, 30));
  QString error;
  EXPECT_FALSE(stack.push(edits::addSegment(store.get(), ids[4], "x", 90, 101), &error));
  EXPECT_TRUE(error.contains("sample")) << error.toStdString();
  EXPECT_FALSE(stack.push(edits::addSegment(store.get(), ids[4], "x", 5, 5), &error));
  EXPECT_FALSE(stack.push(edits::labelSample(store.get(), 999, "x"), &error));
  EXPECT_TRUE(error.contains("999")) << error.toStdString();
  pushAndRoundTrip(edits::unlabelSample(store.get(), ids[0], "wave"));
}

TEST_F(Edits, RenameMergeDeleteAndRelabel) {
  QString error;
  pushAndRoundTrip(edits::renameLabel(store.get(), "wave", "hello"));
  EXPECT_EQ(store->labelNames(&error), QStringList{"hello"});
  ASSERT_TRUE(stack.push(edits::labelSample(store.get(), ids[4], "idle"), &error));
  EXPECT_FALSE(stack.push(edits::renameLabel(store.get(), "idle", "hello"), &error));
  EXPECT_TRUE(error.contains("merge")) << error.toStdString();
  pushAndRoundTrip(edits::mergeLabels(store.get(), "idle", "hello"));
  EXPECT_EQ(store->labelNames(&error), QStringList{"hello"});
  SampleFilter f;
  f.labels = QStringList{"hello"};
  EXPECT_EQ(store->countSamples(f, &error), 4);
  SampleFilter unl;
  unl.unlabeled = true;
  pushAndRoundTrip(edits::relabel(store.get(), unl, QString(), "noise"));
  EXPECT_EQ(store->countSamples(unl, &error), 0);
  SampleFilter first;
  first.nameContains = "s0";
  pushAndRoundTrip(edits::relabel(store.get(), first, "hello", "yes"));
  EXPECT_EQ(segs(ids[0]).at(0).label, "yes");
  pushAndRoundTrip(edits::deleteLabel(store.get(), "hello"));
  EXPECT_EQ(store->countSamples(f, &error), 0);
  // The whole history unwinds to where it started.
  while (stack.canUndo()) ASSERT_TRUE(stack.undo(&error)) << error.toStdString();
  EXPECT_EQ(store->labelNames(&error), QStringList{"wave"});
}

TEST_F(Edits, SplitAndTrimMoveTheWindowAndCutSegments) {
  QString error;
  ASSERT_TRUE(stack.push(edits::addSegment(store.get(), ids[0], "a", 10, 30), &error));
  ASSERT_TRUE(stack.push(edits::addSegment(store.get(), ids[0], "b", 40, 70), &error));
  ASSERT_TRUE(stack.push(edits::addSegment(store.get(), ids[0], "c", 80, 90), &error));
  pushAndRoundTrip(edits::splitSample(store.get(), ids[0], 50));
  const QVector<SampleRecord> all = store->list({}, &error);
  const SampleRecord second = all.last();
  EXPECT_EQ(second.name, "s0.2");
  EXPECT_EQ(second.begin, 50);
  EXPECT_EQ(second.frames, 50);
  EXPECT_EQ(store->metadata(second.id, &error).value("k"), "v");
  QVector<Segment> a = segs(ids[0]), b = segs(second.id);
  ASSERT_EQ(a.size(), 3);  // wave (whole), a, b cut at 50
  EXPECT_EQ(a[2].end, 50);
  ASSERT_EQ(b.size(), 3);  // wave (whole), rest of b, c
  EXPECT_EQ(b[1].start, 0);
  EXPECT_EQ(b[1].end, 20);
  EXPECT_EQ(b[2].start, 30);
  // Frames follow the window over the same payload.
  QByteArray whole = makeFrames(SampleType::kInt16, 3, 100, 0), part;
  ASSERT_TRUE(store->readFrames(second.id, &part, &error)) << error.toStdString();
  EXPECT_EQ(part, whole.mid(50 * 6));
  EXPECT_NE(second.contentId, all.first().contentId);
  pushAndRoundTrip(edits::trimSample(store.get(), second.id, 25, 40));
  b = segs(second.id);
  ASSERT_EQ(b.size(), 2);  // whole label; c clipped to [5, 15)
  EXPECT_EQ(b[1].start, 5);
  EXPECT_EQ(b[1].end, 15);
  ASSERT_TRUE(store->readFrames(second.id, &part, &error));
  EXPECT_EQ(part, whole.mid(75 * 6, 15 * 6));
  EXPECT_FALSE(stack.push(edits::splitSample(store.get(), second.id, 15), &error));
  EXPECT_FALSE(stack.push(edits::trimSample(store.get(), second.id, 3, 2), &error));
  VerifyReport v;
  ASSERT_TRUE(store->verify(&v, &error));
  EXPECT_TRUE(v.clean());
}

TEST_F(Edits, TrainTestSplitIsDeterministicStratifiedAndStable) {
  QString error;
  // 40 "wave" + 40 "idle" samples on top of the fixture.
  for (int i = 0; i < 80; ++i) {
    SampleSpec s = imuSpec(QStringLiteral("x%1").arg(i));
    s.labels = QStringList{i % 2 ? "wave" : "idle"};
    ASSERT_GT(store->addSample(s, makeFrames(SampleType::kInt16, 3, 8, uint32_t(100 + i)), &error),
              0);
  }
  pushAndRoundTrip(edits::assignSplit(store.get(), {}, 0.25, false));
  auto tests = [&](const char* label) {
    SampleFilter f;
    f.labels = QStringList{label};
    f.hasSplit = true;
    f.split = Split::kTest;
    return store->countSamples(f, &error);
  };
  EXPECT_EQ(tests("idle"), 10);
  EXPECT_EQ(tests("wave"), 11);  // 43 wave samples: round(10.75)
  SampleFilter un;
  un.hasSplit = true;
  EXPECT_EQ(store->countSamples(un, &error), 0);
  // The same split again on a copy of the same samples decides the same way.
  QMap<QString, Split> first;
  for (const SampleRecord& r : store->list({}, &error)) first.insert(r.contentId, r.split);
  // Adding samples and splitting again keeps every earlier decision.
  for (int i = 0; i < 20; ++i) {
    SampleSpec s = imuSpec(QStringLiteral("y%1").arg(i));
    s.labels = QStringList{"idle"};
    ASSERT_GT(store->addSample(s, makeFrames(SampleType::kInt16, 3, 8, uint32_t(500 + i)), &error),
              0);
  }
  ASSERT_TRUE(stack.push(edits::assignSplit(store.get(), {}, 0.25, false), &error));
  for (const SampleRecord& r : store->list({}, &error))
    if (first.contains(r.contentId))
      EXPECT_EQ(r.split, first.value(r.contentId)) << r.name.toStdString();
  EXPECT_EQ(tests("idle"), 15);  // 60 idle samples
  // Reassigning from scratch is deterministic: content ids, not insertion order, decide.
  ASSERT_TRUE(stack.push(edits::assignSplit(store.get(), {}, 0.25, true), &error));
  QMap<QString, Split> again;
  for (const SampleRecord& r : store->list({}, &error)) again.insert(r.contentId, r.split);
  ASSERT_TRUE(stack.push(edits::setSplit(store.get(), {}, Split::kUnassigned), &error));
  ASSERT_TRUE(stack.push(edits::assignSplit(store.get(), {}, 0.25, false), &error));
  for (const SampleRecord& r : store->list({}, &error))
    EXPECT_EQ(r.split, again.value(r.contentId));
  EXPECT_FALSE(stack.push(edits::assignSplit(store.get(), {}, 1.5, false), &error));
}

}  // namespace
}  // namespace tinyscope::dataset
