#include "widgets/signal_plot.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>

namespace tinyscope::ui {

namespace {
const QColor kPalette[] = {QColor(31, 119, 180),  QColor(214, 39, 40),   QColor(44, 160, 44),
                           QColor(255, 127, 14),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207)};
constexpr int kLeft = 74, kRight = 10, kTop = 24, kBottom = 36;

QColor channelColour(size_t c) {
  return kPalette[c % (sizeof kPalette / sizeof kPalette[0])];
}
}  // namespace

QColor SignalPlot::seriesColour(int c) {
  return channelColour(static_cast<size_t>(std::max(0, c)));
}

QMargins SignalPlot::plotMargins() {
  return QMargins(kLeft, kTop, kRight, kBottom);
}

SignalPlot::SignalPlot(QWidget* parent) : QWidget(parent) {
  setMinimumSize(240, 140);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setToolTip(QString());
}

void SignalPlot::configure(const QStringList& channelNames, double sampleRateHz,
                           const QString& units) {
  m_names = channelNames;
  const QStringList listed = units.split(QLatin1Char(','));
  m_units.clear();
  for (int c = 0; c < channelNames.size(); ++c)
    m_units << (listed.size() == channelNames.size() ? listed.at(c) : units).trimmed();
  m_rateHz = sampleRateHz > 0 ? sampleRateHz : 1;
  m_history.assign(static_cast<size_t>(channelNames.size()), {});
  m_total = 0;
  m_paused = false;
  m_readout.clear();
  update();
  Q_EMIT viewChanged();
}

void SignalPlot::setTimeSpan(double seconds) {
  m_spanSeconds = std::clamp(seconds, 0.001, kHistorySeconds);
  update();
  Q_EMIT viewChanged();
}

void SignalPlot::clear() {
  for (auto& h : m_history) h.clear();
  m_total = 0;
  m_paused = false;
  m_readout.clear();
  update();
  Q_EMIT viewChanged();
}

size_t SignalPlot::capacity() const {
  const double seconds = std::max(kHistorySeconds, m_spanSeconds);
  return std::min(kMaxHistory, static_cast<size_t>(std::ceil(seconds * m_rateHz)) + 1);
}

void SignalPlot::appendFrames(const float* interleaved, int frames) {
  const size_t channels = m_history.size();
  if (channels == 0 || frames <= 0) return;
  const size_t cap = capacity();
  for (size_t c = 0; c < channels; ++c) {
    std::deque<float>& h = m_history[c];
    for (int f = 0; f < frames; ++f)
      h.push_back(interleaved[static_cast<size_t>(f) * channels + c]);
    if (h.size() > cap) h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(h.size() - cap));
  }
  m_total += static_cast<quint64>(frames);
  clampView();  // a paused view scrolls only when its samples leave the history
  update();
}

double SignalPlot::newestSeconds() const {
  return static_cast<double>(m_total) / m_rateHz;
}

double SignalPlot::oldestSeconds() const {
  return static_cast<double>(m_total - samplesHeld()) / m_rateHz;
}

double SignalPlot::viewEndSeconds() const {
  return m_paused ? m_pausedEnd : std::max(newestSeconds(), m_spanSeconds);
}

double SignalPlot::viewStartSeconds() const {
  return viewEndSeconds() - m_spanSeconds;
}

void SignalPlot::setPaused(bool paused) {
  if (paused == m_paused) return;
  if (paused) m_pausedEnd = viewEndSeconds();
  m_paused = paused;
  update();
  Q_EMIT viewChanged();
}

void SignalPlot::followLive() {
  setPaused(false);
}

void SignalPlot::setAutoscale(bool on) {
  m_autoscale = on;
  update();
  Q_EMIT viewChanged();
}

void SignalPlot::clampView() {
  if (!m_paused) return;
  const double newest = std::max(newestSeconds(), m_spanSeconds);
  const double oldest = oldestSeconds();
  m_pausedEnd = std::min(m_pausedEnd, newest);
  m_pausedEnd = std::max(m_pausedEnd, std::min(newest, oldest + m_spanSeconds));
}

