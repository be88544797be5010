#include "widgets/record_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include "widgets/signal_plot.h"

namespace tinyscope::ui {

RecordBar::RecordBar(SignalPlot* plot, QWidget* parent)
    : QWidget(parent),
      m_plot(plot),
      m_pause(new QToolButton(this)),
      m_autoscale(new QToolButton(this)),
      m_label(new QLineEdit(this)),
      m_record(new QToolButton(this)),
      m_count(new QLabel(this)) {
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  m_pause->setText(tr("Pause"));
  m_pause->setCheckable(true);
  m_pause->setObjectName(QStringLiteral("pauseButton"));
  m_pause->setToolTip(tr("Freeze the plot while samples keep arriving (Space in the plot)"));
  m_autoscale->setText(tr("Autoscale"));
  m_autoscale->setCheckable(true);
  m_autoscale->setChecked(true);
  m_autoscale->setObjectName(QStringLiteral("autoscaleButton"));
  m_autoscale->setToolTip(tr("Fit the value axis to the visible samples (A in the plot)"));
  row->addWidget(m_pause);
  row->addWidget(m_autoscale);
  row->addSpacing(12);
  row->addWidget(new QLabel(tr("Label"), this));
  m_label->setObjectName(QStringLiteral("recordLabel"));
  m_label->setPlaceholderText(tr("e.g. wave"));
  m_label->setMaximumWidth(160);
  m_label->setToolTip(tr("Whole-sample label of the samples recorded next"));
  row->addWidget(m_label);
  m_record->setText(tr("● Record"));
  m_record->setObjectName(QStringLiteral("recordButton"));
  m_record->setEnabled(false);
  row->addWidget(m_record);
  m_count->setObjectName(QStringLiteral("recordCount"));
  m_count->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_count->setMinimumWidth(40);
  row->addWidget(m_count, 1);

  connect(m_pause, &QToolButton::toggled, m_plot, &SignalPlot::setPaused);
  connect(m_autoscale, &QToolButton::toggled, m_plot, &SignalPlot::setAutoscale);
  connect(m_plot, &SignalPlot::viewChanged, this, [this] {
    const QSignalBlocker a(m_pause), b(m_autoscale);
    m_pause->setChecked(m_plot->isPaused());
    m_autoscale->setChecked(m_plot->autoscale());
  });
  connect(m_record, &QToolButton::clicked, this, [this] {
    if (m_recording)
      Q_EMIT stopRequested();
    else
      Q_EMIT recordRequested(label());
  });
  connect(m_label, &QLineEdit::returnPressed, m_record, &QToolButton::click);
}

QString RecordBar::label() const {
  return m_label->text().trimmed();
}

void RecordBar::setLabel(const QString& label) {
  m_label->setText(label);
}

void RecordBar::setRecordEnabled(bool enabled, const QString& why) {
  m_record->setEnabled(enabled || m_recording);
  m_record->setToolTip(enabled ? tr("Record the stream into the dataset") : why);
}

void RecordBar::showRecording(bool recording) {
  m_recording = recording;
  m_record->setText(recording ? tr("■ Stop") : tr("● Record"));
  m_label->setEnabled(!recording);
  if (recording) m_count->setText(tr("Recording…"));
}

void RecordBar::showProgress(qint64 frames, qint64 samples, qint64 lostFrames, double rateHz) {
  QString text = tr("%1 frames (%2 s) in %3 sample(s)")
                     .arg(frames)
                     .arg(rateHz > 0 ? static_cast<double>(frames) / rateHz : 0.0, 0, 'f', 1)
                     .arg(samples);
  if (lostFrames > 0) text += tr(" · %1 lost").arg(lostFrames);
  m_count->setText(text);
  m_count->setToolTip(text);
}

void RecordBar::showResult(const QString& text) {
  m_count->setText(text);
  m_count->setToolTip(text);
}

QString RecordBar::countText() const {
  return m_count->text();
}

}  // namespace tinyscope::ui
