#include "widgets/tensor_heatmap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace tinyscope::ui {

namespace rh = runner::host;

namespace {
constexpr int kLeft = 48, kTop = 22, kRight = 64, kBottom = 40;
const QColor kDeviceColour(31, 119, 180), kDesktopColour(255, 127, 14), kDiffColour(207, 34, 46);

// Sequential map (dark blue → teal → yellow), t in [0, 1].
QRgb sequential(double t) {
  static const QColor stops[] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  const int k = std::min(3, static_cast<int>(t));
  const double f = t - k;
  const QColor& a = stops[k];
  const QColor& b = stops[k + 1];
  return qRgb(static_cast<int>(a.red() + f * (b.red() - a.red())),
              static_cast<int>(a.green() + f * (b.green() - a.green())),
              static_cast<int>(a.blue() + f * (b.blue() - a.blue())));
}

// Diverging map (blue ← white → red), t in [-1, 1].
QRgb diverging(double t) {
  t = std::clamp(t, -1.0, 1.0);
  const int fade = static_cast<int>(255 * (1 - std::abs(t)));
  return t >= 0 ? qRgb(255, fade, fade) : qRgb(fade, fade, 255);
}

QString number(double v) {
  return QString::number(v, 'g', 6);
}
}  // namespace

TensorHeatmap::TensorHeatmap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(minimumSizeHint());
  showMessage(tr("Select a tensor after a run to see its values."));
}

void TensorHeatmap::showMessage(const QString& message) {
  m_message = message;
  m_tensor = rh::GraphTensor();
  m_device.clear();
  m_desktop.clear();
  m_elements = 0;
  m_image = QImage();
  m_readout.clear();
  update();
}

void TensorHeatmap::setTensor(const rh::GraphTensor& tensor, std::vector<uint8_t> device,
                              std::vector<uint8_t> desktop) {
  m_message.clear();
  m_tensor = tensor;
  m_elementBytes = rh::elementSizeOf(tensor.type);
  m_elements = m_elementBytes ? static_cast<qint64>(tensor.bytes / m_elementBytes) : 0;
  if (!m_elementBytes ||
      (tensor.type != "int8" && tensor.type != "uint8" && tensor.type != "int16" &&
       tensor.type != "int32" && tensor.type != "float32")) {
    showMessage(tr("Tensor %1 is %2: no view for this type.")
                    .arg(tensor.index)
                    .arg(QString::fromStdString(tensor.type)));
    return;
  }
  if (m_elements <= 0 || m_elements > (qint64{1} << 30)) {
    showMessage(
        tr("Tensor %1 holds %2 elements: nothing to show.").arg(tensor.index).arg(m_elements));
    return;
  }
  m_device = device.size() == tensor.bytes ? std::move(device) : std::vector<uint8_t>();
  m_desktop = desktop.size() == tensor.bytes ? std::move(desktop) : std::vector<uint8_t>();
  std::vector<qint64> dims;
  for (int32_t d : tensor.shape) dims.push_back(d);
  while (dims.size() > 1 && dims.front() == 1) dims.erase(dims.begin());
  m_plot = dims.size() <= 1;
  m_channels = 1;
  m_rows = 1;
  m_cols = static_cast<int>(m_elements);
  if (dims.size() == 2) {
    m_rows = static_cast<int>(dims[0]);
    m_cols = static_cast<int>(dims[1]);
  } else if (dims.size() >= 3) {
    m_channels = static_cast<int>(dims.back());
    m_cols = static_cast<int>(dims[dims.size() - 2]);
    qint64 rows = 1;
    for (size_t k = 0; k + 2 < dims.size(); ++k) rows *= dims[k];
    m_rows = static_cast<int>(rows);
  }
  m_channel = std::clamp(m_channel, 0, m_channels - 1);
  if (m_device.empty() && m_show == Show::kDevice) m_show = Show::kDesktop;
  m_readout.clear();
  rebuildImage();
}

void TensorHeatmap::setShow(Show show) {
  m_show = show;
  rebuildImage();
}

void TensorHeatmap::setChannel(int channel) {
  m_channel = std::clamp(channel, 0, std::max(0, m_channels - 1));
  rebuildImage();
}

