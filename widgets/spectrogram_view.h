#pragma once
// SpectrogramView: a scrolling spectrogram (time → right, frequency ↑) of dB columns from
// app/core's Spectrogram, with a fixed dB range mapped to a perceptual colour ramp.
// GUI thread only. Memory: one QImage of historyColumns × bins.
#include <QImage>
#include <QWidget>
#include <vector>

namespace tinyscope::ui {

class SpectrogramView : public QWidget {
  Q_OBJECT
 public:
  explicit SpectrogramView(QWidget* parent = nullptr);

  // Resets the view: bins per column, the stream's sample rate, columns kept.
  void configure(int bins, double sampleRateHz, int historyColumns);
  void setRange(float minDb, float maxDb);
  void appendColumns(const std::vector<std::vector<float>>& columns);
  int columnsShown() const { return m_filled; }
  QSize sizeHint() const override { return {640, 200}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QRgb colour(float db) const;

  QImage m_image;  // width = history, height = bins; row 0 = Nyquist
  double m_rateHz = 1;
  float m_minDb = -100, m_maxDb = 0;
  int m_filled = 0;
};

}  // namespace tinyscope::ui