void SignalPlot::zoomTime(double factor, double anchor) {
  if (!(factor > 0)) return;
  const double minSpan = std::max(8.0 / m_rateHz, 0.001);
  const double span = std::clamp(m_spanSeconds * factor, minSpan, kHistorySeconds);
  if (m_paused) {
    anchor = std::clamp(anchor, 0.0, 1.0);
    const double at = viewStartSeconds() + anchor * m_spanSeconds;
    m_pausedEnd = at + (1 - anchor) * span;
  }
  m_spanSeconds = span;
  clampView();
  update();
  Q_EMIT viewChanged();
}

void SignalPlot::panTime(double seconds) {
  if (!m_paused) {
    m_pausedEnd = viewEndSeconds();
    m_paused = true;
  }
  m_pausedEnd += seconds;
  clampView();
  update();
  Q_EMIT viewChanged();
}

void SignalPlot::zoomValues(double factor, double anchor) {
  if (!(factor > 0)) return;
  m_autoscale = false;
  const double at = m_yLo + std::clamp(anchor, 0.0, 1.0) * (m_yHi - m_yLo);
  const double range = std::max((m_yHi - m_yLo) * factor, 1e-12);
  m_yLo = at - anchor * range;
  m_yHi = m_yLo + range;
  update();
  Q_EMIT viewChanged();
}

QVector<double> SignalPlot::niceTicks(double lo, double hi, int target) {
  QVector<double> ticks;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo) return ticks;
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  for (double k = std::ceil(lo / step); k * step <= hi + step * 1e-9 && ticks.size() < 100; ++k)
    ticks.append(std::fabs(k) < 0.5 ? 0.0 : k * step);
  return ticks;
}

QString SignalPlot::tickLabel(double value, double step) {
  if (value == 0) return QStringLiteral("0");
  const double a = std::fabs(value);
  if (a >= 1e6 || step < 1e-4)
    return QString::number(value, 'g', std::max(2, 2 + static_cast<int>(std::log10(a / step))));
  int decimals = 0;  // as many as the step needs (0.25 needs 2, 0.2 needs 1)
  for (double scaled = step;
       decimals < 12 && std::fabs(scaled - std::round(scaled)) > 1e-6 * scaled; scaled *= 10)
    ++decimals;
  return QString::number(value, 'f', decimals);
}

QRect SignalPlot::plotArea() const {
  return QRect(kLeft, kTop, std::max(10, width() - kLeft - kRight),
               std::max(10, height() - kTop - kBottom));
}

void SignalPlot::updateAutoscale(double start, double end) {
  const size_t n = samplesHeld();
  if (n == 0) return;
  const double first = static_cast<double>(m_total - n);
  const auto k0 = static_cast<size_t>(
      std::clamp(std::floor(start * m_rateHz) - first, 0.0, static_cast<double>(n)));
  const auto k1 = static_cast<size_t>(
      std::clamp(std::ceil(end * m_rateHz) - first, 0.0, static_cast<double>(n)));
  if (k1 <= k0) return;
  float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
  for (const auto& h : m_history)
    for (auto it = h.begin() + static_cast<std::ptrdiff_t>(k0),
              stop = h.begin() + static_cast<std::ptrdiff_t>(k1);
         it != stop; ++it) {
      lo = std::min(lo, *it);
      hi = std::max(hi, *it);
    }
  double l = lo, u = hi;
  if (u - l < 1e-9 * std::max(1.0, std::fabs(u))) {
    l -= 1;
    u += 1;
  }
  const double pad = (u - l) * 0.05;
  m_yLo = l - pad;
  m_yHi = u + pad;
}

void SignalPlot::updateReadout() {
  m_readout.clear();
  const QRect area = plotArea();
  const size_t n = samplesHeld();
  if (m_cursorX < area.left() || m_cursorX > area.right() || n == 0) return;
  const double t =
      viewStartSeconds() + (m_cursorX - area.left() + 0.5) / area.width() * m_spanSeconds;
  const double index = std::floor(t * m_rateHz);
  const double first = static_cast<double>(m_total - n);
  if (index < first || index >= static_cast<double>(m_total)) return;
  const auto k = static_cast<size_t>(index - first);
  QStringList parts{tr("t = %1 s").arg(index / m_rateHz, 0, 'f', m_rateHz >= 1000 ? 4 : 3)};
  for (size_t c = 0; c < m_history.size(); ++c)
    parts << QStringLiteral("%1 %2 %3")
                 .arg(m_names.value(static_cast<int>(c)))
                 .arg(static_cast<double>(m_history[c][k]), 0, 'g', 5)
                 .arg(m_units.value(static_cast<int>(c)))
                 .trimmed();
  m_readout = parts.join(QStringLiteral(" · "));
}

