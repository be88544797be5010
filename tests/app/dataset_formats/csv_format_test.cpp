// CSV. Edge Impulse's flavour (docs.edgeimpulse.com CSV data acquisition format and the
// example-data-collection-csv repository): "for multi-axis time-series data the first column
// must be the timestamp (in milliseconds)", "each row should be a single reading", header
// "timestamp,accX,accY,accZ". tinyscope's flavour: "timestamp_us" (device microseconds) and
// "name[units]" per axis. The timestamp column is never a channel; irregular timestamps give
// gaps, not a resample.
#include <gtest/gtest.h>

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>

#include "app/core/dataset/formats/csv_format.h"

using namespace tinyscope::dataset::formats;

namespace {

Recording imuWithGap() {
  Recording r;
  r.name = QStringLiteral("walk");
  r.label = QStringLiteral("walk");
  r.intervalMs = 10;
  r.firstTimestampUs = 1000000000ull;
  r.axes = {{QStringLiteral("accX"), QStringLiteral("m/s2")},
            {QStringLiteral("gyrZ"), QStringLiteral("deg/s")}};
  for (int f = 0; f < 8; ++f) r.values << f * 0.5 << -f * 1.25e-3;
  r.gaps = {{3, 1000055000ull, 25000}};  // frame 3 came 35 ms after frame 2
  return r;
}

void expectRefused(const FormatResult<Recording>& r, const char* where) {
  ASSERT_FALSE(r.ok()) << "accepted";
  EXPECT_TRUE(r.error.startsWith(QLatin1String("bad.csv"))) << r.error.toStdString();
  EXPECT_NE(r.error.indexOf(QLatin1String(where)), -1) << r.error.toStdString();
}

}  // namespace