bool TensorHeatmap::value(const std::vector<uint8_t>& side, qint64 i, double* q) const {
  if (side.empty() || i < 0 || i >= m_elements) return false;
  const uint8_t* p = side.data() + static_cast<size_t>(i) * m_elementBytes;
  if (m_tensor.type == "int8") {
    *q = static_cast<int8_t>(p[0]);
  } else if (m_tensor.type == "uint8") {
    *q = p[0];
  } else if (m_tensor.type == "int16") {
    int16_t v;
    std::memcpy(&v, p, 2);
    *q = v;
  } else if (m_tensor.type == "int32") {
    int32_t v;
    std::memcpy(&v, p, 4);
    *q = v;
  } else {
    float v;
    std::memcpy(&v, p, 4);
    *q = v;
  }
  return true;
}

double TensorHeatmap::real(double q) const {
  if (m_tensor.scale.empty()) return q;
  return m_tensor.scale[0] * (q - static_cast<double>(m_tensor.zeroPoint[0]));
}

qint64 TensorHeatmap::elementAt(int row, int col) const {
  if (row < 0 || row >= m_rows || col < 0 || col >= m_cols) return -1;
  return (static_cast<qint64>(row) * m_cols + col) * m_channels + m_channel;
}

void TensorHeatmap::rebuildImage() {
  m_image = QImage();
  if (m_elements <= 0) {
    update();
    return;
  }
  // The range of what is shown (this channel), shared by both sides so they compare by colour.
  const qint64 count = m_plot ? m_elements : static_cast<qint64>(m_rows) * m_cols;
  auto at = [this](qint64 k) {
    return m_plot ? k : elementAt(static_cast<int>(k / m_cols), static_cast<int>(k % m_cols));
  };
  double lo = INFINITY, hi = -INFINITY;
  for (qint64 k = 0; k < count; ++k) {
    const qint64 e = at(k);
    double a = 0, b = 0;
    const bool hasA = value(m_device, e, &a), hasB = value(m_desktop, e, &b);
    if (m_show == Show::kDifference) {
      if (hasA && hasB) hi = std::max(hi, std::abs(a - b));
    } else {
      if (hasA) lo = std::min(lo, a), hi = std::max(hi, a);
      if (hasB) lo = std::min(lo, b), hi = std::max(hi, b);
    }
  }
  if (m_show == Show::kDifference) {
    hi = std::isfinite(hi) ? hi : 0;
    lo = -hi;
  } else if (!std::isfinite(lo)) {
    lo = hi = 0;
  }
  m_lo = lo;
  m_hi = hi;
  if (m_plot) {
    update();
    return;
  }
  m_image = QImage(m_cols, m_rows, QImage::Format_RGB32);
  m_image.fill(QColor(0xd0, 0xd7, 0xde));
  const std::vector<uint8_t>& side = m_show == Show::kDesktop ? m_desktop : m_device;
  for (int r = 0; r < m_rows; ++r) {
    auto* line = reinterpret_cast<QRgb*>(m_image.scanLine(r));
    for (int c = 0; c < m_cols; ++c) {
      const qint64 e = elementAt(r, c);
      double a = 0, b = 0;
      if (m_show == Show::kDifference) {
        if (value(m_device, e, &a) && value(m_desktop, e, &b))
          line[c] = diverging(hi > 0 ? (a - b) / hi : 0);
      } else if (value(side, e, &a)) {
        line[c] = sequential(hi > lo ? (a - lo) / (hi - lo) : 0.5);
      }
    }
  }
  update();
}

QRect TensorHeatmap::area() const {
  return QRect(kLeft, kTop, std::max(10, width() - kLeft - kRight),
               std::max(10, height() - kTop - kBottom));
}

QRect TensorHeatmap::cellRect(int row, int col) const {
  if (m_plot || row < 0 || row >= m_rows || col < 0 || col >= m_cols) return {};
  const QRect a = area();
  const int x0 = a.left() + static_cast<int>(static_cast<qint64>(col) * a.width() / m_cols);
  const int x1 = a.left() + static_cast<int>(static_cast<qint64>(col + 1) * a.width() / m_cols);
  const int y0 = a.top() + static_cast<int>(static_cast<qint64>(row) * a.height() / m_rows);
  const int y1 = a.top() + static_cast<int>(static_cast<qint64>(row + 1) * a.height() / m_rows);
  return QRect(QPoint(x0, y0), QPoint(std::max(x0, x1 - 1), std::max(y0, y1 - 1)));
}

