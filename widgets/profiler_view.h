#pragma once
// ProfilerView: per-operator latency of the last inference (device and, when known,
// desktop), with a bar per operator and the arena figures. GUI thread only.
#include <QString>
#include <QVector>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace tinyscope::ui {

struct ProfileRow {
  int index = 0;
  QString op;
  double deviceUs = -1;  // < 0: unknown
  double desktopUs = -1;
};

class ProfilerView : public QWidget {
  Q_OBJECT
 public:
  explicit ProfilerView(QWidget* parent = nullptr);
  void showProfile(const QVector<ProfileRow>& rows, const QString& summary);
  int rowCount() const;

 private:
  QLabel* m_summary;
  QTableWidget* m_table;
};

}  // namespace tinyscope::ui