void SignalPlot::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const QRect area = plotArea();
  const double end = viewEndSeconds(), start = end - m_spanSeconds;
  if (m_autoscale) updateAutoscale(start, end);
  const double lo = m_yLo, hi = m_yHi;
  auto yOf = [&](double v) { return area.bottom() - (v - lo) / (hi - lo) * area.height(); };
  auto xOf = [&](double t) { return area.left() + (t - start) / m_spanSeconds * area.width(); };

  // Grid and ticks.
  const QFontMetrics fm = fontMetrics();
  QColor grid = palette().mid().color();
  grid.setAlpha(70);
  const QVector<double> yTicks = niceTicks(lo, hi, std::max(2, area.height() / 36));
  const double yStep = yTicks.size() > 1 ? yTicks[1] - yTicks[0] : hi - lo;
  for (double v : yTicks) {
    const double y = yOf(v);
    p.setPen(grid);
    p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    p.setPen(palette().text().color());
    p.drawText(QRectF(18, y - 8, kLeft - 22, 16), Qt::AlignRight | Qt::AlignVCenter,
               fm.elidedText(tickLabel(v, yStep), Qt::ElideLeft, kLeft - 22));
  }
  const QVector<double> xTicks = niceTicks(start, end, std::max(2, area.width() / 90));
  const double xStep = xTicks.size() > 1 ? xTicks[1] - xTicks[0] : m_spanSeconds;
  for (double t : xTicks) {
    const double x = xOf(t);
    p.setPen(grid);
    p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    p.setPen(palette().text().color());
    p.drawText(QRectF(x - 40, area.bottom() + 2, 80, 16), Qt::AlignHCenter | Qt::AlignTop,
               tickLabel(t, xStep));
  }
  p.drawText(QRect(area.left(), area.bottom() + 17, area.width(), 16),
             Qt::AlignHCenter | Qt::AlignTop, tr("time (s)"));
  // Value axis title: the units.
  QStringList distinct;
  for (const QString& u : m_units)
    if (!u.isEmpty() && !distinct.contains(u)) distinct << u;
  if (!distinct.isEmpty()) {
    p.save();
    p.translate(2, area.center().y());
    p.rotate(-90);
    const QString title =
        fm.elidedText(distinct.join(QStringLiteral(", ")), Qt::ElideRight, area.height());
    p.drawText(QRect(-area.height() / 2, 0, area.height(), 16), Qt::AlignCenter, title);
    p.restore();
  }
  p.setPen(palette().mid().color());
  p.drawRect(area.adjusted(0, 0, -1, -1));

  // State, top right.
  QStringList state;
  if (m_paused) state << tr("paused · End: live");
  if (!m_autoscale) state << tr("fixed scale · A: autoscale");
  const int stateWidth = state.isEmpty() ? 0 : fm.horizontalAdvance(state.join(" · ")) + 8;
  if (stateWidth > 0) {
    p.setPen(palette().highlight().color());
    p.drawText(QRect(area.right() - stateWidth, 2, stateWidth, kTop - 4),
               Qt::AlignRight | Qt::AlignVCenter, state.join(QStringLiteral(" · ")));
  }

  // Legend: entries share the width left of the state text; long names elide (tooltip shows
  // them whole).
  m_legend.clear();
  if (!m_names.isEmpty()) {
    const int avail = std::max(40, area.width() - stateWidth - 8);
    const int each = std::max(30, avail / static_cast<int>(m_names.size()));
    for (int c = 0; c < m_names.size(); ++c) {
      const int x = area.left() + c * each;
      if (x + 30 > area.left() + avail) break;
      p.fillRect(QRect(x, 7, 10, 10), channelColour(static_cast<size_t>(c)));
      p.setPen(palette().text().color());
      const QString text = fm.elidedText(m_names[c], Qt::ElideRight, each - 18);
      p.drawText(QRect(x + 14, 2, each - 16, kTop - 4), Qt::AlignLeft | Qt::AlignVCenter, text);
      const QString unit = m_units.value(c);
      m_legend.append(
          {QRect(x, 2, each, kTop - 4),
           unit.isEmpty() ? m_names[c] : QStringLiteral("%1 (%2)").arg(m_names[c], unit)});
    }
  }

  const size_t n = samplesHeld();
  if (n == 0) {
    p.setPen(palette().placeholderText().color());
    p.drawText(area, Qt::AlignCenter, tr("Waiting for sensor windows…"));
    return;
  }

  // The signal, decimated to min/max per pixel column.
  p.setClipRect(area);
  const double first = static_cast<double>(m_total - n);
  const double samplesPerPixel = m_spanSeconds * m_rateHz / area.width();
  if (samplesPerPixel >= 1) {
    if (m_canvas.size() != area.size())
      m_canvas = QImage(area.size(), QImage::Format_ARGB32_Premultiplied);
    m_canvas.fill(Qt::transparent);
  }
  for (size_t c = 0; c < m_history.size(); ++c) {
    const std::deque<float>& h = m_history[c];
    p.setPen(QPen(channelColour(c), 0));  // cosmetic: the raster fast path
    if (samplesPerPixel < 1) {            // zoomed in: every sample, joined
      const double i0 = std::max(first, std::floor(start * m_rateHz) - 1);
      const double i1 = std::min(static_cast<double>(m_total), std::ceil(end * m_rateHz) + 1);
      QPolygonF line;
      for (double i = i0; i < i1; ++i)
        line << QPointF(xOf(i / m_rateHz), yOf(h[static_cast<size_t>(i - first)]));
      p.drawPolyline(line);
      if (samplesPerPixel < 0.2)
        for (const QPointF& pt : line) p.drawEllipse(pt, 1.5, 1.5);
      continue;
    }
    // One pass over the visible samples with one iterator (columns are contiguous). Each
    // column's min..max, stretched to meet the previous column, is written straight into the
    // canvas: a dense signal covers most of the area, and per-pixel writes cost far less than
    // the painter's line or rectangle paths.
    const auto rgb = static_cast<quint32>(channelColour(c).rgba());  // opaque: premultiplied
    const int rows = m_canvas.height();
    const auto stride = static_cast<size_t>(m_canvas.bytesPerLine() / 4);
    auto* bits = reinterpret_cast<quint32*>(m_canvas.bits());
    int prevMid = -1;
    for (int x = area.left(); x <= area.right(); ++x) {
      const double t0 = start + (x - area.left()) * m_spanSeconds / area.width();
      const double a = std::max(first, std::ceil(t0 * m_rateHz));
      const double b = std::min(static_cast<double>(m_total),
                                std::ceil((t0 + m_spanSeconds / area.width()) * m_rateHz));
      if (b <= a) {
        prevMid = -1;
        continue;
      }
      auto it = h.begin() + static_cast<std::ptrdiff_t>(a - first);
      const auto last = h.begin() + static_cast<std::ptrdiff_t>(b - first);
      float mn = *it, mx = *it;
      for (++it; it != last; ++it) {
        mn = std::min(mn, *it);
        mx = std::max(mx, *it);
      }
      int y0 = std::clamp(static_cast<int>(std::floor(yOf(mx))) - area.top(), 0, rows - 1);
      int y1 = std::clamp(static_cast<int>(std::floor(yOf(mn))) - area.top(), 0, rows - 1);
      const int mid = (y0 + y1) / 2;
      if (prevMid >= 0) {
        y0 = std::min(y0, prevMid);
        y1 = std::max(y1, prevMid);
      }
      prevMid = mid;
      quint32* px = bits + static_cast<size_t>(y0) * stride + static_cast<size_t>(x - area.left());
      for (int y = y0; y <= y1; ++y, px += stride) *px = rgb;
    }
  }
  if (samplesPerPixel >= 1) p.drawImage(area.topLeft(), m_canvas);
  p.setClipping(false);

  // Cursor and its readout.
  updateReadout();
  if (!m_readout.isEmpty()) {
    QColor line = palette().text().color();
    line.setAlpha(120);
    p.setPen(QPen(line, 1, Qt::DashLine));
    p.drawLine(QPointF(m_cursorX + 0.5, area.top()), QPointF(m_cursorX + 0.5, area.bottom()));
    const QStringList rows = m_readout.split(QStringLiteral(" · "));
    int w = 0;
    for (const QString& r : rows) w = std::max(w, fm.horizontalAdvance(r));
    const QRect box(0, 0, w + 12, static_cast<int>(rows.size()) * fm.height() + 8);
    QRect placed = box.translated(m_cursorX + 8, area.top() + 6);
    if (placed.right() > area.right()) placed.moveRight(m_cursorX - 8);
    QColor fill = palette().toolTipBase().color();
    fill.setAlpha(230);
    p.fillRect(placed, fill);
    p.setPen(palette().mid().color());
    p.drawRect(placed.adjusted(0, 0, -1, -1));
    for (int r = 0; r < rows.size(); ++r) {
      p.setPen(r == 0 ? palette().toolTipText().color()
                      : channelColour(static_cast<size_t>(r - 1)));
      p.drawText(QRect(placed.left() + 6, placed.top() + 4 + r * fm.height(), w, fm.height()),
                 Qt::AlignLeft | Qt::AlignVCenter, rows[r]);
    }
  }
}

