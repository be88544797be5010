// SampleTimeline: labeling by simulated mouse drags and keys. The widget emits requests; the
// test plays the owner and feeds the segments back as a dataset would.
#include "widgets/sample_timeline.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/qt_input.h"

using tinyscope::dataset::Segment;
using tinyscope::ui::SampleTimeline;

namespace {

Segment seg(qint64 id, const QString& label, qint64 start, qint64 end) {
  Segment s;
  s.id = id;
  s.label = label;
  s.start = start;
  s.end = end;
  return s;
}

struct Fixture {
  SampleTimeline t;
  Fixture() {
    t.resize(616, 200);  // 600 px of area for 1000 frames
    QVector<float> values(1000);
    for (int i = 0; i < 1000; ++i) values[i] = static_cast<float>(i % 50);
    t.setSample(42, values, 1, 100);
    t.setLabels({"wave", "tap", "idle"});
    t.show();
  }
};

}  // namespace

TEST(SampleTimeline, DragOnFreeSpaceCreatesASegmentWithTheCurrentLabel) {
  Fixture f;
  QSignalSpy created(&f.t, &SampleTimeline::segmentCreated);
  EXPECT_EQ(f.t.currentLabel(), "wave");
  mouseDrag(&f.t, QPoint(f.t.xOfFrame(100), 100), QPoint(f.t.xOfFrame(300), 100));
  ASSERT_EQ(created.count(), 1);
  EXPECT_EQ(created.at(0).at(0).toLongLong(), 100);
  EXPECT_EQ(created.at(0).at(1).toLongLong(), 300);
  EXPECT_EQ(created.at(0).at(2).toString(), "wave");
  // Right to left works too; a click (no drag) creates nothing.
  QTest::keyClick(&f.t, Qt::Key_2);
  mouseDrag(&f.t, QPoint(f.t.xOfFrame(900), 100), QPoint(f.t.xOfFrame(700), 100));
  QTest::mouseClick(&f.t, Qt::LeftButton, Qt::NoModifier, QPoint(f.t.xOfFrame(500), 100));
  ASSERT_EQ(created.count(), 2);
  EXPECT_EQ(created.at(1).at(0).toLongLong(), 700);
  EXPECT_EQ(created.at(1).at(2).toString(), "tap");
}

TEST(SampleTimeline, DraggingAnEdgeResizesTheSegment) {
  Fixture f;
  f.t.setSegments({seg(7, "wave", 200, 400)});
  QSignalSpy resized(&f.t, &SampleTimeline::segmentResized);
  QSignalSpy created(&f.t, &SampleTimeline::segmentCreated);
  mouseDrag(&f.t, QPoint(f.t.xOfFrame(400) + 2, 100), QPoint(f.t.xOfFrame(600), 100));
  ASSERT_EQ(resized.count(), 1);
  EXPECT_EQ(resized.at(0).at(0).toLongLong(), 7);
  EXPECT_EQ(resized.at(0).at(1).toLongLong(), 200);
  EXPECT_EQ(resized.at(0).at(2).toLongLong(), 600);
  mouseDrag(&f.t, QPoint(f.t.xOfFrame(200) - 1, 100), QPoint(f.t.xOfFrame(50), 100));
  ASSERT_EQ(resized.count(), 2);
  EXPECT_EQ(resized.at(1).at(1).toLongLong(), 50);
  EXPECT_EQ(created.count(), 0);
  EXPECT_EQ(f.t.selectedSegment(), 7);
}

TEST(SampleTimeline, KeysRelabelJumpAndRemove) {
  Fixture f;
  f.t.setSegments({seg(3, "wave", 600, 700), seg(1, "wave", 100, 200), seg(2, "idle", 300, 400)});
  QSignalSpy relabeled(&f.t, &SampleTimeline::segmentRelabeled);
  QSignalSpy removed(&f.t, &SampleTimeline::segmentRemoved);
  f.t.setFocus();
  // ] jumps in time order from the first; Shift+Tab goes back; the jump wraps around.
  QTest::keyClick(&f.t, Qt::Key_BracketRight);
  EXPECT_EQ(f.t.selectedSegment(), 1);
  QTest::keyClick(&f.t, Qt::Key_BracketRight);
  EXPECT_EQ(f.t.selectedSegment(), 2);
  QTest::keyClick(&f.t, Qt::Key_Tab);
  EXPECT_EQ(f.t.selectedSegment(), 3);
  QTest::keyClick(&f.t, Qt::Key_Tab);
  EXPECT_EQ(f.t.selectedSegment(), 1);
  QTest::keyClick(&f.t, Qt::Key_Backtab);
  EXPECT_EQ(f.t.selectedSegment(), 3);
  // 2 gives label 2 ("tap") to the selected segment; 9 (no ninth label) does nothing.
  QTest::keyClick(&f.t, Qt::Key_2);
  ASSERT_EQ(relabeled.count(), 1);
  EXPECT_EQ(relabeled.at(0).at(0).toLongLong(), 3);
  EXPECT_EQ(relabeled.at(0).at(1).toString(), "tap");
  QTest::keyClick(&f.t, Qt::Key_9);
  EXPECT_EQ(relabeled.count(), 1);
  // A click inside a segment selects it; Delete asks to remove it.
  QTest::mouseClick(&f.t, Qt::LeftButton, Qt::NoModifier, QPoint(f.t.xOfFrame(350), 100));
  EXPECT_EQ(f.t.selectedSegment(), 2);
  QTest::keyClick(&f.t, Qt::Key_Delete);
  ASSERT_EQ(removed.count(), 1);
  EXPECT_EQ(removed.at(0).at(0).toLongLong(), 2);
}
