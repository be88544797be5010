#pragma once
// SampleListModel: the samples of a dataset that match a filter, as a table (name, labels,
// split, duration, sensor, device, session). Rows arrive lazily: rowCount() grows by kPage
// through canFetchMore()/fetchMore() as a view scrolls, so a large dataset costs only what
// is shown. fetchPage() is the one place that asks the store for rows.
//
// Ownership: borrows the DatasetStore (setStore), which must outlive the model or be
// replaced first. Thread: the store's thread (the GUI thread in tinyscope). Memory: the
// fetched rows (~300 bytes each). Errors: a failing query leaves the rows fetched so far and
// sets lastError() (one sentence from the store).
#include <QAbstractTableModel>
#include <QVector>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope {

namespace dataset {
class DatasetStore;
}

class SampleListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kName, kLabels, kSplit, kSeconds, kSensor, kDevice, kSession, kColumnCount };
  static constexpr int kPage = 200;
  static constexpr int kIdRole = Qt::UserRole + 1;

  explicit SampleListModel(QObject* parent = nullptr);

  // nullptr empties the model.
  void setStore(dataset::DatasetStore* store);
  void setFilter(const dataset::SampleFilter& filter);
  const dataset::SampleFilter& filter() const { return m_filter; }
  // Reads the listing again (after an edit), keeping as many rows as were fetched.
  void refresh();

  // Samples matching the filter (all of them, fetched or not).
  qint64 totalCount() const { return m_total; }
  const dataset::SampleRecord* record(int row) const;
  int rowOf(qint64 sampleId) const;  // -1 when not fetched
  const QString& lastError() const { return m_error; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;

 private:
  // Rows [offset, offset + count) of the filtered listing.
  QVector<dataset::SampleRecord> fetchPage(int offset, int count);
  void reload(int keepRows);

  dataset::DatasetStore* m_store = nullptr;
  dataset::SampleFilter m_filter;
  QVector<dataset::SampleRecord> m_rows;
  qint64 m_total = 0;
  QString m_error;
  bool m_fetching = false;
};

}  // namespace tinyscope