void SignalPlot::wheelEvent(QWheelEvent* event) {
  const QRect area = plotArea();
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0) return;
  const double factor = std::pow(0.8, steps);
  const QPointF pos = event->position();
  if (event->modifiers() & Qt::ControlModifier)
    zoomValues(factor, (area.bottom() - pos.y()) / std::max(1, area.height()));
  else
    zoomTime(factor, (pos.x() - area.left()) / std::max(1, area.width()));
  event->accept();
}

void SignalPlot::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  m_dragging = true;
  m_dragFrom = event->pos();
  m_dragEnd = viewEndSeconds();
  m_dragLo = m_yLo;
  m_dragHi = m_yHi;
  setCursor(Qt::ClosedHandCursor);
}

void SignalPlot::mouseMoveEvent(QMouseEvent* event) {
  m_cursorX = event->pos().x();
  if (m_dragging) {
    const QRect area = plotArea();
    const QPoint d = event->pos() - m_dragFrom;
    if (d.x() != 0) {
      m_paused = true;
      m_pausedEnd = m_dragEnd - d.x() * m_spanSeconds / area.width();
      clampView();
    }
    if (!m_autoscale && d.y() != 0) {
      const double shift = d.y() * (m_dragHi - m_dragLo) / area.height();
      m_yLo = m_dragLo + shift;
      m_yHi = m_dragHi + shift;
    }
    Q_EMIT viewChanged();
  }
  update();
}

