#pragma once
// SampleTimeline: one dataset sample's signal with its label segments, for labeling by
// mouse and keyboard. Drag on free space creates a segment with the current label; drag a
// segment's edge to resize it; click a segment to select it; keys 1–9 give the selected
// segment (and the next new one) label 1–9 of setLabels(); Tab / Shift+Tab (or ] / [) jump
// to the next / previous segment; Delete removes the selected one. It only emits requests:
// whoever owns the dataset performs them (as undoable edits) and calls setSegments() again.
//
// GUI thread only. Holds a value copy of the sample (floats, decimated per pixel column
// when drawn). Frames are relative to the sample; segments are [start, end).
#include <QVector>
#include <QWidget>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope::ui {

class SampleTimeline : public QWidget {
  Q_OBJECT
 public:
  explicit SampleTimeline(QWidget* parent = nullptr);

  // interleaved: frames × channels values.
  void setSample(qint64 sampleId, const QVector<float>& interleaved, int channels, double rateHz);
  void clearSample(const QString& message);
  qint64 sampleId() const { return m_sampleId; }
  qint64 frames() const { return m_frames; }
  // The sample's raw values as shown (frames × channels, interleaved).
  const QVector<float>& values() const { return m_values; }
  int channels() const { return m_channels; }
  void setSegments(const QVector<dataset::Segment>& segments);
  const QVector<dataset::Segment>& segments() const { return m_segments; }
  // The labels keys 1–9 choose (the dataset's label names).
  void setLabels(const QStringList& labels);
  const QStringList& labels() const { return m_labels; }
  void setCurrentLabel(const QString& label);
  QString currentLabel() const { return m_currentLabel; }
  qint64 selectedSegment() const { return m_selected; }
  void selectSegment(qint64 segmentId);

  // Geometry, for tests and tools: the x of a frame and the frame at an x.
  int xOfFrame(qint64 frame) const;
  qint64 frameAtX(int x) const;

  QSize sizeHint() const override { return {600, 200}; }
  QSize minimumSizeHint() const override { return {200, 120}; }

 Q_SIGNALS:
  void segmentCreated(qint64 start, qint64 end, const QString& label);
  void segmentResized(qint64 segmentId, qint64 start, qint64 end);
  void segmentRelabeled(qint64 segmentId, const QString& label);
  void segmentRemoved(qint64 segmentId);
  void selectionChanged(qint64 segmentId);
  void currentLabelChanged(const QString& label);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  bool focusNextPrevChild(bool next) override;

 private:
  enum class Drag { kNone, kCreate, kResizeStart, kResizeEnd };
  QRect area() const;
  const dataset::Segment* segment(qint64 id) const;
  // The segment whose edge is within a few pixels of x (the selected one first).
  const dataset::Segment* edgeAt(int x, bool* isStart) const;
  void jump(bool next);
  QColor labelColour(const QString& label) const;

  qint64 m_sampleId = 0;
  QVector<float> m_values;
  int m_channels = 0;
  qint64 m_frames = 0;
  double m_rateHz = 1;
  float m_lo = -1, m_hi = 1;
  QString m_message;
  QVector<dataset::Segment> m_segments;
  QStringList m_labels;
  QString m_currentLabel;
  qint64 m_selected = 0;
  Drag m_drag = Drag::kNone;
  qint64 m_dragSegment = 0;
  qint64 m_anchor = 0, m_dragFrame = 0;
};

}  // namespace tinyscope::ui
