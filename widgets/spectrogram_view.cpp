#include "widgets/spectrogram_view.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace tinyscope::ui {

SpectrogramView::SpectrogramView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(320, 120);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void SpectrogramView::configure(int bins, double sampleRateHz, int historyColumns) {
  m_image = QImage(std::max(1, historyColumns), std::max(1, bins), QImage::Format_RGB32);
  m_image.fill(colour(m_minDb));
  m_rateHz = sampleRateHz > 0 ? sampleRateHz : 1;
  m_filled = 0;
  update();
}

void SpectrogramView::setRange(float minDb, float maxDb) {
  m_minDb = minDb;
  m_maxDb = std::max(minDb + 1, maxDb);
  update();
}

QRgb SpectrogramView::colour(float db) const {
  // Dark blue → purple → orange → pale yellow.
  const float t = std::clamp((db - m_minDb) / (m_maxDb - m_minDb), 0.0f, 1.0f);
  const auto mix = [t](float a, float b, float c, float d) {
    if (t < 0.33f) return static_cast<int>(a + (b - a) * t / 0.33f);
    if (t < 0.66f) return static_cast<int>(b + (c - b) * (t - 0.33f) / 0.33f);
    return static_cast<int>(c + (d - c) * (t - 0.66f) / 0.34f);
  };
  return qRgb(mix(12, 120, 240, 252), mix(7, 28, 110, 253), mix(50, 130, 40, 191));
}

void SpectrogramView::appendColumns(const std::vector<std::vector<float>>& columns) {
  if (m_image.isNull() || columns.empty()) return;
  const int w = m_image.width(), h = m_image.height();
  const int n = std::min(static_cast<int>(columns.size()), w);
  // Scroll left by n columns, then write the newest n at the right edge.
  for (int y = 0; y < h; ++y) {
    auto* row = reinterpret_cast<QRgb*>(m_image.scanLine(y));
    std::move(row + n, row + w, row);
  }
  for (int c = 0; c < n; ++c) {
    const std::vector<float>& col = columns[columns.size() - static_cast<size_t>(n - c)];
    const int x = w - n + c;
    for (int y = 0; y < h; ++y) {
      const size_t bin = static_cast<size_t>(h - 1 - y);
      reinterpret_cast<QRgb*>(m_image.scanLine(y))[x] =
          colour(bin < col.size() ? col[bin] : m_minDb);
    }
  }
  m_filled = std::min(w, m_filled + n);
  update();
}

void SpectrogramView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const int left = 64, bottom = 18;
  const QRect area(left, 4, std::max(10, width() - left - 8), std::max(10, height() - bottom - 4));
  if (!m_image.isNull()) p.drawImage(area, m_image);
  p.setPen(palette().text().color());
  p.drawText(QRect(0, area.top(), left - 4, 16), Qt::AlignRight | Qt::AlignTop,
             tr("%1 kHz").arg(m_rateHz / 2000.0, 0, 'g', 3));
  p.drawText(QRect(0, area.bottom() - 16, left - 4, 16), Qt::AlignRight | Qt::AlignBottom,
             tr("0 Hz"));
  p.drawText(QRect(area.left(), area.bottom() + 2, area.width(), bottom - 2),
             Qt::AlignRight | Qt::AlignTop,
             tr("spectrogram, %1 … %2 dBFS").arg(m_minDb, 0, 'f', 0).arg(m_maxDb, 0, 'f', 0));
}

}  // namespace tinyscope::ui