TEST(Csv, ReadsEdgeImpulsesDocumentedExample) {
  QFile file(QStringLiteral(TINYSCOPE_FORMATS_DATA "/ei_doc.csv"));
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const auto r = parseCsv(file.readAll(), QStringLiteral("shake.ei_doc.csv"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.axes.size(), 3);  // timestamp is not a channel
  EXPECT_EQ(r.value.axes[0].name, QStringLiteral("accX"));
  EXPECT_EQ(r.value.frameCount(), 6);
  EXPECT_DOUBLE_EQ(r.value.intervalMs, 16);
  EXPECT_TRUE(r.value.gaps.isEmpty());
  EXPECT_DOUBLE_EQ(r.value.value(5, 2), -19.98305510341230);
  EXPECT_EQ(r.value.label, QStringLiteral("shake"));
}

TEST(Csv, TinyscopeFlavourKeepsUnitsTimestampsAndGaps) {
  const Recording rec = imuWithGap();
  const auto bytes = encodeCsv(rec, CsvFlavour::kTinyscope);
  ASSERT_TRUE(bytes.ok()) << bytes.error.toStdString();
  EXPECT_TRUE(bytes.value.startsWith("timestamp_us,accX[m/s2],gyrZ[deg/s]\n1000000000,0,"));
  const auto back = parseCsv(bytes.value, QStringLiteral("walk.walk.csv"));
  ASSERT_TRUE(back.ok()) << back.error.toStdString();
  EXPECT_EQ(back.value.axes[1].name, QStringLiteral("gyrZ"));
  EXPECT_EQ(back.value.axes[1].units, QStringLiteral("deg/s"));
  EXPECT_EQ(back.value.values, rec.values);
  EXPECT_DOUBLE_EQ(back.value.intervalMs, 10);
  EXPECT_EQ(back.value.firstTimestampUs, rec.firstTimestampUs);
  ASSERT_EQ(back.value.gaps.size(), 1);
  EXPECT_EQ(back.value.gaps[0].sample, 3);
  EXPECT_EQ(back.value.gaps[0].lostUs, 25000);
  EXPECT_EQ(back.value.gaps[0].timestampUs, rec.timestampUsOf(3));
}

TEST(Csv, EdgeImpulseFlavourRoundTrips) {
  Recording rec = imuWithGap();
  rec.gaps.clear();
  rec.intervalMs = 16;
  const auto bytes = encodeCsv(rec, CsvFlavour::kEdgeImpulse);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(bytes.value.startsWith("timestamp,accX,gyrZ\n0,0,0\n16,0.5,-0.00125\n"));
  const auto back = parseCsv(bytes.value, QStringLiteral("x.csv"));
  ASSERT_TRUE(back.ok()) << back.error.toStdString();
  EXPECT_EQ(back.value.values, rec.values);
  EXPECT_DOUBLE_EQ(back.value.intervalMs, 16);
}

TEST(Csv, WriterIsIncrementalHeaderOnceThenRows) {
  QByteArray out;
  QBuffer buffer(&out);
  buffer.open(QIODevice::WriteOnly);
  CsvWriter writer(&buffer, CsvFlavour::kTinyscope, {{QStringLiteral("mic"), QStringLiteral("")}});
  ASSERT_TRUE(writer.writeHeader());
  for (int i = 0; i < 4; ++i) {
    const double v = i;
    ASSERT_TRUE(writer.writeRow(5000 + 62 * static_cast<quint64>(i), &v, 1));
  }
  const double two[2] = {1, 2};
  EXPECT_FALSE(writer.writeRow(9999, two, 2));
  EXPECT_FALSE(writer.error().isEmpty());
  EXPECT_EQ(out, QByteArray("timestamp_us,mic\n5000,0\n5062,1\n5124,2\n5186,3\n"));
}

TEST(Csv, IrregularTimestampsBecomeGapsNotResamples) {
  const auto r =
      parseCsv("timestamp,x\n0,1\n10,2\n20,3\n50,4\n60,5\n61,6\n", QStringLiteral("g.csv"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_EQ(r.value.frameCount(), 6);  // every row kept, none invented
  ASSERT_EQ(r.value.gaps.size(), 1);
  EXPECT_EQ(r.value.gaps[0].sample, 3);
  EXPECT_EQ(r.value.gaps[0].timestampUs, 50000u);
}

TEST(Csv, LabelColumnBecomesSegmentsAndSemicolonsTakeCommaDecimals) {
  auto r = parseCsv("timestamp;x;label\n0;1,5;idle\n10;2,5;idle\n20;3;wave\n30;4;\n",
                    QStringLiteral("l.csv"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_EQ(r.value.axes.size(), 1);
  EXPECT_DOUBLE_EQ(r.value.value(0, 0), 1.5);
  ASSERT_EQ(r.value.segments.size(), 2);
  EXPECT_EQ(r.value.segments[0].end, 2);
  EXPECT_EQ(r.value.segments[1].label, QStringLiteral("wave"));
  r = parseCsv("timestamp,x,label\n0,1,up\n10,2,up\n", QStringLiteral("l.csv"));
  EXPECT_EQ(r.value.label, QStringLiteral("up"));
  EXPECT_TRUE(r.value.segments.isEmpty());
}

TEST(Csv, PhoneAppHeadersWithUnitsInParenthesesAndTwoClocks) {
  // phyphox writes "Time (s)" and "Acceleration x (m/s^2)" with quoted header cells.
  auto r = parseCsv("\"Time (s)\",\"Acceleration x (m/s^2)\"\n0.00,1.5E-1\n0.01,2.5E-1\n",
                    QStringLiteral("p.csv"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.axes.size(), 1);
  EXPECT_EQ(r.value.axes[0].name, QStringLiteral("Acceleration x"));
  EXPECT_EQ(r.value.axes[0].units, QStringLiteral("m/s^2"));
  EXPECT_DOUBLE_EQ(r.value.intervalMs, 10);
  // Two clock columns: the first times the rows, neither becomes a channel.
  r = parseCsv("seconds_elapsed,timestamp_us,z\n0,5,1\n0.5,500005,2\n", QStringLiteral("s.csv"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.axes.size(), 1);
  EXPECT_DOUBLE_EQ(r.value.intervalMs, 500);
}

TEST(Csv, FileHelpersWriteAndReadBack) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("walk.1.csv"));
  ASSERT_TRUE(writeCsvFile(path, imuWithGap(), CsvFlavour::kTinyscope).isEmpty());
  const auto r = readCsvFile(path);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_EQ(r.value.label, QStringLiteral("walk"));
  EXPECT_EQ(r.value.frameCount(), 8);
}

TEST(CsvHostile, InconsistentFilesGetOneErrorNamingTheLine) {
  const QString f = QStringLiteral("bad.csv");
  expectRefused(parseCsv("timestamp,x,y\n0,1,2\n10,1\n", f), "line 3");
  expectRefused(parseCsv("timestamp,x\n0,1\n10,abc\n", f), "line 3, column 2 (x)");
  expectRefused(parseCsv("timestamp,x\n0,1\n10,2\n10,3\n", f), "line 4");
  expectRefused(parseCsv("timestamp,x\n0,1\n10,2\n5,3\n", f), "line 4");
  expectRefused(parseCsv("0,1\n10,2\n", f), "not a header");
  expectRefused(parseCsv("x,y\n1,2\n", f), "no timestamp column");
  expectRefused(parseCsv("", f), "no header");
  expectRefused(parseCsv("timestamp,x\n", f), "no data rows");
  expectRefused(parseCsv("timestamp,x\n0,1\n", f), "one row");
  expectRefused(parseCsv("timestamp,x\n0,nan\n10,1\n", f), "line 2");
  CsvReadOptions options;
  options.expectedRateHz = 100;
  expectRefused(parseCsv("timestamp,x\n0,1\n20,2\n40,3\n", f, options), "50 Hz");
  EXPECT_TRUE(parseCsv("timestamp,x\n0,1\n10,2\n20,3\n", f, options).ok());
  const auto noTime = parseCsv("x\n1\n2\n", f, options);  // a rate given: no timestamps needed
  ASSERT_TRUE(noTime.ok());
  EXPECT_DOUBLE_EQ(noTime.value.intervalMs, 10);
}
