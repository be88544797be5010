// tinyscope-cli dataset import / export / label-import through the real binary, on real datasets
// (real SQLite, real WAV payloads) in temporary folders. The library layer under them:
// tests/app/dataset/dataset_exchange_test.cpp.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstring>

#include "app/core/dataset/dataset_exchange.h"
#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/edit_commands.h"
#include "tests/app/dataset/dataset_test_support.h"
#include "tests/support/cli_process.h"

namespace {

namespace ds = tinyscope::dataset;

const QString kData = QStringLiteral(TINYSCOPE_SOURCE_DIR "/tests/app/dataset_formats/data");

QJsonObject json(const CliResult& r) {
  return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// What a sample is, independent of ids, file names and creation times.
struct Fingerprint {
  QString name;
  qint64 frames = 0;
  int channels = 0;
  double rateHz = 0;
  QByteArray values;  // as doubles, so types that hold the same numbers compare equal
  QString wholeLabel;
  QStringList segments;  // "label [start, end)" sorted
  QString split;
};

Fingerprint fingerprint(const ds::DatasetStore& store, const ds::SampleRecord& r) {
  Fingerprint f;
  f.name = r.name;
  f.frames = r.frames;
  f.channels = r.channels;
  f.rateHz = r.rateHz;
  f.split = ds::splitName(r.split);
  QByteArray bytes;
  QString error;
  EXPECT_TRUE(store.readFrames(r.id, &bytes, &error)) << error.toStdString();
  const int n = bytes.size() / ds::bytesPerValue(r.type);
  for (int i = 0; i < n; ++i) {
    double v = 0;
    if (r.type == ds::SampleType::kInt16) {
      qint16 x;
      std::memcpy(&x, bytes.constData() + 2 * i, 2);
      v = x;
    } else if (r.type == ds::SampleType::kInt32) {
      qint32 x;
      std::memcpy(&x, bytes.constData() + 4 * i, 4);
      v = x;
    } else {
      float x;
      std::memcpy(&x, bytes.constData() + 4 * i, 4);
      v = x;
    }
    f.values.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  for (const ds::Segment& s : store.segments(r.id, &error)) {
    if (s.whole)
      f.wholeLabel = s.label;
    else
      f.segments << QStringLiteral("%1 [%2, %3)").arg(s.label).arg(s.start).arg(s.end);
  }
  f.segments.sort();
  return f;
}

QMap<QString, Fingerprint> fingerprints(const QString& dir) {
  QString error;
  auto store = ds::DatasetStore::open(dir, &error);
  EXPECT_TRUE(store) << error.toStdString();
  QMap<QString, Fingerprint> out;
  if (!store) return out;
  for (const ds::SampleRecord& r : store->list({}, &error)) out[r.name] = fingerprint(*store, r);
  return out;
}

// A speech WAV from espeak-ng resampled to 16 kHz by sox; empty when either tool is missing.
QString speechWav(const QString& dir, const QString& word) {
  if (QStandardPaths::findExecutable("espeak-ng").isEmpty() ||
      QStandardPaths::findExecutable("sox").isEmpty())
    return {};
  const QString raw = dir + "/" + word + ".raw.wav";
  const QString out = dir + "/" + word + ".wav";
  if (QProcess::execute("espeak-ng", {"-w", raw, word}) != 0) return {};
  if (QProcess::execute("sox", {raw, "-r", "16000", "-b", "16", out}) != 0) return {};
  return out;
}

QByteArray floatFrames(int channels, int frames, float scale) {
  QByteArray out(channels * frames * 4, '\0');
  for (int i = 0; i < channels * frames; ++i) {
    const float v = scale * float((i * 37) % 101 - 50) / 10.0f;
    std::memcpy(out.data() + 4 * i, &v, 4);
  }
  return out;
}

// Three IMU samples (float32, 100 Hz, labelled, split) and two 16 kHz speech samples with a whole
// label and segments covering them; returns the dataset folder.
QString makeDataset(const QString& root) {
  const QString dir = root + "/ds";
  QString error;
  auto store = ds::DatasetStore::create(dir, &error);
  EXPECT_TRUE(store) << error.toStdString();
  for (int i = 0; i < 3; ++i) {
    ds::SampleSpec s =
        ds::testing::imuSpec(QStringLiteral("imu%1").arg(i), ds::SampleType::kFloat32);
    s.labels = QStringList{i == 1 ? "wave" : "idle"};
    s.split = i == 2 ? ds::Split::kTest : ds::Split::kTrain;
    s.deviceName = "left";
    EXPECT_GT(store->addSample(s, floatFrames(3, 200 + i, float(i + 1)), &error), 0)
        << error.toStdString();
  }
  const QStringList words{"yes", "no"};
  for (const QString& word : words) {
    const QString wav = speechWav(root, word);
    if (wav.isEmpty()) continue;
    ds::ImportOptions o;
    o.label = word;
    ds::ImportReport rep;
    EXPECT_TRUE(ds::importFiles(store.get(), {wav}, o, &rep, &error)) << error.toStdString();
    if (rep.sampleIds.isEmpty()) continue;
    ds::SampleRecord r;
    EXPECT_TRUE(store->sample(rep.sampleIds[0], &r, &error));
    const qint64 a = r.frames / 4, b = r.frames * 3 / 4;
    ds::CommandStack stack;
    EXPECT_TRUE(stack.push(ds::edits::addSegments(store.get(), r.id,
                                                  {{0, 0, "noise", false, 0, a},
                                                   {0, 0, word, false, a, b},
                                                   {0, 0, "noise", false, b, r.frames}}),
                           &error))
        << error.toStdString();
  }
  return dir;
}

// The listing and the payload folder, to show a refused import changed nothing.
QString snapshot(const QString& dir) {
  CliResult r = runCli({"dataset", "list", dir, "--json"});
  EXPECT_EQ(r.code, 0) << r.err.toStdString();
  QStringList files = QDir(dir + "/samples").entryList(QDir::Files | QDir::Hidden, QDir::Name);
  return r.out + files.join('\n');
}

void expectRefused(const QString& dir, const QStringList& args, const QString& culprit) {
  const QString before = snapshot(dir);
  CliResult r = runCli(args);
  EXPECT_EQ(r.code, 2) << args.join(' ').toStdString() << "\n" << r.out.toStdString();
  EXPECT_EQ(r.err.count('\n'), 1) << r.err.toStdString();
  EXPECT_TRUE(r.err.contains(culprit)) << r.err.toStdString();
  EXPECT_EQ(snapshot(dir), before) << args.join(' ').toStdString();
}

void expectSameData(const Fingerprint& a, const Fingerprint& b, const std::string& what) {
  EXPECT_EQ(a.frames, b.frames) << what;
  EXPECT_EQ(a.channels, b.channels) << what;
  EXPECT_EQ(a.rateHz, b.rateHz) << what;
  EXPECT_TRUE(a.values == b.values) << what;
}

class CliDatasetExchange : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_tmp.isValid());
    m_dir = makeDataset(m_tmp.path());
    m_source = fingerprints(m_dir);
    ASSERT_GE(m_source.size(), 3);
    if (m_source.size() < 5) std::cerr << "espeak-ng or sox missing: IMU samples only\n";
  }
  QString path(const QString& rel) const { return m_tmp.path() + "/" + rel; }
  // Exports to OUT in `format`, imports OUT into a fresh dataset; returns its fingerprints.
  QMap<QString, Fingerprint> roundTrip(const QString& format, const QStringList& exportExtra = {},
                                       const QStringList& importExtra = {}) {
    const QString out = path("out-" + format);
    CliResult r =
        runCli(QStringList{"dataset", "export", m_dir, "--to", out, "--format", format, "--json"} +
               exportExtra);
    EXPECT_EQ(r.code, 0) << format.toStdString() << ": " << r.err.toStdString();
    EXPECT_EQ(json(r)["samples"].toInt(), m_source.size());
    const QString back = path("back-" + format);
    r = runCli(QStringList{"dataset", "import", back, out, "--json"} + importExtra);
    EXPECT_EQ(r.code, 0) << format.toStdString() << ": " << r.err.toStdString();
    EXPECT_EQ(json(r)["imported"].toInt(), m_source.size());
    return fingerprints(back);
  }
  // Every sample comes back with the same values, rate, channels and label (and segments).
  void expectRoundTrip(const QString& format, bool segments) {
    const auto back = roundTrip(format);
    ASSERT_EQ(back.size(), m_source.size());
    for (const Fingerprint& s : m_source) {
      const std::string what = (format + " " + s.name).toStdString();
      ASSERT_TRUE(back.contains(s.name)) << what;
      expectSameData(s, back[s.name], what);
      EXPECT_EQ(back[s.name].wholeLabel, s.wholeLabel) << what;  // "<label>.<name>.<ext>"
      if (segments) EXPECT_EQ(back[s.name].segments, s.segments) << what;
    }
  }
  QTemporaryDir m_tmp;
  QString m_dir;
  QMap<QString, Fingerprint> m_source;
};

