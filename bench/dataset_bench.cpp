// Dataset store figures (printed, nothing asserted): the index with 100,000 samples (list and
// filter times, label edits), and real crash-safe adds and verify on WAV payloads.
// The 100,000-sample index is filled with SQL in one transaction (payload files are not needed
// to time the index); adds and verify are timed on real files.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QVariant>
#include <cstdio>
#include <cstring>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/edit_commands.h"

using namespace tinyscope::dataset;

namespace {

template <typename F>
double bestMs(int runs, F&& f) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    QElapsedTimer t;
    t.start();
    f();
    best = std::min(best, t.nsecsElapsed() / 1e6);
  }
  return best;
}

bool fillIndex(DatasetStore& s, int n) {
  QSqlDatabase db = s.database();
  QSqlQuery q(db);
  db.transaction();
  for (int d = 1; d <= 4; ++d)
    q.exec(QStringLiteral("INSERT INTO devices(name, uri) VALUES('board%1', 'serial:/dev/tty%1')")
               .arg(d));
  for (int d = 1; d <= 50; ++d)
    q.exec(QStringLiteral("INSERT INTO sessions(uuid, device_id, started_ms) VALUES('s%1', %2, 0)")
               .arg(d)
               .arg(d % 4 + 1));
  const char* labels[] = {"idle",  "wave", "circle", "tap", "shake",
                          "noise", "yes",  "no",     "up",  "down"};
  for (const char* l : labels)
    q.exec(QStringLiteral("INSERT INTO labels(name) VALUES('%1')").arg(QLatin1String(l)));
  QSqlQuery f(db), sm(db), g(db);
  f.prepare(
      "INSERT INTO files(path, sha256, bytes, sidecar, sidecar_sha256, format, frames) VALUES(?, "
      "?, 4044, ?, 'x', 'wav', 1000)");
  sm.prepare(
      "INSERT INTO samples(content_id, name, file_id, begin_frame, frames, channels, rate_hz, "
      "sample_type, sensor, axes, units, created_ms, split, session_id, device_id) VALUES(?, ?, ?, "
      "0, 1000, 1, 16000, 'int16', 'mic', '[\"a\"]', '[\"\"]', ?, ?, ?, ?)");
  g.prepare(
      "INSERT INTO segments(sample_id, label_id, whole, start_frame, end_frame) VALUES(?, ?, ?, ?, "
      "?)");
  for (int i = 1; i <= n; ++i) {
    const QString sha = QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
    f.addBindValue(QStringLiteral("samples/s%1.wav").arg(i));
    f.addBindValue(sha);
    f.addBindValue(QStringLiteral("samples/s%1.json").arg(i));
    if (!f.exec()) return false;
    sm.addBindValue(sha);
    sm.addBindValue(QStringLiteral("s%1").arg(i));
    sm.addBindValue(i);
    sm.addBindValue(qint64(1'700'000'000'000) + i * 1000LL);
    sm.addBindValue(i % 5 == 0 ? 2 : i % 5 == 1 ? 0 : 1);
    sm.addBindValue(i % 50 + 1);
    sm.addBindValue(i % 4 + 1);
    if (!sm.exec()) return false;
    g.addBindValue(i);
    g.addBindValue(i % 10 + 1);
    g.addBindValue(1);
    g.addBindValue(0);
    g.addBindValue(0);
    if (!g.exec()) return false;
    if (i % 3 == 0) {  // a third also has a segment
      g.addBindValue(i);
      g.addBindValue((i + 3) % 10 + 1);
      g.addBindValue(0);
      g.addBindValue(100);
      g.addBindValue(400);
      if (!g.exec()) return false;
    }
  }
  return db.commit();
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QTemporaryDir tmp;
  QString error;
  const int n = 100000;
  {
    auto store = DatasetStore::create(tmp.path() + "/index", &error);
    if (!store) return std::fprintf(stderr, "%s\n", qPrintable(error)), 1;
    QElapsedTimer t;
    t.start();
    if (!fillIndex(*store, n)) return std::fprintf(stderr, "fill failed\n"), 1;
    std::printf("dataset index: %d samples indexed in %.0f ms (one transaction)\n", n,
                t.nsecsElapsed() / 1e6);
    size_t rows = 0;
    auto timeList = [&](const char* what, const SampleFilter& f) {
      const double ms = bestMs(5, [&] { rows = store->list(f, &error).size(); });
      std::printf("  list %-34s %6zu rows  %7.1f ms\n", what, rows, ms);
    };
    timeList("all", {});
    SampleFilter label;
    label.labels = QStringList{"wave"};
    timeList("--label wave", label);
    SampleFilter labelSplit;
    labelSplit.labels = QStringList{"circle"};
    labelSplit.hasSplit = true;
    labelSplit.split = Split::kTrain;
    timeList("--label circle --in-split train", labelSplit);
    SampleFilter device;
    device.device = "board3";
    device.sessionId = 7;
    timeList("--device board3 --session 7", device);
    SampleFilter time;
    time.createdFromMs = 1'700'000'000'000 + 50'000'000LL;
    time.createdToMs = time.createdFromMs + 1'000'000;
    timeList("--from/--to (1000 s)", time);
    {
      QSqlQuery raw(store->database());
      raw.setForwardOnly(true);
      const double ms = bestMs(3, [&] {
        raw.exec(
            "SELECT s.id, s.content_id, s.name, f.path FROM samples s JOIN files f ON f.id = "
            "s.file_id");
        rows = 0;
        while (raw.next()) ++rows;
      });
      std::printf("  (raw: step %zu rows through Qt Sql)     %7.1f ms\n", rows, ms);
    }
    SampleFilter first;
    first.limit = 100;
    timeList("--limit 100 (a page)", first);
    std::printf("  count --label wave                    %7.1f ms\n",
                bestMs(5, [&] { store->count(label, &error); }));
    CommandStack stack;
    double label1 = 0, undo1 = 0;
    for (int i = 0; i < 20; ++i) {
      QElapsedTimer e;
      e.start();
      stack.push(edits::addSegment(store.get(), 1 + i * 997, "door", 10, 20), &error);
      label1 += e.nsecsElapsed() / 1e6;
      e.restart();
      stack.undo(&error);
      undo1 += e.nsecsElapsed() / 1e6;
      stack.redo(&error);
    }
    std::printf("  label edit (segment), one transaction  %6.2f ms; undo %.2f ms\n", label1 / 20,
                undo1 / 20);
    QElapsedTimer e;
    e.start();
    stack.push(edits::renameLabel(store.get(), "wave", "waving"), &error);
    std::printf("  rename a label on 10,000 samples       %6.2f ms\n", e.nsecsElapsed() / 1e6);
    e.restart();
    stack.push(edits::assignSplit(store.get(), {}, 0.2, true), &error);
    std::printf("  train/test split of %d samples    %7.0f ms\n", n, e.nsecsElapsed() / 1e6);
  }
  {
    auto store = DatasetStore::create(tmp.path() + "/files", &error);
    const int count = argc > 1 ? atoi(argv[1]) : 200;
    SampleSpec spec;
    spec.sensor = "mic";
    spec.axes = QStringList{"audio"};
    spec.units = QStringList{""};
    spec.rateHz = 16000;
    QByteArray frames(16000 * 2, '\0');
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
      spec.name = QStringLiteral("clip%1").arg(i);
      std::memcpy(frames.data(), &i, sizeof i);
      if (store->addSample(spec, frames, &error) == 0)
        return std::fprintf(stderr, "%s\n", qPrintable(error)), 1;
    }
    const double s = t.nsecsElapsed() / 1e9;
    std::printf(
        "crash-safe add: %d samples of 1 s 16 kHz int16 in %.2f s: %.0f samples/s, %.1f MB/s "
        "(payload + sidecar fsync'd, renamed, folder fsync'd, one transaction each)\n",
        count, s, count / s, count * 32044 / s / 1e6);
    VerifyReport v;
    t.restart();
    store->verify(&v, &error);
    const double vs = t.nsecsElapsed() / 1e9;
    std::printf("verify: %d files, %.1f MB in %.2f s: %.0f MB/s, %s\n", v.checkedFiles,
                v.checkedBytes / 1e6, vs, v.checkedBytes / vs / 1e6,
                v.clean() ? "clean" : "NOT clean");
  }
  return 0;
}
