// Edge Impulse export folders ("Edge Impulse labels" / info.labels, docs.edgeimpulse.com):
// training/ and testing/ hold the samples; info.labels (at the root or in each subfolder) is
// {"version": 1, "files": [{path, name, category, label: {type: "label"|"multi-label"|
// "unlabeled", label | labels: [{label, startIndex, endIndex}]}, metadata}]}. Multi-label
// ranges leave no frame out: "the next segment after endIndex 300 needs to be startIndex
// 301", so endIndex is inclusive. Without info.labels the uploader takes the label from the
// file name ("idle.01" yields "idle").
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "app/core/dataset/formats/csv_format.h"
#include "app/core/dataset/formats/ei_folder.h"

using namespace tinyscope::dataset::formats;

namespace {

const QString kFolder = QStringLiteral(TINYSCOPE_FORMATS_DATA "/ei_export");

const Recording* byName(const QVector<EiFolderSample>& samples, const QString& name) {
  for (const EiFolderSample& s : samples)
    if (s.recording.name == name) return &s.recording;
  return nullptr;
}

void write(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).path());
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(bytes);
}

QString copyFixtureWithLabels(const QTemporaryDir& dir, const QByteArray& labels) {
  for (const char* f : {"training/idle.01.json", "testing/sample_1.json", "training/0.5.csv"}) {
    QFile in(kFolder + QLatin1Char('/') + QLatin1String(f));
    in.open(QIODevice::ReadOnly);
    write(dir.filePath(QLatin1String(f)), in.readAll());
  }
  write(dir.filePath(QStringLiteral("info.labels")), labels);
  return dir.path();
}

}  // namespace

TEST(EiFolder, ReadsInfoLabelsWithEveryLabelType) {
  const auto r = readEiFolder(kFolder);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.size(), 3);
  const Recording* idle = byName(r.value, QStringLiteral("idle.01"));
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->label, QStringLiteral("idle"));
  EXPECT_EQ(idle->category, QStringLiteral("training"));
  EXPECT_EQ(idle->metadata.value(QStringLiteral("site_collected")).toString(),
            QStringLiteral("Amsterdam"));
  const Recording* multi = byName(r.value, QStringLiteral("sample_1"));
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->category, QStringLiteral("testing"));
  EXPECT_TRUE(multi->label.isEmpty());
  ASSERT_EQ(multi->segments.size(), 2);
  EXPECT_EQ(multi->segments[0].start, 0);
  EXPECT_EQ(multi->segments[0].end, 3);  // endIndex 2 inclusive
  EXPECT_EQ(multi->segments[1].start, 3);
  EXPECT_EQ(multi->segments[1].end, 6);  // endIndex 5 = the last of 6 frames
  const Recording* csv = byName(r.value, QStringLiteral("5"));
  ASSERT_TRUE(csv);
  EXPECT_TRUE(csv->label.isEmpty());  // "unlabeled" wins over the file name's "0"
  EXPECT_EQ(csv->frameCount(), 3);
}

TEST(EiFolder, WritesAFolderThatReadsBackTheSame) {
  const auto original = readEiFolder(kFolder);
  ASSERT_TRUE(original.ok());
  QVector<Recording> recs;
  for (const auto& s : original.value) recs << s.recording;
  QTemporaryDir dir;
  const auto written = writeEiFolder(dir.path(), recs, QStringLiteral("k"));
  ASSERT_TRUE(written.ok()) << written.error.toStdString();
  EXPECT_TRUE(written.value.contains(QStringLiteral("info.labels")));
  EXPECT_TRUE(written.value.contains(QStringLiteral("training/idle.idle.01.json")));
  const auto back = readEiFolder(dir.path(), QStringLiteral("k"));
  ASSERT_TRUE(back.ok()) << back.error.toStdString();
  ASSERT_EQ(back.value.size(), recs.size());
  for (const Recording& rec : recs) {
    const Recording* b = byName(back.value, rec.name);
    ASSERT_TRUE(b) << rec.name.toStdString();
    EXPECT_EQ(b->label, rec.label);
    EXPECT_EQ(b->category, rec.category);
    EXPECT_EQ(b->values, rec.values);
    EXPECT_EQ(b->segments.size(), rec.segments.size());
  }
  for (const auto& s : back.value) EXPECT_EQ(s.signature, SignatureStatus::kVerified);
}

TEST(EiFolder, WithoutInfoLabelsLabelsComeFromFileNames) {
  QTemporaryDir dir;
  QFile in(QStringLiteral(TINYSCOPE_FORMATS_DATA "/ei_doc_example.json"));
  ASSERT_TRUE(in.open(QIODevice::ReadOnly));
  write(dir.filePath(QStringLiteral("training/wave.s1.json")), in.readAll());
  write(dir.filePath(QStringLiteral("testing/idle.s2.csv")), "timestamp,x\n0,1\n10,2\n");
  const auto r = readEiFolder(dir.path());
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.size(), 2);
  const Recording* wave = byName(r.value, QStringLiteral("s1"));
  ASSERT_TRUE(wave);
  EXPECT_EQ(wave->label, QStringLiteral("wave"));
  EXPECT_EQ(wave->category, QStringLiteral("training"));
  const Recording* idle = byName(r.value, QStringLiteral("s2"));
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->label, QStringLiteral("idle"));
  EXPECT_EQ(idle->category, QStringLiteral("testing"));
}

