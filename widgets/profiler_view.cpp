#include "widgets/profiler_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace tinyscope::ui {

ProfilerView::ProfilerView(QWidget* parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_table(new QTableWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  m_summary->setWordWrap(true);
  m_summary->setText(tr("Run an inference on the device to see per-operator latency."));
  layout->addWidget(m_summary);
  m_table->setColumnCount(5);
  m_table->setHorizontalHeaderLabels(
      {tr("#"), tr("Operator"), tr("Device µs"), tr("Desktop µs"), tr("Share")});
  m_table->horizontalHeaderItem(4)->setToolTip(tr("Share of the device's inference time"));
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  // The operator name takes what is left (eliding, tooltip whole); numbers keep their width.
  m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  m_table->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Fixed);
  m_table->horizontalHeader()->resizeSection(4, 70);
  m_table->horizontalHeader()->setMinimumSectionSize(40);
  layout->addWidget(m_table);
}

int ProfilerView::rowCount() const {
  return m_table->rowCount();
}

void ProfilerView::showProfile(const QVector<ProfileRow>& rows, const QString& summary) {
  m_summary->setText(summary);
  m_table->setRowCount(rows.size());
  double total = 0;
  for (const ProfileRow& r : rows) total += std::max(0.0, r.deviceUs);
  for (int i = 0; i < rows.size(); ++i) {
    const ProfileRow& r = rows[i];
    auto num = [](double v) {
      auto* item = new QTableWidgetItem(v < 0 ? QStringLiteral("–")
                                              : QString::number(v, 'f', v < 10 ? 2 : 0));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      return item;
    };
    m_table->setItem(i, 0, new QTableWidgetItem(QString::number(r.index)));
    auto* name = new QTableWidgetItem(r.op);
    name->setToolTip(r.op);
    m_table->setItem(i, 1, name);
    m_table->setItem(i, 2, num(r.deviceUs));
    m_table->setItem(i, 3, num(r.desktopUs));
    auto* bar = new QProgressBar;
    bar->setRange(0, 1000);
    bar->setValue(total > 0 ? static_cast<int>(1000 * std::max(0.0, r.deviceUs) / total) : 0);
    bar->setFormat(
        total > 0 ? QStringLiteral("%1 %").arg(100 * std::max(0.0, r.deviceUs) / total, 0, 'f', 1)
                  : QString());
    m_table->setCellWidget(i, 4, bar);
  }
}

}  // namespace tinyscope::ui
