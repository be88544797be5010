#pragma once
// ReplayListModel: the inferences of a replayed session log (SessionReplay), one row each:
// when, the check's outcome, the device's and the desktop's top class, how many tensors match,
// the largest difference, the device's time and why a check failed or was skipped.
//
// Thread: GUI thread. Memory: a copy of the SessionReplay it shows.
#include <QAbstractTableModel>

#include "app/core/session/session_replay.h"

namespace tinyscope::session {

class ReplayListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    kIndexColumn,
    kTimeColumn,
    kOutcomeColumn,
    kDeviceClassColumn,
    kDesktopClassColumn,
    kTensorsColumn,
    kMaxDiffColumn,
    kDeviceUsColumn,
    kNoteColumn,
    kColumnCount
  };
  static constexpr int kOutcomeRole = Qt::UserRole + 1;  // int(InferenceCheck::Outcome)

  explicit ReplayListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  void setReplay(SessionReplay replay);
  void clear();
  const SessionReplay& replay() const { return m_replay; }
  // nullptr when row is out of range.
  const InferenceCheck* check(int row) const;

 private:
  SessionReplay m_replay;
};

}  // namespace tinyscope::session
