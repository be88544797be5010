#pragma once
// OperatorTableModel: a model's operators as a table — index, operator, MACs, first output,
// device and desktop µs of the last run, and whether device and desktop agree on its outputs.
// The first diverging operator (DumpComparison::firstDivergingOp) has a red background; every
// operator with a differing output is written in red.
//
// Ownership: copies what it shows (a few hundred bytes per operator). Thread: GUI thread.
// No errors: an operator the report does not name shows "–".
#include <QAbstractTableModel>
#include <QVector>

#include "app/core/workbench.h"

namespace tinyscope {

class OperatorTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kIndex, kOperator, kMacs, kOutput, kDeviceUs, kDesktopUs, kMatch, kColumnCount };
  // Per-operator agreement of the last comparison.
  enum class Match { kUnknown, kIdentical, kDiffers };

  explicit OperatorTableModel(QObject* parent = nullptr);

  // A new model: its operators, no run.
  void setModel(const runner::host::ModelSummary& summary);
  // The last run's times and comparison (an error report clears them).
  void setReport(const RunReport& report);
  void clearReport();

  Match opMatch(int op) const;
  int firstDivergingOp() const { return m_firstDiverging; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    QString op;
    quint64 macs = 0;
    QString output;
    bool supported = true;
    double deviceUs = -1;  // < 0: unknown
    double desktopUs = -1;
    Match match = Match::kUnknown;
  };
  QVector<Row> m_rows;
  int m_firstDiverging = -1;
};

// "int8 [1,49,10,1]".
QString tensorShapeText(const runner::host::GraphTensor& tensor);

}  // namespace tinyscope
