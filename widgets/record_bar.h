#pragma once
// RecordBar: the Live view's controls above the plot — pause / autoscale of the plot, and
// Record with a label field and a live count of what was recorded. It only emits requests;
// whoever owns the device records (DeviceController::startRecording). GUI thread only.
#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace tinyscope::ui {

class SignalPlot;

class RecordBar : public QWidget {
  Q_OBJECT
 public:
  explicit RecordBar(SignalPlot* plot, QWidget* parent = nullptr);

  QString label() const;
  void setLabel(const QString& label);
  // Record is possible (a streaming agent); `why` is the tooltip when it is not.
  void setRecordEnabled(bool enabled, const QString& why);
  void showRecording(bool recording);
  void showProgress(qint64 frames, qint64 samples, qint64 lostFrames, double rateHz);
  void showResult(const QString& text);
  QString countText() const;
  QToolButton* recordButton() const { return m_record; }

 Q_SIGNALS:
  void recordRequested(const QString& label);
  void stopRequested();

 private:
  SignalPlot* m_plot;
  QToolButton* m_pause;
  QToolButton* m_autoscale;
  QLineEdit* m_label;
  QToolButton* m_record;
  QLabel* m_count;
  bool m_recording = false;
};

}  // namespace tinyscope::ui
