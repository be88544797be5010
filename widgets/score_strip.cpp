#include "widgets/score_strip.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <vector>

#include "widgets/signal_plot.h"

namespace tinyscope::ui {

ScoreStrip::ScoreStrip(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setFixedHeight(sizeHint().height());
}

void ScoreStrip::setLabels(const QStringList& labels) {
  m_labels = labels;
  update();
}

void ScoreStrip::addScores(double seconds, const QVector<double>& scores) {
  m_points.push_back({seconds, scores});
  while (m_points.size() > static_cast<size_t>(kMaxPoints)) m_points.pop_front();
  update();
}

void ScoreStrip::clear() {
  m_points.clear();
  update();
}

void ScoreStrip::setTimeRange(double start, double end) {
  start = std::max(0.0, std::min(start, end - kMinSpanSeconds));  // the stream starts at 0
  if (start == m_start && end == m_end) return;
  m_start = start;
  m_end = end;
  if (!m_points.empty()) update();  // an empty strip looks the same at any time
}

void ScoreStrip::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const QMargins m = SignalPlot::plotMargins();
  const QRect a(m.left(), 4, std::max(10, width() - m.left() - m.right()), height() - 8);
  p.setPen(palette().mid().color());
  p.drawRect(a.adjusted(0, 0, -1, -1));
  p.setPen(palette().text().color());
  const QFontMetrics fm = fontMetrics();
  p.drawText(QRect(4, a.top(), m.left() - 8, fm.height()), Qt::AlignRight | Qt::AlignTop,
             QStringLiteral("1"));
  p.drawText(QRect(4, a.bottom() - fm.height(), m.left() - 8, fm.height()),
             Qt::AlignRight | Qt::AlignBottom, QStringLiteral("0"));
  p.drawText(QRect(4, a.top(), m.left() - 8, a.height()), Qt::AlignRight | Qt::AlignVCenter,
             tr("scores"));
  // The time span at the bottom corners (seconds on the plot's axis).
  p.setPen(palette().mid().color());
  p.drawText(a.adjusted(4, 0, -4, -1), Qt::AlignLeft | Qt::AlignBottom,
             tr("%1 s").arg(m_start, 0, 'f', 1));
  p.drawText(a.adjusted(4, 0, -4, -1), Qt::AlignRight | Qt::AlignBottom,
             tr("%1 s").arg(m_end, 0, 'f', 1));
  p.setPen(palette().text().color());
  if (m_points.empty()) {
    p.setPen(palette().mid().color());
    p.drawText(a, Qt::AlignCenter, tr("Class scores of each inference appear here."));
    return;
  }
  const double span = m_end - m_start;
  const auto x = [&](double s) { return a.left() + (s - m_start) / span * (a.width() - 1); };
  const auto y = [&](double v) { return a.bottom() - std::clamp(v, 0.0, 1.0) * (a.height() - 1); };
  int classes = 0;
  for (const Point& pt : m_points) classes = std::max(classes, pt.scores.size());
  // The results in view, at most one per pixel column (the newest of each column): a full
  // strip costs as much as a sparse one.
  std::vector<const Point*> shown;
  int lastColumn = -1;
  for (const Point& pt : m_points) {
    if (pt.seconds < m_start - span * 0.02 || pt.seconds > m_end + span * 0.02) continue;
    const int column = static_cast<int>(std::lround(x(pt.seconds)));
    if (column == lastColumn && !shown.empty())
      shown.back() = &pt;
    else
      shown.push_back(&pt);
    lastColumn = column;
  }
  const bool sparse = static_cast<int>(shown.size()) * 6 < a.width();
  p.setClipRect(a);
  p.setRenderHint(QPainter::Antialiasing, sparse);
  QPolygonF line;
  for (int k = 0; k < classes; ++k) {
    line.clear();
    // Dense: 1-pixel lines without antialiasing (the raster engine's fast path).
    p.setPen(QPen(SignalPlot::seriesColour(k), sparse ? 1.5 : 1.0));
    p.setBrush(SignalPlot::seriesColour(k));
    for (const Point* pt : shown) {
      if (k >= pt->scores.size()) continue;
      line << QPointF(x(pt->seconds), y(pt->scores[k]));
      if (sparse) p.drawEllipse(line.back(), 1.8, 1.8);  // each result visible on its own
    }
    p.drawPolyline(line);
  }
  p.setBrush(Qt::NoBrush);
  p.setClipping(false);
  // The newest result's top class, in its colour, at the top right.
  const Point& last = m_points.back();
  int top = -1;
  for (int k = 0; k < last.scores.size(); ++k)
    if (top < 0 || last.scores[k] > last.scores[top]) top = k;
  if (top >= 0) {
    const QString text = QStringLiteral("%1 %2")
                             .arg(m_labels.value(top, tr("class %1").arg(top)))
                             .arg(last.scores[top], 0, 'f', 2);
    const QString topText = fm.elidedText(text, Qt::ElideRight, a.width() / 2);
    const QRect box(a.right() - fm.horizontalAdvance(topText) - 10, a.top() + 2,
                    fm.horizontalAdvance(topText) + 6, fm.height() + 2);
    p.fillRect(box, palette().base());
    p.setPen(SignalPlot::seriesColour(top));
    p.drawText(box, Qt::AlignCenter, topText);
  }
}

}  // namespace tinyscope::ui
