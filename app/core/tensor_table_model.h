#pragma once
// TensorTableModel: a model's tensors — index, name, type and shape, quantization, producer —
// and, after a device run, the comparison metrics of `compare` for each compared tensor
// (exact matches, max and mean |Δ| in quantized steps, cosine, SNR, relative L2). The tensor
// of the first diverging operator has a red background; every differing tensor is in red.
//
// Ownership: copies what it shows. Thread: GUI thread. No errors: a tensor without data on
// both sides shows the comparator's note.
#include <QAbstractTableModel>
#include <QVector>

#include "app/core/workbench.h"

namespace tinyscope {

class TensorTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    kIndex,
    kName,
    kShape,
    kQuantization,
    kProducer,
    kExact,
    kMaxAbs,
    kMeanAbs,
    kCosine,
    kSnr,
    kColumnCount
  };

  explicit TensorTableModel(QObject* parent = nullptr);

  void setModel(const runner::host::ModelSummary& summary);
  void setComparison(const runner::host::DumpComparison& comparison);
  void clearComparison();

  // Row of tensor `index` (rows are in tensor order), -1 when out of range.
  int rowOfTensor(int tensorIndex) const;
  int tensorAt(int row) const;
  // The tensor the first diverging operator produced, -1 when none.
  int firstDivergingTensor() const { return m_firstDiverging; }
  bool differs(int tensorIndex) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  QVector<runner::host::GraphTensor> m_tensors;
  QVector<runner::host::TensorComparison> m_compared;  // by tensor index; compared=false: none
  int m_firstDiverging = -1;
};

}  // namespace tinyscope
