#include "widgets/model_graph.h"

#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace tinyscope::ui {

namespace rh = runner::host;

namespace {
constexpr qreal kNodeW = 190, kNodeH = 40, kGapX = 24, kGapY = 26;
const QColor kUnknownFill(0xf6, 0xf8, 0xfa), kSameFill(0xda, 0xfb, 0xe1),
    kDiffFill(0xff, 0xeb, 0xe9), kRed(0xcf, 0x22, 0x2e), kFrame(0x57, 0x60, 0x6a),
    kSelected(0x09, 0x69, 0xda);
}  // namespace

ModelGraph::ModelGraph(QWidget* parent) : QGraphicsView(parent) {
  setScene(new QGraphicsScene(this));
  setRenderHint(QPainter::Antialiasing);
  setAlignment(Qt::AlignHCenter | Qt::AlignTop);
  setDragMode(QGraphicsView::ScrollHandDrag);
  setBackgroundBrush(Qt::white);
}

void ModelGraph::clear() {
  scene()->clear();
  m_nodes.clear();
  m_layers.clear();
  m_states.clear();
  m_edges = 0;
  m_highlighted = m_selected = -1;
}

void ModelGraph::setGraph(const rh::GraphDescription& g) {
  clear();
  const int n = static_cast<int>(g.operators.size());
  const int tensors = static_cast<int>(g.tensors.size());
  // Producer of each tensor; operators come in execution order, so every producer an operator
  // reads precedes it and one pass gives the layers.
  QVector<int> producer(tensors, -1);
  m_layers.fill(0, n);
  for (int i = 0; i < n; ++i) {
    const rh::GraphOperator& op = g.operators[static_cast<size_t>(i)];
    for (int32_t t : op.inputs)
      if (t >= 0 && t < tensors && producer[t] >= 0)
        m_layers[i] = std::max(m_layers[i], m_layers[producer[t]] + 1);
    for (int32_t t : op.outputs)
      if (t >= 0 && t < tensors && producer[t] < 0) producer[t] = i;
  }
  const int layerCount = n == 0 ? 0 : *std::max_element(m_layers.begin(), m_layers.end()) + 1;
  QVector<int> perLayer(layerCount, 0), slot(n, 0);
  for (int i = 0; i < n; ++i) slot[i] = perLayer[m_layers[i]]++;
  const int widest = layerCount == 0 ? 0 : *std::max_element(perLayer.begin(), perLayer.end());
  const qreal totalW = widest * kNodeW + std::max(0, widest - 1) * kGapX;

  QFont bold = font();
  bold.setBold(true);
  QFont small = font();
  small.setPointSizeF(std::max(6.0, font().pointSizeF() - 1));
  for (int i = 0; i < n; ++i) {
    const rh::GraphOperator& op = g.operators[static_cast<size_t>(i)];
    const int inLayer = perLayer[m_layers[i]];
    const qreal rowW = inLayer * kNodeW + (inLayer - 1) * kGapX;
    const qreal x = (totalW - rowW) / 2 + slot[i] * (kNodeW + kGapX);
    const qreal y = m_layers[i] * (kNodeH + kGapY);
    auto* box = scene()->addRect(QRectF(0, 0, kNodeW, kNodeH));
    box->setPos(x, y);
    box->setData(0, i);
    box->setZValue(1);
    const QString name = QStringLiteral("#%1 %2").arg(i).arg(QString::fromStdString(op.op));
    QString shape;
    if (!op.outputs.empty() && op.outputs[0] >= 0 && op.outputs[0] < tensors) {
      QStringList dims;
      for (int32_t d : g.tensors[static_cast<size_t>(op.outputs[0])].shape)
        dims << QString::number(d);
      shape = QStringLiteral("→ [%1]").arg(dims.join(QLatin1Char(',')));
    }
    box->setToolTip(QStringLiteral("%1 %2%3")
                        .arg(name, shape)
                        .arg(op.macs ? tr(", %1 MACs").arg(op.macs) : QString()));
    const QFontMetrics fm(bold);
    auto* title =
        new QGraphicsSimpleTextItem(fm.elidedText(name, Qt::ElideRight, kNodeW - 10), box);
    title->setFont(bold);
    title->setPos(5, 3);
    auto* sub = new QGraphicsSimpleTextItem(
        QFontMetrics(small).elidedText(shape, Qt::ElideRight, kNodeW - 10), box);
    sub->setFont(small);
    sub->setBrush(kFrame);
    sub->setPos(5, kNodeH / 2 + 1);
    m_nodes.append(box);
  }
  // One arrow per (producer, consumer) pair.
  for (int i = 0; i < n; ++i) {
    QVector<int> from;
    for (int32_t t : g.operators[static_cast<size_t>(i)].inputs)
      if (t >= 0 && t < tensors && producer[t] >= 0 && producer[t] != i &&
          !from.contains(producer[t]))
        from << producer[t];
    for (int p : from) {
      const QPointF a = m_nodes[p]->pos() + QPointF(kNodeW / 2, kNodeH);
      const QPointF b = m_nodes[i]->pos() + QPointF(kNodeW / 2, 0);
      QPainterPath path(a);
      const qreal dy = (b.y() - a.y()) / 2;
      path.cubicTo(a + QPointF(0, dy), b - QPointF(0, dy), b);
      // Arrow head.
      path.moveTo(b);
      path.lineTo(b + QPointF(-4, -7));
      path.moveTo(b);
      path.lineTo(b + QPointF(4, -7));
      auto* edge = scene()->addPath(path, QPen(kFrame, 1.2));
      edge->setZValue(0);
      ++m_edges;
    }
  }
  m_states.fill(OpState::kUnknown, n);
  scene()->setSceneRect(scene()->itemsBoundingRect().adjusted(-10, -10, 10, 10));
  restyle();
}

