#pragma once
// SignalPlot: a live multi-channel time plot with real axes. Keeps up to kHistorySeconds of
// every channel (bounded by kMaxHistory samples) and draws, for each pixel column, the
// min..max of the samples that fall into it — so 16 kHz audio and a 50 Hz IMU cost the same
// to draw and a spike one sample wide is never lost between pixels. Zoomed in closer than
// one sample per pixel, it draws the samples joined by lines.
//
// Axes: ticks at 1-2-5 steps with a grid; time in seconds since the stream started, values in
// the device's units. View: pause (Space), scroll back (drag, Left/Right), zoom time (wheel,
// +/-), zoom values (Ctrl+wheel, turns autoscale off), autoscale (A), back to live (End).
// A cursor under the mouse reads out every channel's value at that time.
//
// GUI thread only. Memory: channels × min(kHistorySeconds × rate, kMaxHistory) floats, plus
// one ARGB image of the plot area.
#include <QColor>
#include <QImage>
#include <QMargins>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <deque>
#include <vector>

namespace tinyscope::ui {

class SignalPlot : public QWidget {
  Q_OBJECT
 public:
  static constexpr size_t kMaxHistory = 1u << 20;  // samples per channel
  static constexpr double kHistorySeconds = 60;

  explicit SignalPlot(QWidget* parent = nullptr);

  // Resets the plot for a new stream. `units`: one unit for all channels, or one per channel
  // separated by commas.
  void configure(const QStringList& channelNames, double sampleRateHz, const QString& units);
  // The visible time span (live view); zooming changes it.
  void setTimeSpan(double seconds);
  double timeSpan() const { return m_spanSeconds; }
  // Forgets every sample (the names and rate stay) and goes back to the live view.
  void clear();
  // frames × channels values, interleaved (frame-major).
  void appendFrames(const float* interleaved, int frames);

  int channelCount() const { return static_cast<int>(m_history.size()); }
  size_t samplesHeld() const { return m_history.empty() ? 0 : m_history.front().size(); }
  double sampleRate() const { return m_rateHz; }

  // The view. A paused view stays where it is while samples keep arriving.
  void setPaused(bool paused);
  bool isPaused() const { return m_paused; }
  void setAutoscale(bool on);
  bool autoscale() const { return m_autoscale; }
  // factor < 1 zooms in; the time at `anchor` (0 left edge .. 1 right edge) stays in place.
  void zoomTime(double factor, double anchor = 1.0);
  // Moves the view by `seconds` (negative: back in time) and pauses it.
  void panTime(double seconds);
  void followLive();
  // factor < 1 zooms in around the value at `anchor` (0 bottom .. 1 top); autoscale off.
  void zoomValues(double factor, double anchor = 0.5);
  // The visible window: [start, end) in seconds since the stream started; values lo..hi.
  double viewStartSeconds() const;
  double viewEndSeconds() const;
  double newestSeconds() const;  // time just after the newest sample
  double valueLow() const { return m_yLo; }
  double valueHigh() const { return m_yHi; }
  // The cursor's readout ("t = 1.234 s · x 0.12 g · ..."), empty when the mouse is away.
  QString cursorReadout() const { return m_readout; }

  // Tick positions at 1, 2 or 5 × 10^n covering [lo, hi], at most about `target` of them.
  static QVector<double> niceTicks(double lo, double hi, int target);
  static QString tickLabel(double value, double step);
  // The colour of channel `c` and the plot area's margins: views drawn under the plot (the class
  // score strip) use them to line up.
  static QColor seriesColour(int c);
  static QMargins plotMargins();

  QSize sizeHint() const override { return {640, 320}; }
  QSize minimumSizeHint() const override { return {240, 140}; }

 Q_SIGNALS:
  void viewChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRect plotArea() const;
  size_t capacity() const;
  double oldestSeconds() const;
  void clampView();
  void updateAutoscale(double start, double end);
  void updateReadout();

  QStringList m_names;
  QStringList m_units;  // one per channel
  std::vector<std::deque<float>> m_history;
  quint64 m_total = 0;  // samples ever appended per channel (index of the next sample)
  double m_rateHz = 1;
  double m_spanSeconds = 5;
  bool m_paused = false;
  double m_pausedEnd = 0;  // the view's right edge while paused (seconds)
  bool m_autoscale = true;
  double m_yLo = -1, m_yHi = 1;
  // Interaction.
  bool m_dragging = false;
  QPoint m_dragFrom;
  double m_dragEnd = 0, m_dragLo = 0, m_dragHi = 0;
  int m_cursorX = -1;
  QString m_readout;
  QVector<QPair<QRect, QString>> m_legend;  // entry rectangles with the full names
  QImage m_canvas;  // the plot area's pixels of the decimated signal (reused, 4 bytes a pixel)
};

}  // namespace tinyscope::ui
