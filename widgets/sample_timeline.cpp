#include "widgets/sample_timeline.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/signal_plot.h"

namespace tinyscope::ui {

namespace {
constexpr int kLeft = 8, kRight = 8, kTop = 22, kBottom = 22, kEdgePx = 4;
const QColor kLabelColours[] = {QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),
                                QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                                QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34)};
}  // namespace

SampleTimeline::SampleTimeline(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setMinimumSize(200, 120);
  clearSample(tr("Select a sample to see its signal and label segments."));
}

void SampleTimeline::setSample(qint64 sampleId, const QVector<float>& interleaved, int channels,
                               double rateHz) {
  m_sampleId = sampleId;
  m_values = interleaved;
  m_channels = std::max(1, channels);
  m_frames = m_values.size() / m_channels;
  m_rateHz = rateHz > 0 ? rateHz : 1;
  m_message.clear();
  m_lo = std::numeric_limits<float>::max();
  m_hi = std::numeric_limits<float>::lowest();
  for (float v : m_values) {
    m_lo = std::min(m_lo, v);
    m_hi = std::max(m_hi, v);
  }
  if (m_values.isEmpty() || m_hi - m_lo < 1e-9f) {
    m_lo = (m_values.isEmpty() ? 0 : m_lo) - 1;
    m_hi = m_lo + 2;
  }
  m_selected = 0;
  update();
}

void SampleTimeline::clearSample(const QString& message) {
  m_sampleId = 0;
  m_values.clear();
  m_frames = 0;
  m_segments.clear();
  m_selected = 0;
  m_message = message;
  update();
}

void SampleTimeline::setSegments(const QVector<dataset::Segment>& segments) {
  m_segments.clear();
  for (const dataset::Segment& s : segments)
    if (!s.whole) m_segments.append(s);
  std::sort(m_segments.begin(), m_segments.end(),
            [](const dataset::Segment& a, const dataset::Segment& b) {
              return a.start != b.start ? a.start < b.start : a.id < b.id;
            });
  if (!segment(m_selected)) m_selected = 0;
  update();
}

void SampleTimeline::setLabels(const QStringList& labels) {
  m_labels = labels;
  if (m_currentLabel.isEmpty() && !labels.isEmpty()) setCurrentLabel(labels.front());
  update();
}

void SampleTimeline::setCurrentLabel(const QString& label) {
  if (label == m_currentLabel) return;
  m_currentLabel = label;
  update();
  Q_EMIT currentLabelChanged(label);
}

void SampleTimeline::selectSegment(qint64 segmentId) {
  if (segmentId != 0 && !segment(segmentId)) segmentId = 0;
  if (segmentId == m_selected) return;
  m_selected = segmentId;
  update();
  Q_EMIT selectionChanged(segmentId);
}

const dataset::Segment* SampleTimeline::segment(qint64 id) const {
  for (const dataset::Segment& s : m_segments)
    if (s.id == id) return &s;
  return nullptr;
}

QRect SampleTimeline::area() const {
  return QRect(kLeft, kTop, std::max(10, width() - kLeft - kRight),
               std::max(10, height() - kTop - kBottom));
}

int SampleTimeline::xOfFrame(qint64 frame) const {
  const QRect a = area();
  if (m_frames <= 0) return a.left();
  return a.left() + static_cast<int>(std::lround(static_cast<double>(frame) * a.width() /
                                                 static_cast<double>(m_frames)));
}

qint64 SampleTimeline::frameAtX(int x) const {
  const QRect a = area();
  const double f = static_cast<double>(x - a.left()) * static_cast<double>(m_frames) / a.width();
  return std::clamp<qint64>(std::llround(f), 0, m_frames);
}

const dataset::Segment* SampleTimeline::edgeAt(int x, bool* isStart) const {
  const dataset::Segment* best = nullptr;
  int bestDistance = kEdgePx + 1;
  auto consider = [&](const dataset::Segment& s) {
    for (bool start : {true, false}) {
      const int d = std::abs(x - xOfFrame(start ? s.start : s.end));
      if (d < bestDistance) {
        bestDistance = d;
        best = &s;
        *isStart = start;
      }
    }
  };
  if (const dataset::Segment* sel = segment(m_selected)) consider(*sel);
  if (!best)
    for (const dataset::Segment& s : m_segments) consider(s);
  return best;
}