void ModelGraph::setOpStates(const QVector<OpState>& states) {
  m_states.fill(OpState::kUnknown, m_nodes.size());
  for (int i = 0; i < states.size() && i < m_states.size(); ++i) m_states[i] = states[i];
  restyle();
}

void ModelGraph::setHighlightedOp(int op) {
  m_highlighted = op >= 0 && op < m_nodes.size() ? op : -1;
  restyle();
  if (m_highlighted >= 0) ensureVisible(m_nodes[m_highlighted], 20, 40);
}

void ModelGraph::setSelectedOp(int op) {
  m_selected = op >= 0 && op < m_nodes.size() ? op : -1;
  restyle();
  if (m_selected >= 0) ensureVisible(m_nodes[m_selected], 20, 40);
}

void ModelGraph::restyle() {
  for (int i = 0; i < m_nodes.size(); ++i) {
    const OpState s = i < m_states.size() ? m_states[i] : OpState::kUnknown;
    m_nodes[i]->setBrush(s == OpState::kDiffers     ? kDiffFill
                         : s == OpState::kIdentical ? kSameFill
                                                    : kUnknownFill);
    QPen pen(i == m_highlighted ? kRed : i == m_selected ? kSelected : kFrame);
    pen.setWidthF(i == m_highlighted ? 3.5 : i == m_selected ? 2.5 : 1.0);
    m_nodes[i]->setPen(pen);
  }
}

QColor ModelGraph::nodeFill(int op) const {
  return op >= 0 && op < m_nodes.size() ? m_nodes[op]->brush().color() : QColor();
}

qreal ModelGraph::nodeFrameWidth(int op) const {
  return op >= 0 && op < m_nodes.size() ? m_nodes[op]->pen().widthF() : 0;
}

QRect ModelGraph::nodeViewportRect(int op) const {
  if (op < 0 || op >= m_nodes.size()) return {};
  return mapFromScene(m_nodes[op]->sceneBoundingRect()).boundingRect();
}

void ModelGraph::mousePressEvent(QMouseEvent* event) {
  for (QGraphicsItem* item = itemAt(event->pos()); item; item = item->parentItem())
    if (item->data(0).isValid()) {
      const int op = item->data(0).toInt();
      setSelectedOp(op);
      Q_EMIT opClicked(op);
      break;
    }
  QGraphicsView::mousePressEvent(event);
}

void ModelGraph::wheelEvent(QWheelEvent* event) {
  if (event->modifiers() & Qt::ControlModifier) {
    const qreal f = std::pow(1.0015, event->angleDelta().y());
    const qreal now = transform().m11();
    if (now * f > 0.2 && now * f < 4) scale(f, f);
    event->accept();
    return;
  }
  QGraphicsView::wheelEvent(event);
}

}  // namespace tinyscope::ui
