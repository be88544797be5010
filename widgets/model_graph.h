#pragma once
// ModelGraph: a model's operators drawn top to bottom in layers (an operator sits one layer
// below the lowest operator whose output it reads), one box per operator with its index, name
// and output shape, and an arrow per tensor passed from one operator to the next. Boxes are
// coloured by the last comparison (green identical, red differs); the highlighted operator
// (the first diverging one) gets a thick red frame. Click a box: opClicked(). Wheel scrolls,
// Ctrl+wheel zooms.
//
// Thread: GUI thread. Memory: one scene item per operator and edge.
#include <QGraphicsView>
#include <QVector>

#include "model_runner/host/graph_description.h"

class QGraphicsRectItem;

namespace tinyscope::ui {

class ModelGraph : public QGraphicsView {
  Q_OBJECT
 public:
  enum class OpState { kUnknown, kIdentical, kDiffers };

  explicit ModelGraph(QWidget* parent = nullptr);

  void setGraph(const runner::host::GraphDescription& graph);
  void clear();
  // Per-operator agreement (index = operator); missing entries are unknown.
  void setOpStates(const QVector<OpState>& states);
  // Frames operator `op` (-1: none) and scrolls it into view.
  void setHighlightedOp(int op);
  int highlightedOp() const { return m_highlighted; }
  void setSelectedOp(int op);

  int nodeCount() const { return m_nodes.size(); }
  int edgeCount() const { return m_edges; }
  int layerOf(int op) const { return op >= 0 && op < m_layers.size() ? m_layers[op] : -1; }
  // The node's fill colour and frame width as drawn (for tests and screenshots).
  QColor nodeFill(int op) const;
  qreal nodeFrameWidth(int op) const;
  // Where operator `op`'s box is, in viewport coordinates.
  QRect nodeViewportRect(int op) const;

 Q_SIGNALS:
  void opClicked(int op);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  void restyle();

  QVector<QGraphicsRectItem*> m_nodes;  // by operator index, owned by the scene
  QVector<int> m_layers;
  QVector<OpState> m_states;
  int m_edges = 0;
  int m_highlighted = -1;
  int m_selected = -1;
};

}  // namespace tinyscope::ui