QColor SampleTimeline::labelColour(const QString& label) const {
  int i = m_labels.indexOf(label);
  if (i < 0) i = static_cast<int>(qHash(label) % 9u);
  return kLabelColours[i % 9];
}

void SampleTimeline::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const QRect a = area();
  p.setPen(palette().mid().color());
  p.drawRect(a.adjusted(0, 0, -1, -1));
  const QFontMetrics fm = fontMetrics();
  // Keys legend: which label each number key gives.
  QStringList keys;
  for (int k = 0; k < std::min(9, static_cast<int>(m_labels.size())); ++k)
    keys << QStringLiteral("%1 %2").arg(k + 1).arg(m_labels[k]);
  p.setPen(palette().text().color());
  p.drawText(
      QRect(kLeft, 2, width() - kLeft - kRight, kTop - 4), Qt::AlignLeft | Qt::AlignVCenter,
      fm.elidedText(tr("New segments: %1 · keys: %2")
                        .arg(m_currentLabel.isEmpty() ? tr("(type a label)") : m_currentLabel,
                             keys.isEmpty() ? tr("none yet") : keys.join(" · ")),
                    Qt::ElideRight, width() - kLeft - kRight));
  if (m_frames <= 0) {
    p.setPen(palette().placeholderText().color());
    p.drawText(a, Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }

  // Segments under the signal.
  for (const dataset::Segment& s : m_segments) {
    const int x0 = xOfFrame(s.start), x1 = std::max(x0 + 1, xOfFrame(s.end));
    QColor c = labelColour(s.label);
    c.setAlpha(s.id == m_selected ? 110 : 55);
    p.fillRect(QRect(x0, a.top(), x1 - x0, a.height()), c);
    c.setAlpha(255);
    p.setPen(QPen(c, s.id == m_selected ? 3 : 1));
    p.drawLine(x0, a.top(), x0, a.bottom());
    p.drawLine(x1, a.top(), x1, a.bottom());
    p.setPen(palette().text().color());
    p.drawText(QRect(x0 + 3, a.top() + 2, std::max(0, x1 - x0 - 4), fm.height()),
               Qt::AlignLeft | Qt::AlignTop, fm.elidedText(s.label, Qt::ElideRight, x1 - x0 - 4));
  }
  if (m_drag == Drag::kCreate) {
    const int x0 = xOfFrame(std::min(m_anchor, m_dragFrame));
    const int x1 = xOfFrame(std::max(m_anchor, m_dragFrame));
    QColor c = labelColour(m_currentLabel);
    c.setAlpha(80);
    p.fillRect(QRect(x0, a.top(), std::max(1, x1 - x0), a.height()), c);
  }

  // The signal: min/max per pixel column, every channel.
  p.setClipRect(a);
  auto yOf = [&](float v) {
    return a.bottom() - static_cast<double>((v - m_lo) / (m_hi - m_lo)) * (a.height() - 4) - 2;
  };
  for (int c = 0; c < m_channels; ++c) {
    QColor colour = palette().text().color();
    colour.setAlpha(m_channels > 1 ? 150 : 220);
    p.setPen(colour);
    // Each column's min..max, stretched to meet the previous column's middle: a continuous
    // trace whether a column holds many frames or less than one.
    double prevMid = std::numeric_limits<double>::quiet_NaN();
    for (int x = a.left(); x <= a.right(); ++x) {
      const qint64 f0 = frameAtX(x), f1 = std::max(f0 + 1, frameAtX(x + 1));
      if (f0 >= m_frames) break;
      float mn = std::numeric_limits<float>::max(), mx = std::numeric_limits<float>::lowest();
      for (qint64 f = f0; f < std::min(f1, m_frames); ++f) {
        const float v = m_values[static_cast<int>(f * m_channels + c)];
        mn = std::min(mn, v);
        mx = std::max(mx, v);
      }
      double top = yOf(mx), bottom = yOf(mn);
      const double mid = (top + bottom) / 2;
      if (!std::isnan(prevMid)) {
        top = std::min(top, prevMid);
        bottom = std::max(bottom, prevMid);
      }
      prevMid = mid;
      p.drawLine(QPointF(x, top), QPointF(x, bottom));
    }
  }
  p.setClipping(false);

  // Time axis.
  const double seconds = static_cast<double>(m_frames) / m_rateHz;
  const QVector<double> ticks = SignalPlot::niceTicks(0, seconds, std::max(2, a.width() / 80));
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : seconds;
  p.setPen(palette().text().color());
  for (double t : ticks) {
    const int x = xOfFrame(std::llround(t * m_rateHz));
    p.drawLine(x, a.bottom(), x, a.bottom() + 3);
    p.drawText(QRect(x - 40, a.bottom() + 3, 80, kBottom - 4), Qt::AlignHCenter | Qt::AlignTop,
               SignalPlot::tickLabel(t, step) + QStringLiteral(" s"));
  }
}

