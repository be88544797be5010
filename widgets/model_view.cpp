#include "widgets/model_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tinyscope::ui {

ModelView::ModelView(QWidget* parent)
    : QWidget(parent), m_header(new QLabel(this)), m_ops(new QTableWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  m_header->setWordWrap(true);
  layout->addWidget(m_header);
  m_ops->setColumnCount(4);
  m_ops->setHorizontalHeaderLabels({tr("#"), tr("Operator"), tr("MACs"), tr("Output")});
  m_ops->verticalHeader()->hide();
  m_ops->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_ops->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_ops->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);  // elides
  layout->addWidget(m_ops);
  showMessage(tr("No model loaded."));
}

int ModelView::operatorCount() const {
  return m_ops->rowCount();
}

void ModelView::showMessage(const QString& message) {
  m_header->setText(message);
  m_ops->setRowCount(0);
}

void ModelView::showModel(const QString& name, const runner::host::ModelSummary& s) {
  QString arena = s.runnable ? tr("arena %1 bytes").arg(s.arenaBytes)
                             : tr("not runnable: %1").arg(QString::fromStdString(s.allocateError));
  m_header->setText(tr("<b>%1</b><br>%2 operators, %3 tensors, %4 MACs, %5 bytes, %6")
                        .arg(name.toHtmlEscaped())
                        .arg(s.operators.size())
                        .arg(s.tensors.size())
                        .arg(s.totalMacs)
                        .arg(s.modelBytes)
                        .arg(arena.toHtmlEscaped()));
  m_ops->setRowCount(static_cast<int>(s.operators.size()));
  for (int i = 0; i < m_ops->rowCount(); ++i) {
    const auto& op = s.operators[static_cast<size_t>(i)];
    QString out;
    if (!op.outputs.empty() && op.outputs[0] >= 0 &&
        static_cast<size_t>(op.outputs[0]) < s.tensors.size()) {
      const auto& t = s.tensors[static_cast<size_t>(op.outputs[0])];
      QStringList dims;
      for (int32_t d : t.shape) dims << QString::number(d);
      out = QStringLiteral("%1 [%2]").arg(QString::fromStdString(t.type),
                                          dims.join(QLatin1Char(',')));
    }
    m_ops->setItem(i, 0, new QTableWidgetItem(QString::number(op.index)));
    m_ops->setItem(i, 1,
                   new QTableWidgetItem(QString::fromStdString(op.op) +
                                        (op.supported ? QString() : tr(" (unsupported)"))));
    m_ops->setItem(i, 2, new QTableWidgetItem(QString::number(op.macs)));
    m_ops->setItem(i, 3, new QTableWidgetItem(out));
  }
}

}  // namespace tinyscope::ui
