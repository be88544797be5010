#pragma once
// Mouse input QTest lacks in Qt 5: moves that carry the buttons held (QTest::mouseMove sends
// none), and a whole drag.
#include <QApplication>
#include <QMouseEvent>
#include <QTest>
#include <QWidget>

inline void mouseMoveHeld(QWidget* w, QPoint to, Qt::MouseButtons held) {
  QMouseEvent e(QEvent::MouseMove, QPointF(to), QPointF(w->mapToGlobal(to)), Qt::NoButton, held,
                Qt::NoModifier);
  QApplication::sendEvent(w, &e);
}

// Press at `from`, move to `to` with the left button held, release there.
inline void mouseDrag(QWidget* w, QPoint from, QPoint to) {
  QTest::mousePress(w, Qt::LeftButton, Qt::NoModifier, from);
  mouseMoveHeld(w, to, Qt::LeftButton);
  QTest::mouseRelease(w, Qt::LeftButton, Qt::NoModifier, to);
}
