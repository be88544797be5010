#pragma once
// TensorComparisonModel: device vs desktop, one row per compared tensor, with the metrics of
// `tinyscope-cli compare` (exact share, max and mean |Δ| in quantized steps, cosine, SNR). The
// first divergent tensor (lowest producing operator among those that differ) is highlighted;
// rows that differ are red.
//
// Thread: GUI thread. Memory: a copy of the metrics (no tensor data).
#include <QAbstractTableModel>
#include <vector>

#include "model_runner/host/tensor_comparator.h"

namespace tinyscope {

class TensorComparisonModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    kTensorColumn,
    kOpColumn,
    kOpNameColumn,
    kElementsColumn,
    kExactColumn,
    kMaxDiffColumn,
    kMeanDiffColumn,
    kCosineColumn,
    kSnrColumn,
    kNameColumn,
    kColumnCount
  };
  static constexpr int kFirstDivergentRole = Qt::UserRole + 1;  // bool

  explicit TensorComparisonModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  // Shows the compared tensors of `tensors`; `firstDivergentTensor` (-1: none) is highlighted.
  void setComparison(const std::vector<runner::host::TensorComparison>& tensors,
                     int firstDivergentTensor);
  void clear();
  // The row of the first divergent tensor, -1 when every tensor matches.
  int firstDivergentRow() const { return m_firstRow; }

 private:
  std::vector<runner::host::TensorComparison> m_rows;
  int m_firstRow = -1;
};

}  // namespace tinyscope
