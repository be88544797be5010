#include "widgets/compare_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace tinyscope::ui {

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), m_verdict(new QLabel(this)), m_table(new QTableWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  m_verdict->setWordWrap(true);
  m_verdict->setTextFormat(Qt::RichText);
  layout->addWidget(m_verdict);
  m_table->setColumnCount(9);
  m_table->setHorizontalHeaderLabels({tr("Tensor"), tr("Op"), tr("Producer"), tr("Elements"),
                                      tr("Exact"), tr("max |Δ|"), tr("mean |Δ|"), tr("Cosine"),
                                      tr("SNR dB")});
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);  // elides
  layout->addWidget(m_table);
  showMessage(
      tr("Run an inference on the device: its tensors are compared with the desktop runtime's."));
}

QString CompareView::verdict() const {
  return m_verdict->text();
}
int CompareView::rowCount() const {
  return m_table->rowCount();
}

void CompareView::showMessage(const QString& message) {
  m_verdict->setText(message.toHtmlEscaped());
  m_table->setRowCount(0);
}

void CompareView::showComparison(const runner::host::DumpComparison& cmp, const QString& title) {
  if (cmp.identical()) {
    m_verdict->setText(tr("<b style='color:#1a7f37'>%1: all %2 tensors identical.</b>")
                           .arg(title.toHtmlEscaped())
                           .arg(cmp.comparedTensors));
  } else {
    m_verdict->setText(tr("<b style='color:#cf222e'>%1: %2 of %3 tensors differ. First diverging "
                          "operator: #%4 %5 (tensor %6).</b>")
                           .arg(title.toHtmlEscaped())
                           .arg(cmp.comparedTensors - cmp.identicalTensors)
                           .arg(cmp.comparedTensors)
                           .arg(cmp.firstDivergingOp)
                           .arg(QString::fromStdString(cmp.firstDivergingOpName).toHtmlEscaped())
                           .arg(cmp.firstDivergingTensor));
  }
  m_table->setRowCount(0);
  for (const auto& t : cmp.tensors) {
    if (!t.compared) continue;
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    const QStringList cells = {
        QString::number(t.index),
        QString::number(t.producerOp),
        t.producerOpName.empty() ? tr("(input)") : QString::fromStdString(t.producerOpName),
        QString::number(t.elements),
        QString::number(t.exactMatches),
        QString::number(t.maxAbsDiff),
        QString::number(t.meanAbsDiff, 'f', 3),
        QString::number(t.cosine, 'f', 6),
        t.identical() || std::isinf(t.snrDb) ? QStringLiteral("∞")
                                             : QString::number(t.snrDb, 'f', 1)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (!t.identical()) item->setForeground(QColor(0xcf, 0x22, 0x2e));
      m_table->setItem(row, c, item);
    }
  }
}

}  // namespace tinyscope::ui