void SignalPlot::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    m_dragging = false;
    unsetCursor();
  }
}

void SignalPlot::mouseDoubleClickEvent(QMouseEvent*) {
  m_autoscale = true;
  followLive();
  update();
}

void SignalPlot::leaveEvent(QEvent*) {
  m_cursorX = -1;
  m_readout.clear();
  update();
}

void SignalPlot::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Space:
      setPaused(!m_paused);
      break;
    case Qt::Key_Left:
      panTime(-0.1 * m_spanSeconds);
      break;
    case Qt::Key_Right:
      panTime(0.1 * m_spanSeconds);
      break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      zoomTime(0.8, m_paused ? 0.5 : 1.0);
      break;
    case Qt::Key_Minus:
      zoomTime(1.25, m_paused ? 0.5 : 1.0);
      break;
    case Qt::Key_End:
    case Qt::Key_Home:
      followLive();
      break;
    case Qt::Key_A:
      setAutoscale(!m_autoscale);
      break;
    case Qt::Key_Up:
      zoomValues(0.8);
      break;
    case Qt::Key_Down:
      zoomValues(1.25);
      break;
    default:
      QWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

bool SignalPlot::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    for (const auto& entry : m_legend)
      if (entry.first.contains(help->pos())) {
        QToolTip::showText(help->globalPos(), entry.second, this, entry.first);
        return true;
      }
    if (plotArea().contains(help->pos())) {
      QToolTip::showText(help->globalPos(),
                         tr("Wheel: zoom time · Ctrl+wheel: zoom values · drag: scroll back · "
                            "Space: pause · A: autoscale · End: live"),
                         this);
      return true;
    }
    QToolTip::hideText();
    return true;
  }
  return QWidget::event(event);
}

}  // namespace tinyscope::ui
