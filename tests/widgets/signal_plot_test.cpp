// SignalPlot: nice ticks instead of min/max, min/max decimation that keeps a one-sample spike,
// pause / scroll back / zoom by keys, wheel and drag, autoscale, and the cursor's readout.
#include "widgets/signal_plot.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QTest>
#include <QWheelEvent>
#include <cmath>
#include <vector>

#include "tests/support/qt_input.h"

using tinyscope::ui::SignalPlot;

namespace {

// `seconds` of a ramp 0, 1, 2, ... on `channels` channels (channel c = c × 1000 + ramp).
void feedRamp(SignalPlot* plot, double seconds, int channels, int* next) {
  const int frames = static_cast<int>(seconds * plot->sampleRate());
  std::vector<float> data(static_cast<size_t>(frames * channels));
  for (int f = 0; f < frames; ++f, ++*next)
    for (int c = 0; c < channels; ++c)
      data[static_cast<size_t>(f * channels + c)] = static_cast<float>(c * 1000 + *next);
  plot->appendFrames(data.data(), frames);
}

void wheel(SignalPlot* plot, QPoint at, int delta, Qt::KeyboardModifiers mods = Qt::NoModifier) {
  QWheelEvent e(QPointF(at), QPointF(plot->mapToGlobal(at)), QPoint(), QPoint(0, delta),
                Qt::NoButton, mods, Qt::NoScrollPhase, false);
  QApplication::sendEvent(plot, &e);
}

}  // namespace

TEST(SignalPlot, TicksAreNiceNumbersNotTheRangeEnds) {
  const QVector<double> t = SignalPlot::niceTicks(-3.1, 242000, 5);
  EXPECT_EQ(t, (QVector<double>{0, 50000, 100000, 150000, 200000}));
  EXPECT_EQ(SignalPlot::tickLabel(150000, 50000), "150000");
  EXPECT_EQ(SignalPlot::niceTicks(0.013, 0.1, 4), (QVector<double>{0.02, 0.04, 0.06, 0.08, 0.1}));
  EXPECT_EQ(SignalPlot::tickLabel(0.06, 0.02), "0.06");
  EXPECT_EQ(SignalPlot::tickLabel(-0.75, 0.25), "-0.75");
  EXPECT_EQ(SignalPlot::niceTicks(-1, 1, 4), (QVector<double>{-1, -0.5, 0, 0.5, 1}));
  EXPECT_TRUE(SignalPlot::niceTicks(1, 1, 4).isEmpty());
  EXPECT_TRUE(SignalPlot::niceTicks(0, std::nan(""), 4).isEmpty());
}

// 16 kHz: one second is ~27 samples per pixel column; a single-sample spike still shows.
TEST(SignalPlot, MinMaxDecimationKeepsASingleSampleSpike) {
  SignalPlot plot;
  plot.resize(680, 300);
  plot.configure({"mic"}, 16000, "counts");
  plot.setTimeSpan(1.0);
  std::vector<float> data(16000, 0.f);
  data[7777] = 1000.f;
  plot.appendFrames(data.data(), 16000);
  const QImage img = plot.grab().toImage();
  // The spike is the top of the autoscaled range: some pixel of the channel colour sits in
  // the top 10 % of the plot area (the legend row above it is excluded).
  const QColor blue(31, 119, 180);
  int topmost = img.height();
  for (int y = 30; y < img.height() - 40; ++y)
    for (int x = 80; x < img.width() - 12; ++x)
      if (QColor(img.pixel(x, y)) == blue) topmost = std::min(topmost, y);
  EXPECT_LT(topmost, 30 + 0.1 * (300 - 60)) << "the spike was lost between pixels";
  EXPECT_NEAR(plot.valueHigh(), 1050, 1);
  EXPECT_NEAR(plot.valueLow(), -50, 1);
}

