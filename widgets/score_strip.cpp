#include "widgets/score_strip.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

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
  if (start == m_start && end == m_end) return;
  m_start = start;
  m_end = end > start ? end : start + 1;
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
  p.setClipRect(a);
  p.setRenderHint(QPainter::Antialiasing);
  for (int k = 0; k < classes; ++k) {
    QPainterPath path;
    bool started = false;
    for (const Point& pt : m_points) {
      if (k >= pt.scores.size() || pt.seconds < m_start - span || pt.seconds > m_end + span) {
        started = false;
        continue;
      }
      const QPointF q(x(pt.seconds), y(pt.scores[k]));
      if (started)
        path.lineTo(q);
      else
        path.moveTo(q);
      started = true;
      path.addEllipse(q, 1.8, 1.8);
      path.moveTo(q);
    }
    p.setPen(QPen(SignalPlot::seriesColour(k), 1.5));
    p.drawPath(path);
  }
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
    const QString shown = fm.elidedText(text, Qt::ElideRight, a.width() / 2);
    const QRect box(a.right() - fm.horizontalAdvance(shown) - 10, a.top() + 2,
                    fm.horizontalAdvance(shown) + 6, fm.height() + 2);
    p.fillRect(box, palette().base());
    p.setPen(SignalPlot::seriesColour(top));
    p.drawText(box, Qt::AlignCenter, shown);
  }
}

}  // namespace tinyscope::ui