TEST(EiFolder, MultiLabelExportFillsWithTheWholeLabelAndRefusesOverlaps) {
  Recording rec;
  rec.name = QStringLiteral("s");
  rec.label = QStringLiteral("noise");
  rec.intervalMs = 1;
  rec.axes = {{QStringLiteral("x"), {}}};
  rec.values = QVector<double>(10, 0.0);
  rec.segments = {{2, 5, QStringLiteral("knock")}};
  QTemporaryDir dir;
  ASSERT_TRUE(writeEiFolder(dir.path(), {rec}).ok());
  QFile labels(dir.filePath(QStringLiteral("info.labels")));
  ASSERT_TRUE(labels.open(QIODevice::ReadOnly));
  const auto entries = parseInfoLabels(labels.readAll(), QStringLiteral("info.labels"));
  ASSERT_TRUE(entries.ok());
  const auto& ranges = entries.value[0].ranges;
  ASSERT_EQ(ranges.size(), 3);
  EXPECT_EQ(ranges[0].endIndex, 1);
  EXPECT_EQ(ranges[1].startIndex, 2);
  EXPECT_EQ(ranges[1].endIndex, 4);
  EXPECT_EQ(ranges[2].startIndex, 5);
  EXPECT_EQ(ranges[2].endIndex, 9);
  rec.segments << Segment{4, 6, QStringLiteral("overlap")};
  const auto refused = writeEiFolder(dir.path(), {rec});
  EXPECT_NE(refused.error.indexOf(QLatin1String("overlaps")), -1) << refused.error.toStdString();
  rec.segments = {{2, 5, QStringLiteral("knock")}};
  rec.label.clear();
  EXPECT_NE(writeEiFolder(dir.path(), {rec}).error.indexOf(QLatin1String("no label")), -1);
}

// A multi-label sample keeps the whole-sample label its file name states, besides its ranges.
// info.labels as Edge Impulse's export writes it: pretty-printed, every entry with path, name,
// category, label and (empty) metadata.
TEST(EiFolder, MultiLabelSamplesKeepTheWholeLabelOfTheirFileName) {
  QTemporaryDir dir;
  QFile in(QStringLiteral(TINYSCOPE_FORMATS_DATA "/ei_doc_example.json"));  // 4 frames
  ASSERT_TRUE(in.open(QIODevice::ReadOnly));
  const QByteArray sample = in.readAll();
  write(dir.filePath(QStringLiteral("training/yes.01.json")), sample);
  write(dir.filePath(QStringLiteral("testing/sample_2.json")), sample);
  write(dir.filePath(QStringLiteral("testing/unlabeled.03.json")), sample);
  write(dir.filePath(QStringLiteral("info.labels")), R"({
    "version": 1,
    "files": [
        {
            "path": "training/yes.01.json",
            "name": "yes.01",
            "category": "training",
            "label": {
                "type": "multi-label",
                "labels": [
                    {
                        "label": "noise",
                        "startIndex": 0,
                        "endIndex": 0
                    },
                    {
                        "label": "yes",
                        "startIndex": 1,
                        "endIndex": 2
                    },
                    {
                        "label": "noise",
                        "startIndex": 3,
                        "endIndex": 3
                    }
                ]
            },
            "metadata": {}
        },
        {
            "path": "testing/sample_2.json",
            "name": "sample_2",
            "category": "testing",
            "label": {
                "type": "multi-label",
                "labels": [
                    {
                        "label": "up",
                        "startIndex": 0,
                        "endIndex": 3
                    }
                ]
            },
            "metadata": {}
        },
        {
            "path": "testing/unlabeled.03.json",
            "name": "03",
            "category": "testing",
            "label": {
                "type": "multi-label",
                "labels": [
                    {
                        "label": "down",
                        "startIndex": 0,
                        "endIndex": 3
                    }
                ]
            },
            "metadata": {}
        }
    ]
})");
  const auto r = readEiFolder(dir.path());
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.size(), 3);
  const Recording* yes = byName(r.value, QStringLiteral("yes.01"));
  ASSERT_TRUE(yes);
  EXPECT_EQ(yes->label, QStringLiteral("yes"));  // was dropped: the ranges alone came through
  ASSERT_EQ(yes->segments.size(), 3);
  EXPECT_EQ(yes->segments[1].label, QStringLiteral("yes"));
  EXPECT_EQ(yes->segments[1].start, 1);
  EXPECT_EQ(yes->segments[1].end, 3);  // endIndex 2 inclusive
  EXPECT_EQ(yes->segments[2].end, 4);
  const Recording* plain = byName(r.value, QStringLiteral("sample_2"));
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->label.isEmpty()) << "sample_2.json states no label";
  ASSERT_EQ(plain->segments.size(), 1);
  const Recording* placeholder = byName(r.value, QStringLiteral("03"));
  ASSERT_TRUE(placeholder);
  EXPECT_TRUE(placeholder->label.isEmpty()) << "\"unlabeled.\" is the placeholder for none";
  // Written again (the whole label fills no frame: the ranges cover them all) and read back.
  QVector<Recording> recs;
  for (const auto& s : r.value) recs << s.recording;
  QTemporaryDir out;
  ASSERT_TRUE(writeEiFolder(out.path(), recs).ok());
  const auto back = readEiFolder(out.path());
  ASSERT_TRUE(back.ok()) << back.error.toStdString();
  for (const Recording& rec : recs) {
    const Recording* b = byName(back.value, rec.name);
    ASSERT_TRUE(b) << rec.name.toStdString();
    EXPECT_EQ(b->label, rec.label) << rec.name.toStdString();
    EXPECT_EQ(b->segments.size(), rec.segments.size()) << rec.name.toStdString();
  }
}

