// The Dataset view on a real dataset folder: labeling by simulated mouse drags and keys on
// the timeline, every edit stored in the index and undone / redone through the QUndoStack.
#include "app/gui/dataset_view.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "app/core/dataset/dataset_store.h"
#include "app/core/sample_list_model.h"
#include "tests/support/qt_input.h"
#include "widgets/sample_timeline.h"

using namespace tinyscope;
using tinyscope::ui::DatasetView;
using tinyscope::ui::SampleTimeline;

namespace {

qint64 addSample(dataset::DatasetStore* store, const QString& name, const QString& label,
                 int seed) {
  dataset::SampleSpec spec;
  spec.name = name;
  spec.sensor = QStringLiteral("imu");
  spec.axes = QStringList{"x", "y", "z"};
  spec.units = QStringList{"g", "g", "g"};
  spec.rateHz = 100;
  spec.labels << label;
  QVector<qint16> frames(200 * 3);
  for (int i = 0; i < frames.size(); ++i) frames[i] = static_cast<qint16>((i * seed) % 1000);
  QString error;
  return store->addSample(
      spec, QByteArray(reinterpret_cast<const char*>(frames.constData()), frames.size() * 2),
      &error);
}

QVector<dataset::Segment> ranges(dataset::DatasetStore* store, qint64 id) {
  QString error;
  QVector<dataset::Segment> out;
  for (const dataset::Segment& s : store->segments(id, &error))
    if (!s.whole) out.append(s);
  return out;
}

}  // namespace

TEST(DatasetView, LabelingByDragsAndKeysIsStoredAndUndoable) {
  QTemporaryDir dir;
  QString error;
  auto store = dataset::DatasetStore::create(dir.path(), &error);
  ASSERT_TRUE(store) << error.toStdString();
  const qint64 id = addSample(store.get(), "first", "wave", 3);
  addSample(store.get(), "second", "tap", 7);
  ASSERT_GT(id, 0);

  DatasetView view;
  view.resize(1100, 320);
  view.setDir(dir.path());
  view.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  EXPECT_TRUE(view.countsText().contains("2 of 2 samples")) << view.countsText().toStdString();
  EXPECT_TRUE(view.countsText().contains("wave 1")) << view.countsText().toStdString();

  // The first sample is selected and loaded at once (on a worker).
  SampleTimeline* t = view.timeline();
  ASSERT_TRUE(view.selectSample(id));
  for (int i = 0; i < 250 && t->sampleId() != id; ++i) QTest::qWait(20);
  ASSERT_EQ(t->sampleId(), id);
  ASSERT_EQ(t->frames(), 200);
  ASSERT_GE(t->width(), 300);

  // Drag frames 20..80 with the label "wave": one segment in the index.
  view.newLabelBox()->setCurrentText("wave");
  mouseDrag(t, QPoint(t->xOfFrame(20), 80), QPoint(t->xOfFrame(80), 80));
  auto segs = ranges(view.store(), id);
  ASSERT_EQ(segs.size(), 1);
  EXPECT_EQ(segs[0].label, "wave");
  EXPECT_EQ(segs[0].start, 20);
  EXPECT_EQ(segs[0].end, 80);
  EXPECT_EQ(t->segments().size(), 1);
  EXPECT_EQ(t->selectedSegment(), segs[0].id);

  view.undoStack()->undo();
  EXPECT_TRUE(ranges(view.store(), id).isEmpty());
  EXPECT_TRUE(t->segments().isEmpty());
  view.undoStack()->redo();
  ASSERT_EQ(ranges(view.store(), id).size(), 1);
  ASSERT_EQ(t->segments().size(), 1);

  // Drag the end edge to frame 150: a resize, one undo step.
  mouseDrag(t, QPoint(t->xOfFrame(80), 80), QPoint(t->xOfFrame(150), 80));
  segs = ranges(view.store(), id);
  ASSERT_EQ(segs.size(), 1);
  EXPECT_EQ(segs[0].start, 20);
  EXPECT_EQ(segs[0].end, 150);

  // The number key of "tap" relabels the segment clicked.
  const int tap = t->labels().indexOf("tap");
  ASSERT_GE(tap, 0);
  QTest::mouseClick(t, Qt::LeftButton, Qt::NoModifier, QPoint(t->xOfFrame(60), 80));
  QTest::keyClick(t, static_cast<Qt::Key>(Qt::Key_1 + tap));
  segs = ranges(view.store(), id);
  ASSERT_EQ(segs.size(), 1);
  EXPECT_EQ(segs[0].label, "tap");
  EXPECT_EQ(segs[0].end, 150);
  EXPECT_EQ(view.undoStack()->count(), 3);

  view.undoStack()->undo();  // back to wave
  EXPECT_EQ(ranges(view.store(), id).at(0).label, "wave");
  view.undoStack()->undo();  // back to 20..80
  EXPECT_EQ(ranges(view.store(), id).at(0).end, 80);
  view.undoStack()->undo();  // no segment
  EXPECT_TRUE(ranges(view.store(), id).isEmpty());
  EXPECT_EQ(view.undoStack()->undoText(), QString());

  // Filters: by label, then by split.
  view.labelFilter()->setCurrentIndex(view.labelFilter()->findText("tap"));
  Q_EMIT view.labelFilter()->activated(view.labelFilter()->currentIndex());
  EXPECT_EQ(view.model()->totalCount(), 1);
  view.labelFilter()->setCurrentIndex(0);
  Q_EMIT view.labelFilter()->activated(0);
  EXPECT_EQ(view.model()->totalCount(), 2);
  view.splitFilter()->setCurrentIndex(view.splitFilter()->findText("test"));
  Q_EMIT view.splitFilter()->activated(view.splitFilter()->currentIndex());
  EXPECT_EQ(view.model()->totalCount(), 0);
}
