#include "app/core/tensor_comparison_model.h"

#include <QColor>
#include <QFont>
#include <cmath>

namespace tinyscope {

TensorComparisonModel::TensorComparisonModel(QObject* parent) : QAbstractTableModel(parent) {}

int TensorComparisonModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TensorComparisonModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant TensorComparisonModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || static_cast<size_t>(index.row()) >= m_rows.size() ||
      index.column() >= kColumnCount)
    return {};
  const runner::host::TensorComparison& t = m_rows[static_cast<size_t>(index.row())];
  const bool first = index.row() == m_firstRow;
  if (role == kFirstDivergentRole) return first;
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case kTensorColumn:
        return t.index;
      case kOpColumn:
        return t.producerOp;
      case kOpNameColumn:
        return t.producerOpName.empty() ? tr("(input)") : QString::fromStdString(t.producerOpName);
      case kElementsColumn:
        return static_cast<qulonglong>(t.elements);
      case kExactColumn:
        return QString::number(t.elements ? 100.0 * static_cast<double>(t.exactMatches) /
                                                static_cast<double>(t.elements)
                                          : 100.0,
                               'f', 2);
      case kMaxDiffColumn:
        return static_cast<qlonglong>(t.maxAbsDiff);
      case kMeanDiffColumn:
        return QString::number(t.meanAbsDiff, 'f', 3);
      case kCosineColumn:
        return QString::number(t.cosine, 'f', 6);
      case kSnrColumn:
        return t.identical() || std::isinf(t.snrDb) ? QStringLiteral("∞")
                                                    : QString::number(t.snrDb, 'f', 1);
      case kNameColumn:
        if (role == Qt::ToolTipRole && first)
          return tr("%1 — the first divergent tensor").arg(QString::fromStdString(t.name));
        return QString::fromStdString(t.name);
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() != kOpNameColumn &&
      index.column() != kNameColumn)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && !t.identical()) return QColor(0xcf, 0x22, 0x2e);
  if (role == Qt::BackgroundRole && first) return QColor(0xff, 0xeb, 0xe9);
  if (role == Qt::FontRole && first) {
    QFont f;
    f.setBold(true);
    return f;
  }
  return {};
}

QVariant TensorComparisonModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kTensorColumn:
      return tr("Tensor");
    case kOpColumn:
      return tr("Op");
    case kOpNameColumn:
      return tr("Operator");
    case kElementsColumn:
      return tr("Elements");
    case kExactColumn:
      return tr("Exact %");
    case kMaxDiffColumn:
      return tr("Max |Δ|");
    case kMeanDiffColumn:
      return tr("Mean |Δ|");
    case kCosineColumn:
      return tr("Cosine");
    case kSnrColumn:
      return tr("SNR dB");
    case kNameColumn:
      return tr("Name");
  }
  return {};
}

void TensorComparisonModel::setComparison(
    const std::vector<runner::host::TensorComparison>& tensors, int firstDivergentTensor) {
  beginResetModel();
  m_rows.clear();
  m_firstRow = -1;
  for (const runner::host::TensorComparison& t : tensors) {
    if (!t.compared) continue;
    if (t.index == firstDivergentTensor) m_firstRow = static_cast<int>(m_rows.size());
    m_rows.push_back(t);
  }
  endResetModel();
}

void TensorComparisonModel::clear() {
  setComparison({}, -1);
}

}  // namespace tinyscope
