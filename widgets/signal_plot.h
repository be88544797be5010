#pragma once
// SignalPlot: a live multi-channel time plot. Keeps the last timeSpan seconds of every
// channel in a bounded history and draws, for each pixel column, the min..max of the
// samples that fall into it — so 16 kHz audio and a 50 Hz IMU cost the same to draw and a
// spike one sample wide is never lost between pixels.
// GUI thread only. Memory: channels × span × rate samples (float), capped at kMaxHistory.
#include <QColor>
#include <QStringList>
#include <QWidget>
#include <deque>
#include <vector>

namespace tinyscope::ui {

class SignalPlot : public QWidget {
  Q_OBJECT
 public:
  static constexpr size_t kMaxHistory = 1u << 20;  // samples per channel

  explicit SignalPlot(QWidget* parent = nullptr);

  // Resets the plot for a new stream.
  void configure(const QStringList& channelNames, double sampleRateHz, const QString& units);
  void setTimeSpan(double seconds);
  // Forgets every sample (the names and rate stay).
  void clear();
  // frames × channels values, interleaved (frame-major).
  void appendFrames(const float* interleaved, int frames);

  int channelCount() const { return static_cast<int>(m_history.size()); }
  size_t samplesHeld() const { return m_history.empty() ? 0 : m_history.front().size(); }
  double sampleRate() const { return m_rateHz; }

  QSize sizeHint() const override { return {640, 320}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  size_t capacity() const;

  QStringList m_names;
  QString m_units;
  std::vector<std::deque<float>> m_history;
  double m_rateHz = 1;
  double m_spanSeconds = 5;
};

}  // namespace tinyscope::ui