TEST(EiFolder, AnEntryWithoutALabelKeepsTheFileNamesLabel) {
  // "label (optional)": without it the uploader labels by file name; "unlabeled" is explicit.
  QTemporaryDir dir;
  const QString root = copyFixtureWithLabels(
      dir,
      R"({"version":1,"files":[{"path":"training/idle.01.json","category":"training"},)"
      R"({"path":"testing/sample_1.json","category":"testing","label":{"type":"unlabeled"}}]})");
  const auto r = readEiFolder(root);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  ASSERT_EQ(r.value.size(), 2);
  const Recording* idle = byName(r.value, QStringLiteral("01"));
  const Recording* unlabeled = byName(r.value, QStringLiteral("sample_1"));
  ASSERT_TRUE(idle && unlabeled);
  EXPECT_EQ(idle->label, QStringLiteral("idle"));
  EXPECT_TRUE(unlabeled->label.isEmpty());
}

TEST(EiFolderHostile, BadInfoLabelsGetOneErrorNamingTheField) {
  QTemporaryDir dir;
  const QByteArray base =
      R"({"version":1,"files":[{"path":"testing/sample_1.json","category":"testing",)"
      R"("label":{"type":"multi-label","labels":[{"label":"a","startIndex":0,"endIndex":6}]}}]})";
  auto r = readEiFolder(copyFixtureWithLabels(dir, base));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.indexOf(QLatin1String("label.labels[0]")), -1) << r.error.toStdString();
  EXPECT_NE(r.error.indexOf(QLatin1String("past the last frame 5")), -1) << r.error.toStdString();

  QByteArray b = base;
  r = readEiFolder(
      copyFixtureWithLabels(dir, b.replace("testing/sample_1.json", "../../etc/passwd")));
  EXPECT_NE(r.error.indexOf(QLatin1String("leaves the folder")), -1) << r.error.toStdString();
  b = base;
  r = readEiFolder(copyFixtureWithLabels(dir, b.replace("\"version\":1", "\"version\":2")));
  EXPECT_NE(r.error.indexOf(QLatin1String("version")), -1);
  b = base;
  r = readEiFolder(copyFixtureWithLabels(dir, b.replace("\"testing\",", "\"validation\",")));
  EXPECT_NE(r.error.indexOf(QLatin1String("files[0].category")), -1) << r.error.toStdString();
  b = base;
  r = readEiFolder(copyFixtureWithLabels(dir, b.replace("sample_1.json", "gone.json")));
  EXPECT_NE(r.error.indexOf(QLatin1String("missing")), -1) << r.error.toStdString();
  b = base;
  r = readEiFolder(copyFixtureWithLabels(dir, b.replace("multi-label", "bounding-box")));
  EXPECT_NE(r.error.indexOf(QLatin1String("files[0].label.type")), -1) << r.error.toStdString();
  b = base;
  r = readEiFolder(copyFixtureWithLabels(dir, b.replace("\"endIndex\":6", "\"endIndex\":-1")));
  EXPECT_NE(r.error.indexOf(QLatin1String("frame indices")), -1) << r.error.toStdString();
  r = readEiFolder(copyFixtureWithLabels(dir, R"({"version":1,"files":[],"files":[]})"));
  EXPECT_NE(r.error.indexOf(QLatin1String("duplicate key \"files\"")), -1) << r.error.toStdString();
  r = readEiFolder(copyFixtureWithLabels(dir, base.left(40)));
  EXPECT_NE(r.error.indexOf(QLatin1String("info.labels: byte")), -1) << r.error.toStdString();
  EXPECT_FALSE(readEiFolder(dir.filePath(QStringLiteral("nowhere"))).ok());
}
