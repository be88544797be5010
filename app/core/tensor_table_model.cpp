#include "app/core/tensor_table_model.h"

#include <QColor>
#include <cmath>

#include "app/core/operator_table_model.h"

namespace tinyscope {

namespace rh = runner::host;

TensorTableModel::TensorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TensorTableModel::setModel(const rh::ModelSummary& s) {
  beginResetModel();
  m_tensors = QVector<rh::GraphTensor>(s.tensors.begin(), s.tensors.end());
  m_compared = QVector<rh::TensorComparison>(m_tensors.size());
  m_firstDiverging = -1;
  endResetModel();
}

void TensorTableModel::clearComparison() {
  m_compared = QVector<rh::TensorComparison>(m_tensors.size());
  m_firstDiverging = -1;
  if (!m_tensors.isEmpty())
    Q_EMIT dataChanged(index(0, 0), index(m_tensors.size() - 1, kColumnCount - 1));
}

void TensorTableModel::setComparison(const rh::DumpComparison& cmp) {
  m_compared = QVector<rh::TensorComparison>(m_tensors.size());
  for (const rh::TensorComparison& t : cmp.tensors)
    if (t.index >= 0 && t.index < m_compared.size()) m_compared[t.index] = t;
  m_firstDiverging = cmp.firstDivergingTensor < m_tensors.size() ? cmp.firstDivergingTensor : -1;
  if (!m_tensors.isEmpty())
    Q_EMIT dataChanged(index(0, 0), index(m_tensors.size() - 1, kColumnCount - 1));
}

int TensorTableModel::rowOfTensor(int tensorIndex) const {
  return tensorIndex >= 0 && tensorIndex < m_tensors.size() ? tensorIndex : -1;
}

int TensorTableModel::tensorAt(int row) const {
  return row >= 0 && row < m_tensors.size() ? m_tensors[row].index : -1;
}

bool TensorTableModel::differs(int tensorIndex) const {
  return tensorIndex >= 0 && tensorIndex < m_compared.size() && m_compared[tensorIndex].compared &&
         !m_compared[tensorIndex].identical();
}

int TensorTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : m_tensors.size();
}

int TensorTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant TensorTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_tensors.size() || index.column() >= kColumnCount)
    return {};
  const rh::GraphTensor& t = m_tensors[index.row()];
  const rh::TensorComparison& c = m_compared[index.row()];
  const bool metric = index.column() >= kExact;
  switch (role) {
    case Qt::DisplayRole: {
      if (metric && !c.compared) return QStringLiteral("–");
      switch (index.column()) {
        case kIndex:
          return t.index;
        case kName:
          return QString::fromStdString(t.name);
        case kShape:
          return tensorShapeText(t) + (t.isConstant ? tr(" const") : QString());
        case kQuantization:
          if (t.scale.empty()) return QStringLiteral("–");
          if (t.scale.size() > 1) return tr("%1 channels").arg(t.scale.size());
          return QStringLiteral("%1 · (q %2 %3)")
              .arg(t.scale[0], 0, 'g', 4)
              .arg(t.zeroPoint[0] < 0 ? QStringLiteral("+") : QStringLiteral("−"))
              .arg(std::abs(t.zeroPoint[0]));
        case kProducer:
          return t.producerOp < 0 ? (t.modelInput >= 0 ? tr("(input)") : QStringLiteral("–"))
                                  : QStringLiteral("#%1 %2")
                                        .arg(t.producerOp)
                                        .arg(QString::fromStdString(t.producerOpName));
        case kExact:
          return QStringLiteral("%1/%2").arg(c.exactMatches).arg(c.elements);
        case kMaxAbs:
          return QString::number(c.maxAbsDiff);
        case kMeanAbs:
          return QString::number(c.meanAbsDiff, 'f', 3);
        case kCosine:
          return QString::number(c.cosine, 'f', 6);
        case kSnr:
          return c.identical() || std::isinf(c.snrDb) ? QStringLiteral("∞")
                                                      : QString::number(c.snrDb, 'f', 1);
      }
      return {};
    }
    case Qt::ToolTipRole:
      if (index.column() == kName || index.column() == kProducer)
        return data(index, Qt::DisplayRole);
      if (metric && !c.compared && !c.note.empty()) return QString::fromStdString(c.note);
      return {};
    case Qt::TextAlignmentRole:
      return metric ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::ForegroundRole:
      if (c.compared && !c.identical()) return QColor(0xcf, 0x22, 0x2e);
      if (t.isConstant) return QColor(0x6e, 0x77, 0x81);
      return {};
    case Qt::BackgroundRole:
      if (t.index == m_firstDiverging) return QColor(0xff, 0xd7, 0xd5);
      return {};
  }
  return {};
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) return {};
  if (role == Qt::DisplayRole) {
    static const char* const kNames[] = {"#",        "Name",  "Shape",   "Scale · (q − zp)",
                                         "Producer", "Exact", "max |Δ|", "mean |Δ|",
                                         "Cosine",   "SNR dB"};
    return tr(kNames[section]);
  }
  if (role == Qt::ToolTipRole && section >= kExact)
    return tr("Device vs desktop (the desktop runtime is the reference); |Δ| in quantized steps");
  return {};
}

}  // namespace tinyscope
