#include "app/core/session/replay_list_model.h"

#include <QColor>

namespace tinyscope::session {

ReplayListModel::ReplayListModel(QObject* parent) : QAbstractTableModel(parent) {}

int ReplayListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_replay.checks.size());
}

int ReplayListModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

const InferenceCheck* ReplayListModel::check(int row) const {
  if (row < 0 || static_cast<size_t>(row) >= m_replay.checks.size()) return nullptr;
  return &m_replay.checks[static_cast<size_t>(row)];
}

QVariant ReplayListModel::data(const QModelIndex& index, int role) const {
  const InferenceCheck* c = index.isValid() ? check(index.row()) : nullptr;
  if (!c || index.column() >= kColumnCount) return {};
  if (role == kOutcomeRole) return static_cast<int>(c->outcome);
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case kIndexColumn:
        return static_cast<qulonglong>(c->index);
      case kTimeColumn:
        return QString::number(c->sessionSeconds, 'f', 3);
      case kOutcomeColumn:
        switch (c->outcome) {
          case InferenceCheck::Outcome::kPass:
            return tr("pass");
          case InferenceCheck::Outcome::kFail:
            return tr("FAIL");
          case InferenceCheck::Outcome::kSkipped:
            return tr("skipped");
        }
        return {};
      case kDeviceClassColumn:
        return m_replay.className(c->deviceTop);
      case kDesktopClassColumn:
        return m_replay.className(c->desktopTop);
      case kTensorsColumn:
        if (!c->tensorsCompared) return tr("outputs");
        return QStringLiteral("%1/%2").arg(c->matchingTensors).arg(c->comparedTensors);
      case kMaxDiffColumn:
        return c->tensorsCompared ? QVariant(c->maxAbsDiff) : QVariant();
      case kDeviceUsColumn:
        return c->deviceMicros;
      case kNoteColumn:
        return c->message;
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() != kNoteColumn &&
      index.column() != kDeviceClassColumn && index.column() != kDesktopClassColumn &&
      index.column() != kOutcomeColumn)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole) {
    if (c->outcome == InferenceCheck::Outcome::kFail) return QColor(0xcf, 0x22, 0x2e);
    if (c->outcome == InferenceCheck::Outcome::kSkipped) return QColor(0x6e, 0x77, 0x81);
  }
  return {};
}

QVariant ReplayListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kIndexColumn:
      return tr("#");
    case kTimeColumn:
      return tr("Time (s)");
    case kOutcomeColumn:
      return tr("Check");
    case kDeviceClassColumn:
      return tr("Device class");
    case kDesktopClassColumn:
      return tr("Desktop class");
    case kTensorsColumn:
      return tr("Tensors equal");
    case kMaxDiffColumn:
      return tr("Max |Δ|");
    case kDeviceUsColumn:
      return tr("Device µs");
    case kNoteColumn:
      return tr("Note");
  }
  return {};
}

void ReplayListModel::setReplay(SessionReplay replay) {
  beginResetModel();
  m_replay = std::move(replay);
  endResetModel();
}

void ReplayListModel::clear() {
  setReplay(SessionReplay());
}

}  // namespace tinyscope::session