void SampleTimeline::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || m_frames <= 0) return QWidget::mousePressEvent(event);
  setFocus(Qt::MouseFocusReason);
  const int x = event->pos().x();
  bool isStart = false;
  if (const dataset::Segment* s = edgeAt(x, &isStart)) {
    m_drag = isStart ? Drag::kResizeStart : Drag::kResizeEnd;
    m_dragSegment = s->id;
    m_anchor = isStart ? s->end : s->start;  // the edge that stays
    m_dragFrame = frameAtX(x);
    selectSegment(s->id);
    return;
  }
  const qint64 f = frameAtX(x);
  for (const dataset::Segment& s : m_segments)
    if (f >= s.start && f < s.end) {
      selectSegment(s.id);
      return;
    }
  selectSegment(0);
  m_drag = Drag::kCreate;
  m_anchor = m_dragFrame = f;
}

void SampleTimeline::mouseMoveEvent(QMouseEvent* event) {
  const int x = event->pos().x();
  if (m_drag == Drag::kNone) {
    bool isStart = false;
    setCursor(m_frames > 0 && edgeAt(x, &isStart) ? Qt::SizeHorCursor : Qt::ArrowCursor);
    return;
  }
  m_dragFrame = frameAtX(x);
  if (m_drag != Drag::kCreate) {
    // Preview the resize on the local copy; the owner's setSegments() makes it real.
    for (dataset::Segment& s : m_segments)
      if (s.id == m_dragSegment) {
        s.start = std::min(m_anchor, m_dragFrame);
        s.end = std::max(m_anchor, m_dragFrame);
      }
  }
  update();
}

void SampleTimeline::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || m_drag == Drag::kNone) return;
  const Drag drag = m_drag;
  m_drag = Drag::kNone;
  m_dragFrame = frameAtX(event->pos().x());
  const qint64 start = std::min(m_anchor, m_dragFrame), end = std::max(m_anchor, m_dragFrame);
  update();
  if (drag == Drag::kCreate) {
    if (std::abs(xOfFrame(end) - xOfFrame(start)) >= 3 && !m_currentLabel.isEmpty())
      Q_EMIT segmentCreated(start, end, m_currentLabel);
    return;
  }
  if (end > start) Q_EMIT segmentResized(m_dragSegment, start, end);
}

void SampleTimeline::jump(bool next) {
  if (m_segments.isEmpty()) return;
  int at = -1;
  for (int i = 0; i < m_segments.size(); ++i)
    if (m_segments[i].id == m_selected) at = i;
  const int n = static_cast<int>(m_segments.size());
  const int to = at < 0 ? (next ? 0 : n - 1) : (at + (next ? 1 : n - 1)) % n;
  selectSegment(m_segments[to].id);
}

bool SampleTimeline::focusNextPrevChild(bool next) {
  if (m_segments.isEmpty()) return QWidget::focusNextPrevChild(next);
  jump(next);
  return true;
}

void SampleTimeline::keyPressEvent(QKeyEvent* event) {
  const int key = event->key();
  if (key >= Qt::Key_1 && key <= Qt::Key_9) {
    const int k = key - Qt::Key_1;
    if (k < m_labels.size()) {
      setCurrentLabel(m_labels[k]);
      const dataset::Segment* s = segment(m_selected);
      if (s && s->label != m_labels[k]) Q_EMIT segmentRelabeled(s->id, m_labels[k]);
    }
    event->accept();
    return;
  }
  switch (key) {
    case Qt::Key_BracketRight:
      jump(true);
      break;
    case Qt::Key_BracketLeft:
      jump(false);
      break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
      if (m_selected != 0) Q_EMIT segmentRemoved(m_selected);
      break;
    case Qt::Key_Escape:
      selectSegment(0);
      break;
    default:
      QWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

}  // namespace tinyscope::ui
