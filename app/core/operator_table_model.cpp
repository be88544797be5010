#include "app/core/operator_table_model.h"

#include <QColor>

namespace tinyscope {

namespace rh = runner::host;

QString tensorShapeText(const rh::GraphTensor& t) {
  QStringList dims;
  for (int32_t d : t.shape) dims << QString::number(d);
  return QStringLiteral("%1 [%2]").arg(QString::fromStdString(t.type), dims.join(QLatin1Char(',')));
}

OperatorTableModel::OperatorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OperatorTableModel::setModel(const rh::ModelSummary& s) {
  beginResetModel();
  m_rows.clear();
  m_firstDiverging = -1;
  for (const rh::GraphOperator& op : s.operators) {
    Row r;
    r.op = QString::fromStdString(op.op);
    r.macs = op.macs;
    r.supported = op.supported;
    if (!op.outputs.empty() && op.outputs[0] >= 0 &&
        static_cast<size_t>(op.outputs[0]) < s.tensors.size())
      r.output = tensorShapeText(s.tensors[static_cast<size_t>(op.outputs[0])]);
    m_rows.append(r);
  }
  endResetModel();
}

void OperatorTableModel::clearReport() {
  for (Row& r : m_rows) {
    r.deviceUs = r.desktopUs = -1;
    r.match = Match::kUnknown;
  }
  m_firstDiverging = -1;
  if (!m_rows.isEmpty())
    Q_EMIT dataChanged(index(0, 0), index(m_rows.size() - 1, kColumnCount - 1));
}

void OperatorTableModel::setReport(const RunReport& report) {
  clearReport();
  if (!report.error.isEmpty()) return;
  for (int i = 0; i < report.ops.size() && i < m_rows.size(); ++i)
    m_rows[i].deviceUs = report.ops[i].second;
  for (int i = 0; i < report.desktopOpUs.size() && i < m_rows.size(); ++i)
    m_rows[i].desktopUs = report.desktopOpUs[i];
  if (!report.desktopOnly) {
    for (const rh::TensorComparison& t : report.comparison.tensors) {
      if (!t.compared || t.producerOp < 0 || t.producerOp >= m_rows.size()) continue;
      Match& m = m_rows[t.producerOp].match;
      if (!t.identical())
        m = Match::kDiffers;
      else if (m == Match::kUnknown)
        m = Match::kIdentical;
    }
    m_firstDiverging = report.comparison.firstDivergingOp;
  }
  if (!m_rows.isEmpty())
    Q_EMIT dataChanged(index(0, 0), index(m_rows.size() - 1, kColumnCount - 1));
}

OperatorTableModel::Match OperatorTableModel::opMatch(int op) const {
  return op >= 0 && op < m_rows.size() ? m_rows[op].match : Match::kUnknown;
}

int OperatorTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : m_rows.size();
}

int OperatorTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant OperatorTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= kColumnCount) return {};
  const Row& r = m_rows[index.row()];
  const auto us = [](double v) {
    return v < 0 ? QStringLiteral("–") : QString::number(v, 'f', v < 10 ? 2 : 0);
  };
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kIndex:
          return index.row();
        case kOperator:
          return r.supported ? r.op : tr("%1 (unsupported)").arg(r.op);
        case kMacs:
          return r.macs;
        case kOutput:
          return r.output;
        case kDeviceUs:
          return us(r.deviceUs);
        case kDesktopUs:
          return us(r.desktopUs);
        case kMatch:
          return r.match == Match::kUnknown     ? QStringLiteral("–")
                 : r.match == Match::kIdentical ? tr("identical")
                                                : tr("differs");
      }
      return {};
    case Qt::ToolTipRole:
      if (index.column() == kOperator || index.column() == kOutput)
        return data(index, Qt::DisplayRole);
      if (index.row() == m_firstDiverging)
        return tr("The first operator whose output differs between device and desktop");
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == kMacs || index.column() == kDeviceUs || index.column() == kDesktopUs)
        return int(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::ForegroundRole:
      if (r.match == Match::kDiffers) return QColor(0xcf, 0x22, 0x2e);
      return {};
    case Qt::BackgroundRole:
      if (index.row() == m_firstDiverging) return QColor(0xff, 0xd7, 0xd5);
      return {};
  }
  return {};
}

QVariant OperatorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) return {};
  if (role == Qt::DisplayRole) {
    static const char* const kNames[] = {"#",         "Operator",   "MACs", "Output",
                                         "Device µs", "Desktop µs", "Match"};
    return tr(kNames[section]);
  }
  return {};
}

}  // namespace tinyscope