TEST_F(CliDatasetExchange, EdgeImpulseJsonAndCborKeepValuesAndLabels) {
  for (const QString format : {"ei-json", "ei-cbor"}) expectRoundTrip(format, false);
  // Unsigned export: HS256 with 64 zeros, file named <label>.<name>.json.
  QFile f(path("out-ei-json/idle.imu0.json"));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
  EXPECT_EQ(o["protected"].toObject()["alg"].toString(), "HS256");
  EXPECT_EQ(o["signature"].toString(), QString(64, '0'));
  // float32 values are written as the shortest decimal of the float: -1.3, never
  // -1.2999999523162842.
  const QJsonArray first = o["payload"].toObject()["values"].toArray().at(0).toArray();
  ASSERT_EQ(first.size(), 3);
  QFile text(path("out-ei-json/idle.imu0.json"));
  ASSERT_TRUE(text.open(QIODevice::ReadOnly));
  EXPECT_TRUE(text.readAll().contains("[-5,-1.3,2.4]"))
      << "first frame " << first.at(0).toDouble() << " " << first.at(1).toDouble();
}

TEST_F(CliDatasetExchange, EdgeImpulseFolderKeepsSplitLabelsAndSegments) {
  const auto back = roundTrip("ei-folder");
  ASSERT_EQ(back.size(), m_source.size());
  for (const Fingerprint& s : m_source) {
    const std::string what = s.name.toStdString();
    ASSERT_TRUE(back.contains(s.name)) << what;
    expectSameData(s, back[s.name], what);
    // Edge Impulse has training and testing only; unassigned samples go to training.
    EXPECT_EQ(back[s.name].split, s.split == "unassigned" ? "train" : s.split) << what;
    // Multi-label samples: the ranges are the segments, the file name's label the whole label.
    EXPECT_EQ(back[s.name].segments, s.segments) << what;
    EXPECT_EQ(back[s.name].wholeLabel, s.wholeLabel) << what;
  }
  EXPECT_TRUE(QFile::exists(path("out-ei-folder/info.labels")));
  EXPECT_EQ(
      QDir(path("out-ei-folder")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
      QStringList({"info.labels", "testing", "training"}));
  EXPECT_TRUE(QFile::exists(path("out-ei-folder/testing/idle.imu2.json")));
}

TEST_F(CliDatasetExchange, CsvKeepsSensorSamples) {
  for (const QString format : {"csv", "ei-csv"}) {
    const auto back = roundTrip(format);
    for (const Fingerprint& s : m_source) {
      if (!s.name.startsWith("imu")) continue;  // µs/ms timestamps cannot state 16 kHz exactly
      const std::string what = (format + " " + s.name).toStdString();
      ASSERT_TRUE(back.contains(s.name)) << what;
      expectSameData(s, back[s.name], what);
      EXPECT_EQ(back[s.name].wholeLabel, s.wholeLabel) << what;
    }
  }
}

TEST_F(CliDatasetExchange, WavAudacityAndTextGridKeepSamplesAndSegments) {
  for (const QString format : {"wav", "audacity", "textgrid"})
    expectRoundTrip(format, format != "wav");
  EXPECT_TRUE(QFile::exists(path("out-audacity/idle.imu0.txt")));
  // A relative --to is relative to the working folder, and holds only the exported files.
  QProcess p;
  p.setWorkingDirectory(m_tmp.path());
  p.start(TINYSCOPE_CLI,
          {"dataset", "export", m_dir, "--to", "rel/out", "--format", "wav", "--label", "wave"});
  ASSERT_TRUE(p.waitForFinished(60000));
  EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
  EXPECT_EQ(QDir(path("rel/out")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
            QStringList({"wave.imu1.wav"}));
  EXPECT_TRUE(QFile::exists(path("out-textgrid/idle.imu0.TextGrid")));
}

TEST_F(CliDatasetExchange, SignedExportVerifiesAndAWrongKeyIsRefused) {
  CliResult r = runCli({"dataset", "export", m_dir, "--to", path("signed"), "--format", "ei-json",
                        "--hmac-key", "right", "--label", "wave"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const QString fresh = path("fresh");
  ASSERT_EQ(runCli({"dataset", "import", fresh, kData + "/ei_doc_example.json"}).code, 0);
  expectRefused(fresh, {"dataset", "import", fresh, path("signed"), "--hmac-key", "wrong"},
                "wave.imu1.json");
  r = runCli({"dataset", "import", fresh, path("signed"), "--hmac-key", "right", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  const qint64 id = json(r)["samples"].toArray().at(0).toObject()["id"].toInt();
  r = runCli({"dataset", "info", fresh, "--sample", QString::number(id), "--json"});
  EXPECT_EQ(json(r)["metadata"].toObject()["signature"].toString(), "verified");
  EXPECT_EQ(json(r)["device"].toString(), "left");
  // Without a key the signed file imports, marked as not verified.
  r = runCli({"dataset", "import", path("unverified"), path("signed"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  r = runCli({"dataset", "info", path("unverified"), "--sample", "1", "--json"});
  EXPECT_EQ(json(r)["metadata"].toObject()["signature"].toString(), "not verified");
}

TEST_F(CliDatasetExchange, RefusedImportsChangeNothing) {
  ASSERT_EQ(runCli({"dataset", "export", m_dir, "--to", path("ok"), "--format", "ei-json"}).code,
            0);
  ASSERT_EQ(runCli({"dataset", "export", m_dir, "--to", path("wav"), "--format", "wav", "--label",
                    "idle"})
                .code,
            0);
  const QString good = path("ok/wave.imu1.json");
  QDir().mkpath(path("bad"));
  // Truncated WAV: the data chunk promises more than the file holds.
  const QByteArray wav = ds::testing::readAll(path("wav/idle.imu0.wav"));
  ASSERT_TRUE(ds::testing::writeAll(path("bad/cut.wav"), wav.left(wav.size() / 2)));
  // Malformed JSON and CBOR.
  const QByteArray js = ds::testing::readAll(good);
  ASSERT_TRUE(ds::testing::writeAll(path("bad/cut.json"), js.left(js.size() - 10)));
  ASSERT_TRUE(ds::testing::writeAll(path("bad/cut.cbor"),
                                    ds::testing::readAll(kData + "/mixed_signed.cbor").left(40)));
  // A label track past the end of the WAV beside it.
  ASSERT_TRUE(QFile::copy(path("wav/idle.imu0.wav"), path("bad/late.wav")));
  ASSERT_TRUE(ds::testing::writeAll(path("bad/late.txt"), "0.5\t9.0\tlate\n"));
  // An EI folder whose range ends past the sample.
  QDir().mkpath(path("bad/folder/training"));
  ASSERT_TRUE(QFile::copy(good, path("bad/folder/training/wave.imu1.json")));
  ASSERT_TRUE(ds::testing::writeAll(
      path("bad/folder/info.labels"),
      R"({"version":1,"files":[{"path":"training/wave.imu1.json","category":"training",)"
      R"("label":{"type":"multi-label","labels":[{"label":"a","startIndex":0,"endIndex":500}]}}]})"));

  const QString dir = m_dir;
  expectRefused(dir, {"dataset", "import", dir, good, path("bad/cut.wav")}, "cut.wav");
  expectRefused(dir, {"dataset", "import", dir, path("bad/cut.json")}, "cut.json");
  expectRefused(dir, {"dataset", "import", dir, "--format", "ei-cbor", path("bad/cut.cbor")},
                "cut.cbor");
  expectRefused(dir, {"dataset", "import", dir, path("bad/late.wav")}, "late.txt");
  expectRefused(dir, {"dataset", "import", dir, path("bad/folder")}, "endIndex");
  // Duplicates: of a stored sample, and twice in one import.
  expectRefused(dir, {"dataset", "import", dir, path("ok")}, "already stored");
  const QString fresh = path("fresh");
  ASSERT_EQ(runCli({"dataset", "import", fresh, kData + "/ei_doc_example.json"}).code, 0);
  expectRefused(fresh, {"dataset", "import", fresh, good, good}, "wave.imu1.json");
  // Unrecognised input and bad usage.
  ASSERT_TRUE(ds::testing::writeAll(path("bad/notes.bin"), "\x01\x02 hello"));
  expectRefused(fresh, {"dataset", "import", fresh, path("bad/notes.bin")}, "notes.bin");
  expectRefused(fresh, {"dataset", "import", fresh, good, "--format", "mp3"}, "--format");
}

TEST_F(CliDatasetExchange, OverlappingSegmentsImportButEdgeImpulseFolderExportRefusesThem) {
  QString error;
  {
    auto store = ds::DatasetStore::open(m_dir, &error);
    ASSERT_TRUE(store);
    ds::SampleRecord r;
    ASSERT_TRUE(store->sample(1, &r, &error));
    ds::CommandStack stack;
    ASSERT_TRUE(
        stack.push(ds::edits::addSegments(store.get(), 1,
                                          {{0, 0, "a", false, 0, 50}, {0, 0, "b", false, 40, 60}}),
                   &error))
        << error.toStdString();
  }
  CliResult r = runCli({"dataset", "export", m_dir, "--to", path("ov"), "--format", "ei-folder"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.contains("overlaps")) << r.err.toStdString();
  EXPECT_EQ(r.err.count('\n'), 1);
  // A refused export adds nothing to the output folder.
  EXPECT_TRUE(
      QDir(path("ov")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
  // Nor does a WAV export of a rate WAV cannot hold, named in the error at its destination.
  QString error2;
  {
    auto store = ds::DatasetStore::open(m_dir, &error2);
    ds::SampleSpec odd = ds::testing::imuSpec("odd");
    odd.rateHz = 62.5;
    odd.labels = QStringList{"zz"};
    ASSERT_GT(
        store->addSample(odd, ds::testing::makeFrames(ds::SampleType::kInt16, 3, 10, 9), &error2),
        0)
        << error2.toStdString();
  }
  r = runCli({"dataset", "export", m_dir, "--to", path("odd"), "--format", "wav"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.contains(path("odd") + "/zz.odd.wav")) << r.err.toStdString();
  EXPECT_TRUE(QDir(path("odd"))
                  .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                  .isEmpty());
}

TEST_F(CliDatasetExchange, ImportOptionsAndHandWrittenFixtures) {
  QString error_;
  const QString dir = path("fixtures");
  CliResult r =
      runCli({"dataset", "import", dir, kData + "/ei_doc_example.json", kData + "/alg_none.json",
              kData + "/ei_doc.csv", kData + "/signed.json", kData + "/mixed_signed.cbor",
              kData + "/yes.audio.json", kData + "/ei_export", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_EQ(json(r)["imported"].toInt(), 9);
  // EI folder: split from the category, multi-label ranges as [start, end) segments.
  r = runCli({"dataset", "list", dir, "--name", "sample_1", "--json"});
  const QJsonObject s = json(r)["samples"].toArray().at(0).toObject();
  EXPECT_EQ(s["split"].toString(), "test");
  r = runCli({"dataset", "info", dir, "--sample", QString::number(s["id"].toInt()), "--json"});
  const QJsonArray segs = json(r)["segments"].toArray();
  ASSERT_EQ(segs.size(), 2);
  EXPECT_EQ(segs.at(0).toObject()["end"].toInt(), 3);  // endIndex 2 is inclusive
  EXPECT_EQ(segs.at(1).toObject()["start"].toInt(), 3);
  EXPECT_EQ(segs.at(1).toObject()["end"].toInt(), 6);
  // Overlapping multi-label ranges (which Edge Impulse itself never writes) are kept as they are:
  // the store holds overlapping segments; only an EI folder export refuses them.
  QDir().mkpath(path("overlap/training"));
  ASSERT_TRUE(QFile::copy(kData + "/ei_export/training/idle.01.json",
                          path("overlap/training/idle.01.json")));
  ASSERT_TRUE(ds::testing::writeAll(
      path("overlap/info.labels"),
      R"({"version":1,"files":[{"path":"training/idle.01.json","category":"training",)"
      R"("label":{"type":"multi-label","labels":[{"label":"a","startIndex":0,"endIndex":1},)"
      R"({"label":"b","startIndex":1,"endIndex":2}]}}]})"));
  r = runCli({"dataset", "import", path("overlap-ds"), path("overlap"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  r = runCli({"dataset", "info", path("overlap-ds"), "--sample", "1", "--json"});
  const QJsonArray ov = json(r)["segments"].toArray();
  ASSERT_EQ(ov.size(), 3);  // the whole label "idle" from the file name, then the two ranges
  EXPECT_TRUE(ov.at(0).toObject()["whole"].toBool());
  EXPECT_EQ(ov.at(0).toObject()["label"].toString(), "idle");
  EXPECT_EQ(ov.at(1).toObject()["end"].toInt(), 2);
  EXPECT_EQ(ov.at(2).toObject()["start"].toInt(), 1);
  // --label and --split override the files'.
  r = runCli({"dataset", "import", path("opt"), m_tmp.path() + "/out-none-yet"});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(QFile::exists(path("opt"))) << "a refused import creates no dataset";
  ASSERT_EQ(runCli({"dataset", "export", m_dir, "--to", path("o"), "--format", "ei-json"}).code, 0);
  r = runCli({"dataset", "import", path("opt"), path("o"), "--label", "knock", "--split", "test",
              "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  r = runCli({"dataset", "list", path("opt"), "--label", "knock", "--in-split", "test", "--json"});
  EXPECT_EQ(json(r)["count"].toInt(), m_source.size());

  // Label files onto one 8 s sample: Audacity (points, comma decimals) and TextGrid forms.
  const QString lab = path("labels");
  {
    auto store = ds::DatasetStore::create(lab, &error_);
    ASSERT_TRUE(store);
    ds::SampleSpec spec = ds::testing::imuSpec("long", ds::SampleType::kInt16, 1);
    ASSERT_EQ(
        store->addSample(spec, ds::testing::makeFrames(ds::SampleType::kInt16, 1, 800, 7), &error_),
        1);
  }
  r = runCli({"dataset", "label-import", lab, "1", kData + "/audacity_labels.txt", "--json"});
  ASSERT_EQ(r.code, 0) << r.err.toStdString();
  r = runCli({"dataset", "info", lab, "--sample", "1", "--json"});
  QStringList got;
  for (const QJsonValue& v : json(r)["segments"].toArray())
    got << QStringLiteral("%1-%2")
               .arg(v.toObject()["start"].toInt())
               .arg(v.toObject()["end"].toInt());
  EXPECT_TRUE(got.contains("340-610")) << got.join(' ').toStdString();  // 3.4 s .. 6.1 s
  EXPECT_TRUE(got.contains("215-215")) << got.join(' ').toStdString();  // a point label
  EXPECT_TRUE(got.contains("550-700")) << got.join(' ').toStdString();  // "5,500000"
  for (const QString tg : {"long.TextGrid", "short.TextGrid", "utf16.TextGrid"}) {
    r = runCli({"dataset", "label-import", lab, "1", kData + "/" + tg});
    EXPECT_EQ(r.code, 0) << tg.toStdString() << r.err.toStdString();
  }
  // A label past the end is refused, naming the file, and changes nothing.
  ASSERT_TRUE(ds::testing::writeAll(path("late.txt"), "1.0\t9.5\tlate\n"));
  expectRefused(lab, {"dataset", "label-import", lab, "1", path("late.txt")}, "late.txt");
}

}  // namespace
