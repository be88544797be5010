// SampleListModel over a real dataset folder: rows arrive a page at a time through
// canFetchMore/fetchMore, filters narrow the listing, and QAbstractItemModelTester watches
// every reset and insertion.
#include "app/core/sample_list_model.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QSet>
#include <QTemporaryDir>

#include "app/core/dataset/dataset_store.h"

using namespace tinyscope;

namespace {

// n samples of 16 frames; sample i is labelled "even"/"odd", every third one is in the test split.
std::unique_ptr<dataset::DatasetStore> makeDataset(const QString& dir, int n) {
  QString error;
  auto store = dataset::DatasetStore::create(dir, &error);
  if (!store) return nullptr;
  QVector<dataset::DatasetStore::NewSample> batch;
  for (int i = 0; i < n; ++i) {
    dataset::DatasetStore::NewSample s;
    s.spec.name = QStringLiteral("s%1").arg(i, 4, 10, QLatin1Char('0'));
    s.spec.sensor = QStringLiteral("imu");
    s.spec.axes = QStringList{"x"};
    s.spec.units = QStringList{"g"};
    s.spec.rateHz = 100;
    s.spec.labels << (i % 2 ? QStringLiteral("odd") : QStringLiteral("even"));
    s.spec.split = i % 3 == 0 ? dataset::Split::kTest : dataset::Split::kTrain;
    QVector<qint16> frames(16, static_cast<qint16>(i));
    s.frames = QByteArray(reinterpret_cast<const char*>(frames.constData()), 32);
    batch.append(s);
  }
  if (store->addSamples(batch, &error).size() != n) return nullptr;
  return store;
}

}  // namespace

TEST(SampleListModel, RowsArriveAPageAtATimeAndFiltersNarrowThem) {
  QTemporaryDir dir;
  auto store = makeDataset(dir.path() + "/ds", 250);
  ASSERT_TRUE(store);
  SampleListModel model;
  model.setStore(store.get());
  EXPECT_EQ(model.totalCount(), 250);
  EXPECT_EQ(model.rowCount(), 0);
  ASSERT_TRUE(model.canFetchMore({}));
  model.fetchMore({});
  EXPECT_EQ(model.rowCount(), SampleListModel::kPage);
  // From here on the tester watches (it also fetches, as a view would).
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  while (model.canFetchMore({})) model.fetchMore({});
  EXPECT_EQ(model.rowCount(), 250);
  QSet<qint64> ids;
  for (int r = 0; r < model.rowCount(); ++r) ids.insert(model.record(r)->id);
  EXPECT_EQ(ids.size(), 250);
  EXPECT_EQ(model.data(model.index(7, SampleListModel::kName), Qt::DisplayRole), "s0007");
  EXPECT_EQ(model.data(model.index(7, SampleListModel::kLabels), Qt::DisplayRole), "odd");
  EXPECT_EQ(model.data(model.index(6, SampleListModel::kSplit), Qt::DisplayRole), "test");
  EXPECT_EQ(model.data(model.index(7, SampleListModel::kSeconds), Qt::DisplayRole), "0.16");
  const qint64 id7 = model.data(model.index(7, 0), SampleListModel::kIdRole).toLongLong();
  EXPECT_EQ(model.rowOf(id7), 7);

  dataset::SampleFilter odd;
  odd.labels << "odd";
  model.setFilter(odd);
  EXPECT_EQ(model.totalCount(), 125);
  while (model.canFetchMore({})) model.fetchMore({});
  EXPECT_EQ(model.rowCount(), 125);

  dataset::SampleFilter test;
  test.hasSplit = true;
  test.split = dataset::Split::kTest;
  model.setFilter(test);
  EXPECT_EQ(model.totalCount(), 84);

  // refresh() keeps what was fetched.
  model.setFilter({});
  const int fetched = model.rowCount();
  model.refresh();
  EXPECT_GE(model.rowCount(), fetched);
  model.setStore(nullptr);
  EXPECT_EQ(model.rowCount(), 0);
  EXPECT_FALSE(model.canFetchMore({}));
}
