#include "widgets/signal_plot.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>

namespace tinyscope::ui {

namespace {
const QColor kPalette[] = {QColor(31, 119, 180),  QColor(214, 39, 40),   QColor(44, 160, 44),
                           QColor(255, 127, 14),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207)};
}

SignalPlot::SignalPlot(QWidget* parent) : QWidget(parent) {
  setMinimumSize(320, 160);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void SignalPlot::configure(const QStringList& channelNames, double sampleRateHz,
                           const QString& units) {
  m_names = channelNames;
  m_units = units;
  m_rateHz = sampleRateHz > 0 ? sampleRateHz : 1;
  m_history.assign(static_cast<size_t>(channelNames.size()), {});
  update();
}

void SignalPlot::setTimeSpan(double seconds) {
  m_spanSeconds = std::max(0.1, seconds);
  update();
}

void SignalPlot::clear() {
  for (auto& h : m_history) h.clear();
  update();
}

size_t SignalPlot::capacity() const {
  return std::min(kMaxHistory, static_cast<size_t>(std::ceil(m_spanSeconds * m_rateHz)) + 1);
}

void SignalPlot::appendFrames(const float* interleaved, int frames) {
  const size_t channels = m_history.size();
  if (channels == 0 || frames <= 0) return;
  const size_t cap = capacity();
  for (size_t c = 0; c < channels; ++c) {
    std::deque<float>& h = m_history[c];
    for (int f = 0; f < frames; ++f)
      h.push_back(interleaved[static_cast<size_t>(f) * channels + c]);
    while (h.size() > cap) h.pop_front();
  }
  update();
}

void SignalPlot::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const int left = 64, right = 8, top = 22, bottom = 22;
  const QRect area(left, top, std::max(10, width() - left - right),
                   std::max(10, height() - top - bottom));
  p.setPen(palette().mid().color());
  p.drawRect(area.adjusted(0, 0, -1, -1));

  if (m_history.empty() || m_history.front().empty()) {
    p.setPen(palette().placeholderText().color());
    p.drawText(area, Qt::AlignCenter, tr("Waiting for sensor windows…"));
    return;
  }
  const size_t n = m_history.front().size();
  const size_t visible = std::min(n, capacity());
  const size_t first = n - visible;
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  for (const auto& h : m_history)
    for (size_t i = first; i < n; ++i) {
      lo = std::min(lo, h[i]);
      hi = std::max(hi, h[i]);
    }
  if (hi - lo < 1e-6f) {
    hi += 1;
    lo -= 1;
  }
  const float pad = (hi - lo) * 0.05f;
  lo -= pad;
  hi += pad;
  auto yOf = [&](float v) {
    return area.bottom() - static_cast<double>((v - lo) / (hi - lo)) * area.height();
  };

  // Axes labels: value range and time span.
  p.setPen(palette().text().color());
  auto label = [](float v) {
    return std::fabs(v) >= 100 && std::fabs(v) < 1e7
               ? QString::number(static_cast<double>(v), 'f', 0)
               : QString::number(static_cast<double>(v), 'g', 3);
  };
  p.drawText(QRect(0, area.top() - 8, left - 4, 16), Qt::AlignRight | Qt::AlignVCenter, label(hi));
  p.drawText(QRect(0, area.bottom() - 8, left - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
             label(lo));
  p.drawText(QRect(area.left(), area.bottom() + 2, area.width(), bottom - 2),
             Qt::AlignLeft | Qt::AlignTop, tr("−%1 s").arg(m_spanSeconds, 0, 'g', 3));
  p.drawText(QRect(area.left(), area.bottom() + 2, area.width(), bottom - 2),
             Qt::AlignRight | Qt::AlignTop, tr("now"));
  if (!m_units.isEmpty())
    p.drawText(QRect(area.left(), 2, area.width() - 4, top - 4), Qt::AlignRight | Qt::AlignVCenter,
               tr("units: %1").arg(m_units));

  // The newest sample sits at the right edge; a full span fills the width.
  const double samplesPerPixel = static_cast<double>(capacity()) / area.width();
  for (size_t c = 0; c < m_history.size(); ++c) {
    const std::deque<float>& h = m_history[c];
    QColor colour = kPalette[c % (sizeof kPalette / sizeof kPalette[0])];
    p.setPen(QPen(colour, 1));
    double prevY = -1;
    for (int x = area.right(); x >= area.left(); --x) {
      const double endBack = (area.right() - x) * samplesPerPixel;  // samples back from newest
      const double startBack = endBack + samplesPerPixel;
      if (endBack >= static_cast<double>(visible)) break;
      const size_t i1 = n - 1 - static_cast<size_t>(endBack);
      const size_t i0 = n - 1 - std::min(static_cast<size_t>(startBack), visible - 1);
      float mn = h[i1], mx = h[i1];
      for (size_t i = i0; i < i1; ++i) {
        mn = std::min(mn, h[i]);
        mx = std::max(mx, h[i]);
      }
      const double y0 = yOf(mx), y1 = yOf(mn);
      p.drawLine(QPointF(x, y0), QPointF(x, y1));
      if (prevY >= 0) p.drawLine(QPointF(x + 1, prevY), QPointF(x, (y0 + y1) / 2));
      prevY = (y0 + y1) / 2;
    }
    // Legend.
    p.fillRect(QRect(area.left() + 8 + static_cast<int>(c) * 90, 6, 10, 10), colour);
    p.setPen(palette().text().color());
    p.drawText(QPoint(area.left() + 22 + static_cast<int>(c) * 90, 15),
               m_names.value(static_cast<int>(c)));
  }
}

}  // namespace tinyscope::ui
