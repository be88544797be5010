#include "app/core/log_model.h"

namespace tinyscope {

LogModel::LogModel(int maxEntries, QObject* parent)
    : QAbstractListModel(parent), m_maxEntries(maxEntries > 0 ? maxEntries : 1) {
  qRegisterMetaType<tinyscope::LogLevel>();
  qRegisterMetaType<tinyscope::LogEntry>();
}

int LogModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QString LogModel::levelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return QStringLiteral("debug");
    case LogLevel::kInfo:
      return QStringLiteral("info");
    case LogLevel::kWarning:
      return QStringLiteral("warning");
    case LogLevel::kError:
      return QStringLiteral("error");
  }
  return {};
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const LogEntry& e = m_entries[static_cast<size_t>(index.row())];
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case TimeColumn:
        return e.time.toString(QStringLiteral("HH:mm:ss.zzz"));
      case LevelColumn:
        return levelName(e.level);
      case SourceColumn:
        return e.source;
      case MessageColumn:
        return e.message;
      default:
        return {};
    }
  }
  if (role == Qt::UserRole) return static_cast<int>(e.level);
  return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case TimeColumn:
      return tr("Time");
    case LevelColumn:
      return tr("Level");
    case SourceColumn:
      return tr("Source");
    case MessageColumn:
      return tr("Message");
    default:
      return {};
  }
}

void LogModel::append(LogLevel level, const QString& source, const QString& message) {
  if (static_cast<int>(m_entries.size()) >= m_maxEntries) {
    beginRemoveRows({}, 0, 0);
    m_entries.pop_front();
    ++m_dropped;
    endRemoveRows();
  }
  const int row = static_cast<int>(m_entries.size());
  beginInsertRows({}, row, row);
  m_entries.push_back(LogEntry{QDateTime::currentDateTime(), level, source, message});
  endInsertRows();
  Q_EMIT entryAdded(m_entries.back());
}

void LogModel::clear() {
  beginResetModel();
  m_entries.clear();
  endResetModel();
}

}  // namespace tinyscope
