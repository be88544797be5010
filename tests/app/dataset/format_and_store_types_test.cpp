// The formats' value types and the store's share a namespace and two names (Segment, Gap), and
// tinyscope-cli links both libraries: with one mangled name per type, the two QVector<Segment>
// instantiations (different layouts) were merged by the linker. They must stay two types.
#include <gtest/gtest.h>

#include <QVector>
#include <type_traits>
#include <utility>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/formats/recording.h"

namespace ds = tinyscope::dataset;

// With both headers seen, "dataset::Segment" names both types: take the store's from its API.
using StoreSegment =
    decltype(std::declval<const ds::DatasetStore&>().segments(0, nullptr))::value_type;
using StoreGap = decltype(ds::SampleSpec::gaps)::value_type;
static_assert(!std::is_same_v<ds::formats::Segment, StoreSegment>);
static_assert(!std::is_same_v<ds::formats::Gap, StoreGap>);

TEST(FormatAndStoreTypes, BothSegmentVectorsKeepTheirOwnLayout) {
  QVector<StoreSegment> rows;
  StoreSegment row;
  row.id = 7;
  row.label = QStringLiteral("store");
  row.start = 1;
  row.end = 9;
  rows.append(row);
  rows.append(row);
  QVector<ds::formats::Segment> labels;
  labels.append(ds::formats::Segment{2, 4, QStringLiteral("file")});
  labels.append(ds::formats::Segment{5, 5, QStringLiteral("point")});
  rows.resize(3);
  labels.resize(3);
  EXPECT_EQ(rows[1].label, "store");
  EXPECT_EQ(rows[1].end, 9);
  EXPECT_EQ(labels[1].label, "point");
  EXPECT_TRUE(labels[1].isPoint());
  EXPECT_EQ(rows[2].label, QString());
  EXPECT_EQ(labels[2].end, 0);
  EXPECT_NE(sizeof(StoreSegment), sizeof(ds::formats::Segment));
}
