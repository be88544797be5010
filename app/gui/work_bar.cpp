#include "app/gui/work_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace tinyscope::ui {

namespace {
// QProgressBar counts in int: large byte counts are shown in thousandths.
void setBar(QProgressBar* bar, qint64 value, qint64 maximum) {
  if (maximum <= 0) {
    bar->setRange(0, 0);  // busy indicator
    return;
  }
  if (maximum > 1000000) {
    value = value * 1000 / maximum;
    maximum = 1000;
  }
  bar->setRange(0, static_cast<int>(maximum));
  bar->setValue(static_cast<int>(qBound<qint64>(0, value, maximum)));
}
}  // namespace

WorkBar::WorkBar(QWidget* parent) : QWidget(parent), m_layout(new QHBoxLayout(this)) {
  m_layout->setContentsMargins(0, 0, 0, 0);
  m_layout->setSpacing(12);
  setObjectName(QStringLiteral("workBar"));
  hide();
}

void WorkBar::begin(QObject* job, const QString& title, std::function<void()> cancel) {
  end(job);
  Row r;
  r.widget = new QWidget(this);
  auto* l = new QHBoxLayout(r.widget);
  l->setContentsMargins(0, 0, 0, 0);
  r.title = new QLabel(title, r.widget);
  r.title->setToolTip(title);
  r.title->setMaximumWidth(260);
  r.title->setText(r.title->fontMetrics().elidedText(title, Qt::ElideMiddle, 260));
  r.bar = new QProgressBar(r.widget);
  r.bar->setFixedWidth(140);
  r.bar->setRange(0, 0);
  r.cancel = new QPushButton(tr("Cancel"), r.widget);
  r.cancel->setToolTip(tr("Stop %1").arg(title));
  connect(r.cancel, &QPushButton::clicked, r.widget, [cancel = std::move(cancel), b = r.cancel] {
    b->setEnabled(false);
    if (cancel) cancel();
  });
  l->addWidget(r.title);
  l->addWidget(r.bar);
  l->addWidget(r.cancel);
  m_layout->addWidget(r.widget);
  m_rows.insert(job, r);
  connect(job, &QObject::destroyed, this, [this, job] { end(job); });
  show();
}

void WorkBar::progress(QObject* job, qint64 value, qint64 maximum) {
  auto it = m_rows.find(job);
  if (it != m_rows.end()) setBar(it->bar, value, maximum);
}

void WorkBar::end(QObject* job) {
  auto it = m_rows.find(job);
  if (it == m_rows.end()) return;
  delete it->widget;
  m_rows.erase(it);
  disconnect(job, &QObject::destroyed, this, nullptr);
  if (m_rows.isEmpty()) hide();
}

QPushButton* WorkBar::cancelButton(QObject* job) const {
  auto it = m_rows.find(job);
  return it == m_rows.end() ? nullptr : it->cancel;
}

QProgressBar* WorkBar::progressBar(QObject* job) const {
  auto it = m_rows.find(job);
  return it == m_rows.end() ? nullptr : it->bar;
}

}  // namespace tinyscope::ui
