#include "app/core/device/slot_table_model.h"

#include <QColor>
#include <QFont>
#include <algorithm>

#include "app/core/device/device_text.h"

namespace tinyscope {

SlotRow slotRowOf(const proto::SlotInfo& info) {
  SlotRow r;
  r.slot = info.slot;
  r.state = info.state;
  r.capacity = info.capacity;
  r.modelSize = info.modelSize;
  r.modelCrc = info.modelCrc;
  r.receivedBytes = info.receivedBytes;
  r.modelName = sanitizeDeviceText(info.modelName);
  return r;
}

QString slotStateText(proto::SlotState state) {
  switch (state) {
    case proto::SlotState::kEmpty:
      return QStringLiteral("empty");
    case proto::SlotState::kReceiving:
      return QStringLiteral("receiving");
    case proto::SlotState::kValid:
      return QStringLiteral("valid");
    case proto::SlotState::kActive:
      return QStringLiteral("active");
    case proto::SlotState::kInvalid:
      return QStringLiteral("invalid");
    case proto::SlotState::kTesting:
      return QStringLiteral("testing");
  }
  return QStringLiteral("?");
}

SlotTableModel::SlotTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int SlotTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : m_rows.size();
}

int SlotTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant SlotTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= kColumnCount) return {};
  const SlotRow& r = m_rows[index.row()];
  const bool hasModel = r.state != proto::SlotState::kEmpty;
  if (role == kStateRole) return static_cast<int>(r.state);
  if (role == kSlotRole) return r.slot;
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case kSlotColumn:
        return r.slot;
      case kStateColumn:
        if (r.state == proto::SlotState::kReceiving)
          return tr("receiving (%1 of %2 bytes)").arg(r.receivedBytes).arg(r.modelSize);
        if (role == Qt::ToolTipRole && r.state == proto::SlotState::kTesting)
          return tr("testing: active until a reset unless confirmed");
        return slotStateText(r.state);
      case kModelColumn:
        return hasModel ? r.modelName : QString();
      case kSizeColumn:
        if (role == Qt::ToolTipRole)
          return tr("%1 of the slot's %2 bytes").arg(hasModel ? r.modelSize : 0).arg(r.capacity);
        return hasModel ? QVariant(r.modelSize) : QVariant();
      case kCrcColumn:
        return hasModel ? QStringLiteral("%1").arg(r.modelCrc, 8, 16, QLatin1Char('0')) : QString();
      case kCapacityColumn:
        if (role == Qt::ToolTipRole) return tr("%1 bytes").arg(r.capacity);
        return r.capacity >= (1u << 20) && r.capacity % (1u << 20) == 0
                   ? tr("%1 MiB").arg(r.capacity >> 20)
               : r.capacity >= 1024 ? tr("%1 KiB").arg(r.capacity / 1024.0, 0, 'f', 0)
                                    : tr("%1 B").arg(r.capacity);
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() != kModelColumn &&
      index.column() != kStateColumn)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::FontRole &&
      (r.state == proto::SlotState::kActive || r.state == proto::SlotState::kTesting)) {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (role == Qt::ForegroundRole && index.column() == kStateColumn) {
    switch (r.state) {
      case proto::SlotState::kActive:
        return QColor(0x1a, 0x7f, 0x37);
      case proto::SlotState::kTesting:
        return QColor(0x9a, 0x67, 0x00);
      case proto::SlotState::kInvalid:
        return QColor(0xcf, 0x22, 0x2e);
      default:
        return {};
    }
  }
  return {};
}

QVariant SlotTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kSlotColumn:
      return tr("Slot");
    case kStateColumn:
      return tr("State");
    case kModelColumn:
      return tr("Model");
    case kSizeColumn:
      return tr("Bytes");
    case kCrcColumn:
      return tr("CRC-32");
    case kCapacityColumn:
      return tr("Capacity");
  }
  return {};
}

void SlotTableModel::setRows(QVector<SlotRow> rows) {
  std::sort(rows.begin(), rows.end(),
            [](const SlotRow& a, const SlotRow& b) { return a.slot < b.slot; });
  beginResetModel();
  m_rows = std::move(rows);
  endResetModel();
}

void SlotTableModel::updateRow(const SlotRow& row) {
  for (int i = 0; i < m_rows.size(); ++i) {
    if (m_rows[i].slot != row.slot) continue;
    m_rows[i] = row;
    Q_EMIT dataChanged(index(i, 0), index(i, kColumnCount - 1));
    return;
  }
  QVector<SlotRow> rows = m_rows;
  rows.append(row);
  setRows(rows);
}

void SlotTableModel::clear() {
  if (m_rows.isEmpty()) return;
  beginResetModel();
  m_rows.clear();
  endResetModel();
}

const SlotRow* SlotTableModel::find(int slot) const {
  for (const SlotRow& r : m_rows)
    if (r.slot == slot) return &r;
  return nullptr;
}

}  // namespace tinyscope