TEST(SignalPlot, PauseHoldsTheViewWhileSamplesArriveAndEndGoesLive) {
  SignalPlot plot;
  plot.resize(600, 300);
  plot.configure({"x", "y"}, 100, "g");
  plot.setTimeSpan(5);
  int next = 0;
  feedRamp(&plot, 10, 2, &next);
  EXPECT_DOUBLE_EQ(plot.viewEndSeconds(), 10);
  plot.setFocus();
  QTest::keyClick(&plot, Qt::Key_Space);
  EXPECT_TRUE(plot.isPaused());
  feedRamp(&plot, 3, 2, &next);
  EXPECT_DOUBLE_EQ(plot.viewEndSeconds(), 10);  // frozen
  QTest::keyClick(&plot, Qt::Key_Left);         // back 10 % of the span
  EXPECT_NEAR(plot.viewEndSeconds(), 9.5, 1e-9);
  QTest::keyClick(&plot, Qt::Key_End);
  EXPECT_FALSE(plot.isPaused());
  EXPECT_DOUBLE_EQ(plot.viewEndSeconds(), 13);
}

TEST(SignalPlot, WheelZoomsTimeCtrlWheelZoomsValuesDragScrollsBack) {
  SignalPlot plot;
  plot.resize(674, 300);  // plot area 590 px wide from x = 74
  plot.configure({"x"}, 100, "g");
  plot.setTimeSpan(10);
  int next = 0;
  feedRamp(&plot, 30, 1, &next);
  plot.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&plot));

  wheel(&plot, QPoint(400, 150), 120);  // zoom in one step; live: the right edge stays
  EXPECT_NEAR(plot.timeSpan(), 8, 1e-9);
  EXPECT_DOUBLE_EQ(plot.viewEndSeconds(), 30);

  // Drag 295 px (half the area) to the right: half a span back in time, paused.
  QTest::mousePress(&plot, Qt::LeftButton, Qt::NoModifier, QPoint(300, 150));
  mouseMoveHeld(&plot, QPoint(445, 150), Qt::LeftButton);
  mouseMoveHeld(&plot, QPoint(595, 150), Qt::LeftButton);
  QTest::mouseRelease(&plot, Qt::LeftButton, Qt::NoModifier, QPoint(595, 150));
  EXPECT_TRUE(plot.isPaused());
  EXPECT_NEAR(plot.viewEndSeconds(), 26, 0.05);

  // Paused, the wheel zooms around the mouse: the time under it stays put.
  const double at = plot.viewStartSeconds() + (369.0 - 74) / 590 * plot.timeSpan();
  wheel(&plot, QPoint(369, 150), -120);  // zoom out
  EXPECT_NEAR(plot.timeSpan(), 10, 1e-9);
  EXPECT_NEAR(plot.viewStartSeconds() + (369.0 - 74) / 590 * plot.timeSpan(), at, 1e-6);

  const double range = plot.valueHigh() - plot.valueLow();
  wheel(&plot, QPoint(369, 150), 120, Qt::ControlModifier);
  EXPECT_FALSE(plot.autoscale());
  EXPECT_NEAR(plot.valueHigh() - plot.valueLow(), 0.8 * range, 1e-6 * range);
  QTest::keyClick(&plot, Qt::Key_A);
  EXPECT_TRUE(plot.autoscale());
}

TEST(SignalPlot, CursorReadsOutEveryChannelAtTheMouse) {
  SignalPlot plot;
  plot.resize(674, 300);
  plot.configure({"x", "y"}, 100, "g,m/s");
  plot.setTimeSpan(10);
  int next = 0;
  feedRamp(&plot, 10, 2, &next);  // sample i at t = i / 100 s: x = i, y = 1000 + i
  plot.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&plot));
  // x = 74 + 295: the middle of the area, t ≈ 5 s, sample 500.
  mouseMoveHeld(&plot, QPoint(369, 150), Qt::NoButton);
  plot.repaint();
  const QString readout = plot.cursorReadout();
  EXPECT_TRUE(readout.startsWith("t = 5.00")) << readout.toStdString();
  EXPECT_TRUE(readout.contains("x 500 g")) << readout.toStdString();
  EXPECT_TRUE(readout.contains("y 1500 m/s")) << readout.toStdString();
}

TEST(SignalPlot, HistoryIsBoundedAndClearForgetsIt) {
  SignalPlot plot;
  plot.configure({"a"}, 48000, "");
  std::vector<float> block(48000, 1.f);
  for (int s = 0; s < 25; ++s) plot.appendFrames(block.data(), 48000);
  EXPECT_EQ(plot.samplesHeld(), SignalPlot::kMaxHistory);
  plot.clear();
  EXPECT_EQ(plot.samplesHeld(), 0u);
}
