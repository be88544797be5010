#pragma once
// SlotTableModel: the model slots of the connected device and their states (one row per slot:
// slot, state, model name, size, CRC-32, capacity), for the Flash view. Rows come from the
// handshake and from SlotInfo answers (SlotController); clear() when the device goes away.
//
// Thread: GUI thread. Memory: at most proto::kMaxSlots rows. Device text (names) arrives
// sanitized (device_text.h).
#include <QAbstractTableModel>
#include <QString>
#include <QVector>

#include "device_protocol/messages.h"

namespace tinyscope {

struct SlotRow {
  int slot = 0;
  proto::SlotState state = proto::SlotState::kEmpty;
  quint32 capacity = 0;
  quint32 modelSize = 0;
  quint32 modelCrc = 0;
  quint32 receivedBytes = 0;
  QString modelName;  // sanitized
};

// A SlotInfo as a row (its name sanitized).
SlotRow slotRowOf(const proto::SlotInfo& info);
// "empty", "receiving", "valid", "active", "invalid", "testing" ("?" for anything else).
QString slotStateText(proto::SlotState state);

class SlotTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    kSlotColumn,
    kStateColumn,
    kModelColumn,
    kSizeColumn,
    kCrcColumn,
    kCapacityColumn,
    kColumnCount
  };
  static constexpr int kStateRole = Qt::UserRole + 1;  // int(proto::SlotState)
  static constexpr int kSlotRole = Qt::UserRole + 2;   // the slot number

  explicit SlotTableModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  // Replaces every row (sorted by slot).
  void setRows(QVector<SlotRow> rows);
  // Replaces the row of row.slot (or adds it).
  void updateRow(const SlotRow& row);
  void clear();
  const QVector<SlotRow>& rows() const { return m_rows; }
  // The row of `slot`, nullptr when the device has no such slot.
  const SlotRow* find(int slot) const;

 private:
  QVector<SlotRow> m_rows;
};

}  // namespace tinyscope