int TensorHeatmap::plotX(qint64 element) const {
  const QRect a = area();
  if (m_elements <= 1) return a.center().x();
  return a.left() + static_cast<int>(element * (a.width() - 1) / (m_elements - 1));
}

qint64 TensorHeatmap::elementUnder(QPoint pos) const {
  const QRect a = area();
  if (m_elements <= 0 || !a.contains(pos)) return -1;
  if (m_plot) {
    if (m_elements == 1) return 0;
    const double f = static_cast<double>(pos.x() - a.left()) / std::max(1, a.width() - 1);
    return std::clamp<qint64>(std::llround(f * static_cast<double>(m_elements - 1)), 0,
                              m_elements - 1);
  }
  const int col = static_cast<int>(static_cast<qint64>(pos.x() - a.left()) * m_cols / a.width());
  const int row = static_cast<int>(static_cast<qint64>(pos.y() - a.top()) * m_rows / a.height());
  return elementAt(row, col);
}

QString TensorHeatmap::readoutAt(QPoint pos) const {
  const qint64 e = elementUnder(pos);
  if (e < 0) return {};
  QString where;
  if (m_plot) {
    where = QStringLiteral("[%1]").arg(e);
  } else {
    const qint64 cell = e / m_channels;
    where = m_channels > 1
                ? QStringLiteral("[row %1, col %2, ch %3]")
                      .arg(cell / m_cols)
                      .arg(cell % m_cols)
                      .arg(m_channel)
                : QStringLiteral("[row %1, col %2]").arg(cell / m_cols).arg(cell % m_cols);
  }
  const bool quantized = !m_tensor.scale.empty();
  QStringList parts{where + QStringLiteral(" element %1").arg(e)};
  double a = 0, b = 0;
  const bool hasA = value(m_device, e, &a), hasB = value(m_desktop, e, &b);
  const auto side = [&](const QString& name, double q) {
    return quantized
               ? QStringLiteral("%1 q %2 = %3").arg(name).arg(q, 0, 'f', 0).arg(number(real(q)))
               : QStringLiteral("%1 %2").arg(name, number(q));
  };
  parts << (hasA ? side(tr("device"), a) : tr("device –"));
  parts << (hasB ? side(tr("desktop"), b) : tr("desktop –"));
  if (hasA && hasB)
    parts << (quantized
                  ? QStringLiteral("Δ %1 (%2)").arg(a - b, 0, 'f', 0).arg(number(real(a) - real(b)))
                  : QStringLiteral("Δ %1").arg(number(a - b)));
  return parts.join(QStringLiteral(" · "));
}

void TensorHeatmap::mouseMoveEvent(QMouseEvent* event) {
  const QString text = readoutAt(event->pos());
  if (text != m_readout) {
    m_readout = text;
    update();
    Q_EMIT readoutChanged(text);
  }
}

void TensorHeatmap::leaveEvent(QEvent*) {
  if (m_readout.isEmpty()) return;
  m_readout.clear();
  update();
  Q_EMIT readoutChanged(QString());
}

void TensorHeatmap::resizeEvent(QResizeEvent*) {
  update();
}

void TensorHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const QFontMetrics fm = fontMetrics();
  if (m_elements <= 0) {
    p.setPen(palette().text().color());
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }
  const QRect a = area();
  const QString what = m_show == Show::kDevice    ? tr("device")
                       : m_show == Show::kDesktop ? tr("desktop")
                                                  : tr("device − desktop (quantized steps)");
  QString title =
      tr("T%1 %2 · %3").arg(m_tensor.index).arg(QString::fromStdString(m_tensor.name), what);
  if (!m_plot)
    title +=
        m_channels > 1
            ? tr(" · %1×%2, channel %3/%4").arg(m_rows).arg(m_cols).arg(m_channel).arg(m_channels)
            : tr(" · %1×%2").arg(m_rows).arg(m_cols);
  p.setPen(palette().text().color());
  p.drawText(QRect(4, 2, width() - 8, kTop - 4), Qt::AlignLeft | Qt::AlignVCenter,
             fm.elidedText(title, Qt::ElideMiddle, width() - 8));
  p.setPen(QColor(0x8c, 0x95, 0x9f));
  p.drawRect(a.adjusted(0, 0, -1, -1));
  // Range labels (left: rows / values; colour bar on the right for heatmaps).
  if (m_plot) {
    double lo = INFINITY, hi = -INFINITY;
    for (qint64 e = 0; e < m_elements; ++e) {
      double v = 0, w = 0;
      const bool hasA = value(m_device, e, &v), hasB = value(m_desktop, e, &w);
      if (m_show == Show::kDifference) {
        if (hasA && hasB) lo = std::min(lo, v - w), hi = std::max(hi, v - w);
      } else {
        if (hasA) lo = std::min(lo, v), hi = std::max(hi, v);
        if (hasB) lo = std::min(lo, w), hi = std::max(hi, w);
      }
    }
    if (!std::isfinite(lo)) lo = hi = 0;
    if (hi <= lo) lo -= 1, hi += 1;
    const auto y = [&](double v) { return a.bottom() - (v - lo) / (hi - lo) * (a.height() - 1); };
    p.setPen(palette().text().color());
    p.drawText(QRect(0, a.top() - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter, number(hi));
    p.drawText(QRect(0, a.bottom() - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
               number(lo));
    p.setRenderHint(QPainter::Antialiasing);
    const auto line = [&](const QColor& colour, bool diff, const std::vector<uint8_t>* side) {
      QPainterPath path;
      bool started = false;
      for (qint64 e = 0; e < m_elements; ++e) {
        double v = 0, w = 0;
        if (diff) {
          if (!value(m_device, e, &v) || !value(m_desktop, e, &w)) continue;
          v -= w;
        } else if (!value(*side, e, &v)) {
          continue;
        }
        const QPointF pt(plotX(e), y(v));
        if (!started)
          path.moveTo(pt), started = true;
        else
          path.lineTo(pt);
        if (m_elements <= 64) path.addEllipse(pt, 2, 2), path.moveTo(pt);
      }
      p.setPen(QPen(colour, 1.5));
      p.drawPath(path);
    };
    if (m_show == Show::kDifference) {
      line(kDiffColour, true, nullptr);
    } else {
      line(kDesktopColour, false, &m_desktop);
      line(kDeviceColour, false, &m_device);
      p.setPen(kDeviceColour);
      p.drawText(QRect(a.right() + 6, a.top(), kRight - 8, 16), Qt::AlignLeft, tr("device"));
      p.setPen(kDesktopColour);
      p.drawText(QRect(a.right() + 6, a.top() + 18, kRight - 8, 16), Qt::AlignLeft, tr("desktop"));
    }
  } else {
    p.drawImage(a, m_image);
    p.setPen(palette().text().color());
    p.drawText(QRect(0, a.top() - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("0"));
    p.drawText(QRect(0, a.bottom() - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
               QString::number(m_rows - 1));
    // Colour bar.
    const QRect bar(a.right() + 8, a.top(), 12, a.height());
    for (int yy = 0; yy < bar.height(); ++yy) {
      const double t = 1.0 - static_cast<double>(yy) / std::max(1, bar.height() - 1);
      p.setPen(QColor(m_show == Show::kDifference ? diverging(2 * t - 1) : sequential(t)));
      p.drawLine(bar.left(), bar.top() + yy, bar.right(), bar.top() + yy);
    }
    p.setPen(palette().text().color());
    p.drawText(QRect(bar.right() + 3, bar.top() - 2, kRight - 24, 14), Qt::AlignLeft, number(m_hi));
    p.drawText(QRect(bar.right() + 3, bar.bottom() - 12, kRight - 24, 14), Qt::AlignLeft,
               number(m_lo));
  }
  // Hover readout under the plot.
  p.setPen(palette().text().color());
  const QString foot =
      m_readout.isEmpty() ? tr("Hover a value for its quantized and real values.") : m_readout;
  p.drawText(QRect(4, a.bottom() + 6, width() - 8, kBottom - 8), Qt::AlignLeft | Qt::TextWordWrap,
             fm.elidedText(foot, Qt::ElideRight, 2 * (width() - 8)));
}

}  // namespace tinyscope::ui
