// The Dataset view's bulk tools on real dataset folders: relabel and split of a multi-selection
// undone and redone through the QUndoStack, and import / export of real Edge Impulse JSON, WAV
// and CSV files on the view's worker, with progress, the WorkBar row and cancel.
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QtEndian>
#include <atomic>

#include "app/core/dataset/dataset_store.h"
#include "app/core/sample_list_model.h"
#include "app/gui/dataset_view.h"
#include "app/gui/exchange_dialog.h"
#include "app/gui/work_bar.h"

using namespace tinyscope;
using tinyscope::ui::DatasetView;

namespace {

QByteArray int16Bytes(const QVector<qint16>& v) {
  return QByteArray(reinterpret_cast<const char*>(v.constData()), v.size() * 2);
}

qint64 addSample(dataset::DatasetStore* store, const QString& name, const QString& label,
                 int channels, double rateHz, int frames, int seed) {
  dataset::SampleSpec spec;
  spec.name = name;
  spec.sensor = channels == 1 ? QStringLiteral("microphone") : QStringLiteral("imu");
  for (int c = 0; c < channels; ++c) {
    spec.axes << QStringLiteral("ch%1").arg(c);
    spec.units << (channels == 1 ? QString() : QStringLiteral("g"));
  }
  spec.rateHz = rateHz;
  if (!label.isEmpty()) spec.labels << label;
  QVector<qint16> v(frames * channels);
  for (int i = 0; i < v.size(); ++i) v[i] = static_cast<qint16>((i * seed) % 2000 - 1000);
  QString error;
  const qint64 id = store->addSample(spec, int16Bytes(v), &error);
  EXPECT_GT(id, 0) << error.toStdString();
  return id;
}

QStringList labelsOf(const dataset::DatasetStore& store, qint64 id) {
  dataset::SampleRecord r;
  QString error;
  EXPECT_TRUE(store.sample(id, &r, &error)) << error.toStdString();
  return r.labels;
}

dataset::Split splitOf(const dataset::DatasetStore& store, qint64 id) {
  dataset::SampleRecord r;
  QString error;
  EXPECT_TRUE(store.sample(id, &r, &error)) << error.toStdString();
  return r.split;
}

void selectRows(DatasetView& view, const QVector<qint64>& ids) {
  QItemSelection sel;
  for (qint64 id : ids) {
    const int row = view.model()->rowOf(id);
    ASSERT_GE(row, 0);
    sel.select(view.model()->index(row, 0), view.model()->index(row, 0));
  }
  view.table()->selectionModel()->select(
      sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

// An Edge Impulse data-acquisition JSON as EI's uploader takes it (HS256, 64 zero signature).
void writeEiJson(const QString& path, int n, int seed) {
  QStringList values;
  for (int i = 0; i < n; ++i)
    values << QStringLiteral("[%1,%2]").arg((i * seed) % 300 - 150).arg((i * 7) % 50);
  const QString json =
      QStringLiteral(
          "{\"protected\":{\"ver\":\"v1\",\"alg\":\"HS256\",\"iat\":1700000000},"
          "\"signature\":\"%1\",\"payload\":{\"device_name\":\"ac:87:a3:0a:2d:1b\","
          "\"device_type\":\"DISCO-L475VG-IOT01A\",\"interval_ms\":10,"
          "\"sensors\":[{\"name\":\"accX\",\"units\":\"m/s2\"},{\"name\":\"accY\",\"units\":"
          "\"m/s2\"}],\"values\":[%2]}}")
          .arg(QString(64, QLatin1Char('0')), values.join(QLatin1Char(',')));
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(json.toUtf8());
}

// A 16-bit PCM mono WAV written byte by byte (RIFF, fmt , data).
void writeWav(const QString& path, int rate, const QVector<qint16>& samples) {
  QByteArray b;
  auto u32 = [&b](quint32 v) {
    char c[4];
    qToLittleEndian(v, c);
    b.append(c, 4);
  };
  auto u16 = [&b](quint16 v) {
    char c[2];
    qToLittleEndian(v, c);
    b.append(c, 2);
  };
  const quint32 data = samples.size() * 2;
  b.append("RIFF");
  u32(36 + data);
  b.append("WAVEfmt ");
  u32(16);
  u16(1);
  u16(1);
  u32(rate);
  u32(rate * 2);
  u16(2);
  u16(16);
  b.append("data");
  u32(data);
  for (qint16 s : samples) u16(static_cast<quint16>(s));
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(b);
}

QStringList filesIn(const QString& dir) {
  QStringList out;
  for (const QFileInfo& fi : QDir(dir).entryInfoList(QDir::Files | QDir::NoDotAndDotDot))
    out << fi.fileName();
  QDir sub(dir);
  for (const QString& d : sub.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
    for (const QString& f : filesIn(sub.filePath(d))) out << d + QLatin1Char('/') + f;
  out.sort();
  return out;
}

}  // namespace

TEST(DatasetViewTools, BulkRelabelAndSplitOfASelectionAreUndoable) {
  QTemporaryDir dir;
  QString error;
  auto store = dataset::DatasetStore::create(dir.path(), &error);
  ASSERT_TRUE(store) << error.toStdString();
  const qint64 a = addSample(store.get(), "a", "wave", 3, 100, 50, 3);
  const qint64 b = addSample(store.get(), "b", "tap", 3, 100, 50, 5);
  const qint64 c = addSample(store.get(), "c", "idle", 3, 100, 50, 7);
  store.reset();

  DatasetView view;
  view.resize(1000, 400);
  view.setDir(dir.path());
  view.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  EXPECT_FALSE(view.relabelAction()->isEnabled() && view.selectedIds().isEmpty());

  selectRows(view, {a, c});
  ASSERT_EQ(view.selectedIds(), (QVector<qint64>{a, c}));
  EXPECT_TRUE(view.relabelAction()->isEnabled());
  ASSERT_TRUE(view.relabelSelected("gesture"));
  const dataset::DatasetStore& s = *view.store();
  EXPECT_EQ(labelsOf(s, a), QStringList{"gesture"});
  EXPECT_EQ(labelsOf(s, b), QStringList{"tap"});
  EXPECT_EQ(labelsOf(s, c), QStringList{"gesture"});
  // The selection survives the edit, so the next bulk edit acts on the same samples.
  EXPECT_EQ(view.selectedIds(), (QVector<qint64>{a, c}));
  EXPECT_TRUE(view.countsText().contains("gesture 2")) << view.countsText().toStdString();

  // Split of the selection through its action.
  QAction* toTest = view.findChild<QAction*>("splitSelected_test");
  ASSERT_TRUE(toTest);
  toTest->trigger();
  EXPECT_EQ(splitOf(s, a), dataset::Split::kTest);
  EXPECT_EQ(splitOf(s, b), dataset::Split::kUnassigned);
  EXPECT_EQ(splitOf(s, c), dataset::Split::kTest);
  ASSERT_EQ(view.undoStack()->count(), 2);

  view.undoStack()->undo();
  EXPECT_EQ(splitOf(s, a), dataset::Split::kUnassigned);
  EXPECT_EQ(splitOf(s, c), dataset::Split::kUnassigned);
  view.undoStack()->undo();
  EXPECT_EQ(labelsOf(s, a), QStringList{"wave"});
  EXPECT_EQ(labelsOf(s, c), QStringList{"idle"});
  view.undoStack()->redo();
  view.undoStack()->redo();
  EXPECT_EQ(labelsOf(s, a), QStringList{"gesture"});
  EXPECT_EQ(labelsOf(s, c), QStringList{"gesture"});
  EXPECT_EQ(splitOf(s, c), dataset::Split::kTest);

  // Rename, then merge into an existing label; one undo step each.
  ASSERT_TRUE(view.renameLabel("tap", "knock"));
  EXPECT_EQ(labelsOf(s, b), QStringList{"knock"});
  ASSERT_TRUE(view.renameLabel("knock", "gesture"));
  EXPECT_EQ(labelsOf(s, b), QStringList{"gesture"});
  EXPECT_FALSE(s.labelNames(&error).contains("knock"));
  view.undoStack()->undo();
  EXPECT_EQ(labelsOf(s, b), QStringList{"knock"});
  view.undoStack()->undo();
  EXPECT_EQ(labelsOf(s, b), QStringList{"tap"});
}

TEST(DatasetViewTools, TrainTestSplitOfTheListedSamplesIsTheCoresAndUndoable) {
  QTemporaryDir dir;
  QString error;
  auto store = dataset::DatasetStore::create(dir.path(), &error);
  ASSERT_TRUE(store) << error.toStdString();
  for (int i = 0; i < 10; ++i)
    addSample(store.get(), QStringLiteral("s%1").arg(i), i < 5 ? "yes" : "no", 1, 1000, 40, i + 2);
  store.reset();
  DatasetView view;
  view.setDir(dir.path());
  ASSERT_TRUE(view.assignTestSplit(0.2, false));
  dataset::DatasetSummary sum;
  ASSERT_TRUE(view.store()->summary(&sum, &error));
  // Stratified: one test sample of five per label.
  EXPECT_EQ(sum.test, 2);
  EXPECT_EQ(sum.train, 8);
  dataset::SampleFilter yesTest;
  yesTest.labels << "yes";
  yesTest.hasSplit = true;
  yesTest.split = dataset::Split::kTest;
  EXPECT_EQ(view.store()->countSamples(yesTest, &error), 1);
  view.undoStack()->undo();
  ASSERT_TRUE(view.store()->summary(&sum, &error));
  EXPECT_EQ(sum.unassigned, 10);
}

TEST(DatasetViewTools, ImportsEdgeImpulseJsonAndWavWithProgressIntoTheList) {
  QTemporaryDir dir, in;
  const QString ei = in.filePath("ei");
  ASSERT_TRUE(QDir().mkpath(ei));
  writeEiJson(ei + "/wave.s1.json", 120, 3);
  writeEiJson(ei + "/wave.s2.json", 80, 5);
  writeEiJson(ei + "/idle.s3.json", 100, 7);
  QVector<qint16> pcm(1600);
  for (int i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<qint16>((i * 37) % 4000 - 2000);
  writeWav(in.filePath("clip1.wav"), 16000, pcm);
  writeWav(in.filePath("clip2.wav"), 16000, pcm.mid(0, 800));

  DatasetView view;
  view.resize(1000, 400);
  ui::WorkBar bar;
  bar.follow(&view);
  view.setDir(dir.path());  // no dataset yet: the import creates it
  ASSERT_TRUE(view.importAction()->isEnabled());
  EXPECT_FALSE(view.store());

  QSignalSpy progress(&view, &DatasetView::workProgress);
  QSignalSpy finished(&view, &DatasetView::workFinished);
  QSignalSpy logged(&view, &DatasetView::messageLogged);
  ASSERT_TRUE(view.startImport({ei}, dataset::ImportOptions{}));
  EXPECT_TRUE(view.busy());
  EXPECT_EQ(bar.runningCount(), 1);
  ASSERT_TRUE(bar.cancelButton(&view));
  EXPECT_FALSE(view.startImport({ei}, dataset::ImportOptions{}));  // one job at a time
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_TRUE(finished.first().at(0).toBool()) << logged.value(0).value(0).toString().toStdString();
  EXPECT_EQ(bar.runningCount(), 0);
  ASSERT_GE(progress.size(), 4);  // the start, each of 3 files, the commit
  const QList<QVariant> last = progress.last();
  EXPECT_GT(last.at(1).toLongLong(), 0);
  EXPECT_EQ(last.at(0).toLongLong(), last.at(1).toLongLong());
  ASSERT_TRUE(view.store());
  EXPECT_EQ(view.model()->totalCount(), 3);
  EXPECT_TRUE(view.countsText().contains("wave 2")) << view.countsText().toStdString();
  EXPECT_TRUE(view.countsText().contains("idle 1")) << view.countsText().toStdString();

  dataset::ImportOptions wav;
  wav.label = "noise";
  wav.hasSplit = true;
  wav.split = dataset::Split::kTest;
  ASSERT_TRUE(view.startImport({in.filePath("clip1.wav"), in.filePath("clip2.wav")}, wav));
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_TRUE(finished.last().at(0).toBool()) << logged.last().value(0).toString().toStdString();
  EXPECT_EQ(view.model()->totalCount(), 5);
  EXPECT_EQ(view.model()->rowCount(), 5);
  const dataset::SampleRecord* r = view.model()->record(4);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rateHz, 16000);
  EXPECT_EQ(r->frames, 800);
  EXPECT_EQ(r->labels, QStringList{"noise"});
  EXPECT_EQ(r->split, dataset::Split::kTest);
  QByteArray raw;
  QString error;
  ASSERT_TRUE(view.store()->readFrames(r->id, &raw, &error)) << error.toStdString();
  EXPECT_EQ(raw, int16Bytes(pcm.mid(0, 800)));
}

TEST(DatasetViewTools, ACancelledImportLeavesTheDatasetUnchanged) {
  QTemporaryDir dir, in;
  QString error;
  auto store = dataset::DatasetStore::create(dir.path(), &error);
  ASSERT_TRUE(store) << error.toStdString();
  addSample(store.get(), "kept", "wave", 3, 100, 50, 3);
  store.reset();
  for (int i = 0; i < 8; ++i)
    writeEiJson(in.filePath(QStringLiteral("up.f%1.json").arg(i)), 200, i + 3);
  const QStringList before = filesIn(dir.path());

  DatasetView view;
  ui::WorkBar bar;
  bar.follow(&view);
  view.setDir(dir.path());
  // Cancel from the worker's own progress call, after the third of eight files: mid-import.
  std::atomic<int> calls{0};
  QObject::connect(
      &view, &DatasetView::workProgress, &view,
      [&](qint64 value, qint64) {
        if (value > 0 && ++calls == 3) view.cancelWork();
      },
      Qt::DirectConnection);
  QSignalSpy finished(&view, &DatasetView::workFinished);
  QSignalSpy logged(&view, &DatasetView::messageLogged);
  QSignalSpy errors(&view, &DatasetView::errorOccurred);
  ASSERT_TRUE(view.startImport({in.path()}, dataset::ImportOptions{}));
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_FALSE(finished.first().at(0).toBool());
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(errors.size(), 0);  // a cancel is not an error
  ASSERT_EQ(logged.size(), 1);
  EXPECT_TRUE(logged.first().at(0).toString().contains("cancelled"));
  EXPECT_EQ(bar.runningCount(), 0);
  EXPECT_EQ(view.model()->totalCount(), 1);
  EXPECT_EQ(view.store()->countSamples({}, &error), 1);
  EXPECT_EQ(filesIn(dir.path()).filter(".wav"), before.filter(".wav"));

  // The same import, not cancelled, then takes all eight.
  calls = 100;
  ASSERT_TRUE(view.startImport({in.path()}, dataset::ImportOptions{}));
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_TRUE(finished.last().at(0).toBool());
  EXPECT_EQ(view.model()->totalCount(), 9);
}

TEST(DatasetViewTools, ExportToCsvAndWavRoundTrips) {
  QTemporaryDir dir, out, back;
  QString error;
  auto store = dataset::DatasetStore::create(dir.path(), &error);
  ASSERT_TRUE(store) << error.toStdString();
  const qint64 imu = addSample(store.get(), "imu1", "wave", 3, 100, 60, 3);
  const qint64 mic = addSample(store.get(), "mic1", "yes", 1, 16000, 1000, 11);
  store.reset();

  DatasetView view;
  view.setDir(dir.path());
  QSignalSpy finished(&view, &DatasetView::workFinished);
  QSignalSpy progress(&view, &DatasetView::workProgress);
  // WAV of the selected microphone sample only.
  selectRows(view, {mic});
  dataset::SampleFilter selection;
  selection.ids = view.selectedIds();
  dataset::ExportOptions wav;
  wav.format = dataset::ExchangeFormat::kWav;
  ASSERT_TRUE(view.startExport(out.filePath("wav"), selection, wav));
  ASSERT_TRUE(finished.wait(30000));
  ASSERT_TRUE(finished.last().at(0).toBool());
  EXPECT_EQ(progress.last().at(0).toLongLong(), 1);
  EXPECT_EQ(progress.last().at(1).toLongLong(), 1);
  EXPECT_EQ(filesIn(out.filePath("wav")), QStringList{"yes.mic1.wav"});
  // CSV of everything listed.
  dataset::ExportOptions csv;
  csv.format = dataset::ExchangeFormat::kCsv;
  ASSERT_TRUE(view.startExport(out.filePath("csv"), dataset::SampleFilter{}, csv));
  ASSERT_TRUE(finished.wait(30000));
  ASSERT_TRUE(finished.last().at(0).toBool());
  EXPECT_EQ(filesIn(out.filePath("csv")), (QStringList{"wave.imu1.csv", "yes.mic1.csv"}));

  // Back into a new dataset through another view: the same frames, rates and labels.
  DatasetView again;
  again.setDir(back.path());
  QSignalSpy done(&again, &DatasetView::workFinished);
  ASSERT_TRUE(again.startImport({out.filePath("wav"), out.filePath("csv") + "/wave.imu1.csv"},
                                dataset::ImportOptions{}));
  ASSERT_TRUE(done.wait(30000));
  ASSERT_TRUE(done.last().at(0).toBool());
  ASSERT_EQ(again.model()->totalCount(), 2);
  for (int row = 0; row < 2; ++row) {
    const dataset::SampleRecord* r = again.model()->record(row);
    ASSERT_TRUE(r);
    const qint64 original = r->channels == 1 ? mic : imu;
    dataset::SampleRecord o;
    QByteArray a, b;
    ASSERT_TRUE(view.store()->sample(original, &o, &error));
    ASSERT_TRUE(view.store()->readFrames(original, &a, &error));
    ASSERT_TRUE(again.store()->readFrames(r->id, &b, &error)) << error.toStdString();
    EXPECT_EQ(r->rateHz, o.rateHz);
    EXPECT_EQ(r->frames, o.frames);
    EXPECT_EQ(r->labels, o.labels);
    EXPECT_EQ(a, b) << r->name.toStdString();
  }
}

TEST(DatasetViewTools, RefusedImportIsAnErrorInTheLogAndACancelledExportWritesNothing) {
  QTemporaryDir dir, in, out;
  QString error;
  auto store = dataset::DatasetStore::create(dir.path(), &error);
  ASSERT_TRUE(store) << error.toStdString();
  for (int i = 0; i < 4; ++i)
    addSample(store.get(), QStringLiteral("s%1").arg(i), "yes", 1, 8000, 100, i + 3);
  store.reset();
  writeEiJson(in.filePath("good.a.json"), 50, 3);
  QFile bad(in.filePath("bad.b.json"));
  ASSERT_TRUE(bad.open(QIODevice::WriteOnly));
  bad.write("{\"protected\":{\"ver\":\"v1\"},\"payload\":{\"values\":[1,2");
  bad.close();

  DatasetView view;
  view.setDir(dir.path());
  QSignalSpy finished(&view, &DatasetView::workFinished);
  QSignalSpy errors(&view, &DatasetView::errorOccurred);
  ASSERT_TRUE(view.startImport({in.path()}, dataset::ImportOptions{}));
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_FALSE(finished.last().at(0).toBool());
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors.first().at(0).toString().contains("bad.b.json"))
      << errors.first().at(0).toString().toStdString();
  EXPECT_EQ(view.model()->totalCount(), 4);  // the good file was not taken either

  // Cancel the export after its second sample of four: the output folder stays empty.
  QObject::connect(
      &view, &DatasetView::workProgress, &view,
      [&](qint64 value, qint64) {
        if (value == 2) view.cancelWork();
      },
      Qt::DirectConnection);
  dataset::ExportOptions wav;
  wav.format = dataset::ExchangeFormat::kWav;
  ASSERT_TRUE(view.startExport(out.path(), dataset::SampleFilter{}, wav));
  ASSERT_TRUE(finished.wait(30000));
  EXPECT_FALSE(finished.last().at(0).toBool());
  EXPECT_EQ(errors.size(), 1);
  EXPECT_EQ(filesIn(out.path()), QStringList{});
  EXPECT_EQ(QDir(out.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
            QStringList{});
}

TEST(DatasetViewTools, ExchangeDialogGivesTheCoresOptions) {
  ui::ExchangeDialog in(ui::ExchangeDialog::Mode::kImport, {"yes", "no"}, 0);
  EXPECT_EQ(in.importOptions().format, dataset::ExchangeFormat::kAuto);
  in.pathEdit()->setText("/tmp/a.json;/tmp/b.wav");
  EXPECT_EQ(in.paths(), (QStringList{"/tmp/a.json", "/tmp/b.wav"}));
  in.formatBox()->setCurrentIndex(
      in.formatBox()->findData(int(dataset::ExchangeFormat::kEiFolder)));
  in.labelBox()->setCurrentText("no");
  in.splitBox()->setCurrentIndex(in.splitBox()->findText("test"));
  const dataset::ImportOptions o = in.importOptions();
  EXPECT_EQ(o.format, dataset::ExchangeFormat::kEiFolder);
  EXPECT_EQ(o.label, "no");
  EXPECT_TRUE(o.hasSplit);
  EXPECT_EQ(o.split, dataset::Split::kTest);

  ui::ExchangeDialog ex(ui::ExchangeDialog::Mode::kExport, {}, 3);
  // Every export format of the dataset issue is offered.
  for (dataset::ExchangeFormat f :
       {dataset::ExchangeFormat::kEiJson, dataset::ExchangeFormat::kEiCbor,
        dataset::ExchangeFormat::kEiFolder, dataset::ExchangeFormat::kCsv,
        dataset::ExchangeFormat::kEiCsv, dataset::ExchangeFormat::kWav,
        dataset::ExchangeFormat::kAudacity, dataset::ExchangeFormat::kTextGrid})
    EXPECT_GE(ex.formatBox()->findData(int(f)), 0) << dataset::exchangeFormatName(f).toStdString();
  EXPECT_EQ(ex.scope(), ui::ExchangeDialog::Scope::kSelected);
  ex.formatBox()->setCurrentIndex(
      ex.formatBox()->findData(int(dataset::ExchangeFormat::kTextGrid)));
  EXPECT_EQ(ex.exportOptions().format, dataset::ExchangeFormat::kTextGrid);
}
