#include "app/core/sample_list_model.h"

#include <QDateTime>
#include <algorithm>

#include "app/core/dataset/dataset_store.h"

namespace tinyscope {

SampleListModel::SampleListModel(QObject* parent) : QAbstractTableModel(parent) {}

void SampleListModel::setStore(dataset::DatasetStore* store) {
  m_store = store;
  reload(0);
}

void SampleListModel::setFilter(const dataset::SampleFilter& filter) {
  m_filter = filter;
  reload(0);
}

void SampleListModel::refresh() {
  reload(static_cast<int>(m_rows.size()));
}

void SampleListModel::reload(int keepRows) {
  m_fetching = true;
  beginResetModel();
  m_rows.clear();
  m_total = 0;
  m_error.clear();
  if (m_store) {
    QString error;
    m_total = std::max<qint64>(0, m_store->countSamples(m_filter, &error));
    if (!error.isEmpty()) m_error = error;
    if (keepRows > 0) m_rows = fetchPage(0, keepRows);
  }
  m_fetching = false;
  endResetModel();
}

QVector<dataset::SampleRecord> SampleListModel::fetchPage(int offset, int count) {
  // Appending after the rows held continues after the last id (cheap at any depth); anything
  // else pages by offset.
  dataset::SamplePage page;
  page.limit = count;
  if (offset > 0 && offset == m_rows.size())
    page.afterId = m_rows.back().id;
  else
    page.offset = offset;
  QString error;
  QVector<dataset::SampleRecord> rows = m_store->listSamples(m_filter, page, &error);
  if (!error.isEmpty()) {
    m_error = error;
    return {};
  }
  return rows;
}

const dataset::SampleRecord* SampleListModel::record(int row) const {
  return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int SampleListModel::rowOf(qint64 sampleId) const {
  for (int r = 0; r < m_rows.size(); ++r)
    if (m_rows[r].id == sampleId) return r;
  return -1;
}

int SampleListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : m_rows.size();
}

int SampleListModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

bool SampleListModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && m_store && !m_fetching && m_rows.size() < m_total &&
         m_error.isEmpty();
}

void SampleListModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  const QVector<dataset::SampleRecord> page = fetchPage(m_rows.size(), kPage);
  if (page.isEmpty()) return;
  m_fetching = true;  // a view may ask for more while the rows go in
  beginInsertRows({}, m_rows.size(), m_rows.size() + page.size() - 1);
  m_rows += page;
  endInsertRows();
  m_fetching = false;
}

QVariant SampleListModel::data(const QModelIndex& index, int role) const {
  const dataset::SampleRecord* r = index.isValid() ? record(index.row()) : nullptr;
  if (!r) return {};
  if (role == kIdRole) return r->id;
  if (role == Qt::TextAlignmentRole && index.column() == kSeconds)
    return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  switch (index.column()) {
    case kName:
      return role == Qt::ToolTipRole
                 ? QStringLiteral("%1\n%2\ncreated %3")
                       .arg(r->name, r->file,
                            QDateTime::fromMSecsSinceEpoch(r->createdMs).toString(Qt::ISODate))
                 : r->name;
    case kLabels:
      return r->labels.isEmpty() ? (role == Qt::ToolTipRole ? tr("no label") : QString())
                                 : r->labels.join(QStringLiteral(", "));
    case kSplit:
      return dataset::splitName(r->split);
    case kSeconds:
      return r->rateHz > 0 ? QString::number(static_cast<double>(r->frames) / r->rateHz, 'f', 2)
                           : QString();
    case kSensor:
      return role == Qt::ToolTipRole ? QStringLiteral("%1: %2 at %3 Hz")
                                           .arg(r->sensor, r->axes.join(QStringLiteral(", ")))
                                           .arg(r->rateHz)
                                     : r->sensor;
    case kDevice:
      return r->device;
    case kSession:
      return r->sessionId > 0 ? QVariant(r->sessionId) : QVariant(QString());
    default:
      return {};
  }
}

QVariant SampleListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Name");
    case kLabels:
      return tr("Labels");
    case kSplit:
      return tr("Split");
    case kSeconds:
      return tr("Seconds");
    case kSensor:
      return tr("Sensor");
    case kDevice:
      return tr("Device");
    case kSession:
      return tr("Session");
    default:
      return {};
  }
}

}  // namespace tinyscope
