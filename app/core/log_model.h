#pragma once
// LogModel: the one place drivers, sessions and jobs report what happened. Drivers never
// open dialogs; they append here and views show it.
// Thread: owned by and called from the thread it lives in (the GUI thread in tinyscope);
// other threads post through a queued connection to append().
// Memory: bounded; beyond maxEntries the oldest entries are dropped and counted.
#include <QAbstractListModel>
#include <QDateTime>
#include <QString>
#include <deque>

namespace tinyscope {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

struct LogEntry {
  QDateTime time;
  LogLevel level = LogLevel::kInfo;
  QString source;   // "serial:/dev/ttyACM0", "runner", ...
  QString message;  // one sentence naming what is at fault
};

class LogModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Column { TimeColumn, LevelColumn, SourceColumn, MessageColumn, ColumnCount };
  explicit LogModel(int maxEntries = 10000, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  const LogEntry& entry(int row) const { return m_entries[static_cast<size_t>(row)]; }
  quint64 droppedCount() const { return m_dropped; }
  static QString levelName(LogLevel level);

 public Q_SLOTS:
  void append(tinyscope::LogLevel level, const QString& source, const QString& message);
  void clear();

 Q_SIGNALS:
  void entryAdded(const tinyscope::LogEntry& entry);

 private:
  std::deque<LogEntry> m_entries;
  int m_maxEntries;
  quint64 m_dropped = 0;
};

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::LogLevel)
Q_DECLARE_METATYPE(tinyscope::LogEntry)
