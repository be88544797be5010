#pragma once
// TensorHeatmap: one tensor's values on the device and the desktop and their difference.
// Leading 1-dimensions are dropped; what is left is shown as
//   rank 0-1  a plot over the elements (device and desktop lines, or the difference);
//   rank 2    a rows x columns heatmap;
//   rank 3+   a heatmap per channel (the last dimension), rows = the product of the others
//             but the last two, columns = the one before the channel (NHWC: H x W per C).
// Values/difference use a sequential map over the channel's range / a diverging map around 0
// (in quantized steps). Hovering a cell or point shows its position, each side's quantized
// value and real value scale · (q − zero point), and the difference (readout()).
//
// Thread: GUI thread. Memory: copies of both sides' bytes (at most the tensor's size each).
#include <QImage>
#include <QWidget>
#include <vector>

#include "model_runner/host/graph_description.h"

namespace tinyscope::ui {

class TensorHeatmap : public QWidget {
  Q_OBJECT
 public:
  enum class Show { kDevice, kDesktop, kDifference };

  explicit TensorHeatmap(QWidget* parent = nullptr);

  // Either side may be empty (not captured). A side whose size is not the tensor's is dropped.
  void setTensor(const runner::host::GraphTensor& tensor, std::vector<uint8_t> device,
                 std::vector<uint8_t> desktop);
  void showMessage(const QString& message);
  void setShow(Show show);
  Show show() const { return m_show; }
  void setChannel(int channel);
  int channel() const { return m_channel; }

  bool hasTensor() const { return m_elements > 0; }
  int tensorIndex() const { return m_tensor.index; }
  bool isPlot() const { return m_plot; }
  int rows() const { return m_rows; }
  int columns() const { return m_cols; }
  int channelCount() const { return m_channels; }
  // Element index (flat, row-major) of a heatmap cell of the current channel.
  qint64 elementAt(int row, int col) const;
  // The widget rectangle of a heatmap cell / the widget x of a plotted element.
  QRect cellRect(int row, int col) const;
  int plotX(qint64 element) const;
  // The readout for the element under `pos` (empty outside), and the one shown now.
  QString readoutAt(QPoint pos) const;
  QString readout() const { return m_readout; }

  QSize sizeHint() const override { return {420, 320}; }
  QSize minimumSizeHint() const override { return {200, 140}; }

 Q_SIGNALS:
  void readoutChanged(const QString& text);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  QRect area() const;
  // Quantized (or float) value of element i of one side; false when that side is missing.
  bool value(const std::vector<uint8_t>& side, qint64 i, double* q) const;
  double real(double q) const;
  qint64 elementUnder(QPoint pos) const;
  void rebuildImage();

  runner::host::GraphTensor m_tensor;
  std::vector<uint8_t> m_device, m_desktop;
  qint64 m_elements = 0;
  size_t m_elementBytes = 1;
  bool m_plot = false;
  int m_rows = 0, m_cols = 0, m_channels = 1;
  int m_channel = 0;
  Show m_show = Show::kDevice;
  double m_lo = 0, m_hi = 0;  // colour / value range of what is shown
  QImage m_image;             // one pixel per cell of the current channel
  QString m_message;
  QString m_readout;
};

}  // namespace tinyscope::ui
